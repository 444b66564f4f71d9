import type { EventBus } from '../core/events.js';
import { AegisRejection, type AegisReply } from '../core/reply.js';
import type { RequestState } from '../core/request.js';
import { requestFingerprint } from '../idempotency/fingerprint.js';
import { parseIdempotencyKey } from '../idempotency/key.js';
import type { CompiledIdempotency, IdempotencyRoute } from '../idempotency/options.js';
import { replayReply } from '../idempotency/replay.js';
import type { GuardedRequest, GuardOutcome } from './request-guards.js';
import { storeUnavailable } from './store-failure.js';

/**
 * A request that holds its idempotency key: the adapter stores the response under it when the
 * response finishes (or releases the key when the response fails or the connection drops).
 * @internal
 */
export interface HeldIdempotencyKey {
  readonly settings: CompiledIdempotency;
  /** The store key: the client's scope and the key. */
  readonly key: string;
  /** Proves this request owns the key (from `begin`). */
  readonly token: string;
}

/**
 * The idempotency-key step for a route that opted in (IETF httpapi draft):
 *
 * - no key: 400 when the route requires one, else the request runs as usual;
 * - a malformed key: 400;
 * - the key is new (for this client): the request runs and holds the key ({@link RequestState.idempotency});
 * - the same key with another request (method, path and query, content type, body): 422;
 * - the same key and request still running: 409 with `Retry-After: 1`;
 * - the same key and request finished: its stored response, marked `Idempotent-Replayed: true`.
 *
 * Keys are scoped per client: the API key when the route requires one, else the signed-in user,
 * else the client IP, so one client can neither read nor block another's responses. A store that
 * fails answers 503 (`idempotency.store_failed`): running the request unprotected could run it twice.
 * @internal
 */
export async function holdIdempotencyKey(settings: CompiledIdempotency, route: IdempotencyRoute, state: RequestState, request: GuardedRequest, events: EventBus): Promise<GuardOutcome> {
  const raw = request.header(settings.header);
  if (raw === undefined) {
    if (!route.required) return undefined;
    return reject(events, state, 400, 'Bad Request: this endpoint requires an Idempotency-Key header', 'missing');
  }
  const key = parseIdempotencyKey(raw);
  if (key === undefined) return reject(events, state, 400, 'Bad Request: invalid Idempotency-Key (a quoted string of 1 to 255 visible ASCII characters)', 'invalid');
  const body = await request.readBody();
  if (body === null) return null;
  const fingerprint = requestFingerprint(state.method, state.query === '' ? state.path : `${state.path}?${state.query}`, request.header('content-type'), body);
  const storeKey = `${await clientScope(state)}|${key}`;
  let begun;
  try {
    begun = await settings.store.begin(storeKey, fingerprint, Date.now(), settings.lockMs);
  } catch (error) {
    return storeUnavailable(events, state, 'idempotency.store_failed', 'idempotency store', error);
  }
  switch (begun.state) {
    case 'acquired':
      state.idempotency = { settings, key: storeKey, token: begun.token };
      return undefined;
    case 'running':
      return reject(events, state, 409, 'Conflict: a request with this Idempotency-Key is still being processed', 'conflict', [['Retry-After', '1']]);
    case 'mismatch':
      return reject(events, state, 422, 'Unprocessable Content: this Idempotency-Key was already used with a different request', 'mismatch');
    case 'completed':
      events.emit(state.event('idempotency.replayed', 'info', 'replayed', { status: begun.response.status }));
      return replayReply(begun.response, state.responseHeaders ?? []);
  }
}

/** Whose key it is: the API key, else the signed-in user, else the client's address. */
async function clientScope(state: RequestState): Promise<string> {
  if (state.apiKey) return `key:${state.apiKey.id}`;
  const user = await state.session?.userId();
  return user === undefined ? `ip:${state.clientIp}` : `user:${user}`;
}

function reject(events: EventBus, state: RequestState, status: number, text: string, reason: string, headers: ReadonlyArray<readonly [string, string]> = []): AegisReply {
  events.emit(state.event('idempotency.rejected', 'warn', reason, { status }));
  return new AegisRejection(status, text, `idempotency.${reason}`, false, [...headers, ...(state.responseHeaders ?? [])]).toReply();
}
