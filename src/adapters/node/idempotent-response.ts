import type { ServerResponse } from 'node:http';
import type { EventBus } from '../../core/events.js';
import type { RequestState } from '../../core/request.js';
import type { HeldIdempotencyKey } from '../../guards/idempotency-guard.js';
import { failureText } from '../../guards/store-failure.js';
import { storableHeaders } from '../../idempotency/replay.js';

type WriteArgs = [chunk?: unknown, encoding?: unknown, callback?: unknown];

/**
 * Keeps a copy of the response of a request that holds an idempotency key, and stores it under
 * the key when the response has finished: its status, the headers worth replaying and up to
 * `maxResponseSize` of body (a larger body is stored as status and headers only, with an
 * `idempotency.not_stored` event). A response of 500 or more releases the key instead, so a
 * retry runs again. A client that hangs up does not: the handler goes on (a payment may be under
 * way), and what it answers is stored when it ends, so the client's retry gets that answer. A
 * handler that never answers keeps the key until `lockTimeout`. A store that fails at that point
 * cannot change a response already sent: it is an `idempotency.store_failed` event, and the key is
 * freed when its lock times out.
 * @internal
 */
export function storeResponseUnderKey(res: ServerResponse, held: HeldIdempotencyKey, state: RequestState, events: EventBus): void {
  const { settings } = held;
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  let headers: Array<[string, string]> | undefined;
  const keep = (chunk: unknown, encoding: unknown): void => {
    if (truncated || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array);
    size += bytes.length;
    if (size > settings.maxResponseBytes) {
      truncated = true;
      chunks.length = 0;
    } else chunks.push(bytes);
  };

  const writeHead = res.writeHead;
  res.writeHead = function writeHeadKeepingHeaders(this: ServerResponse, ...args: unknown[]) {
    const result = (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    // After the original writeHead: headers passed to it are on the response now, or (when the
    // response had none set) only in args, which are read too.
    headers = storableHeaders({ ...this.getHeaders(), ...headersFromArgs(args) });
    return result;
  } as ServerResponse['writeHead'];
  const write = res.write;
  res.write = function writeKeepingBody(this: ServerResponse, ...args: WriteArgs) {
    keep(args[0], args[1]);
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as ServerResponse['write'];
  const end = res.end;
  res.end = function endKeepingBody(this: ServerResponse, ...args: WriteArgs) {
    if (typeof args[0] !== 'function') keep(args[0], args[1]);
    const result = (end as (...a: unknown[]) => ServerResponse).apply(this, args);
    // The client has gone: no 'finish' will come, but the answer is complete and is stored.
    if (this.destroyed) settle();
    return result;
  } as ServerResponse['end'];

  const release = (): void => {
    settings.store.release(held.key, held.token).catch((error: unknown) => failed(error));
  };
  const failed = (error: unknown): void => {
    events.emit(state.event('idempotency.store_failed', 'error', 'store.unavailable', { detail: { error: failureText(error) } }));
  };
  let settled = false;
  const settle = (): void => {
    if (settled) return;
    settled = true;
    const status = res.statusCode;
    if (status >= 500) return release();
    if (truncated) events.emit(state.event('idempotency.not_stored', 'warn', 'response.too_large', { status, detail: { limit: settings.maxResponseBytes } }));
    const response = { status, headers: headers ?? storableHeaders(res.getHeaders()), body: truncated ? Buffer.alloc(0) : Buffer.concat(chunks) };
    settings.store.complete(held.key, held.token, response, Date.now(), settings.ttlMs).then(
      (stored) => {
        if (!stored) events.emit(state.event('idempotency.not_stored', 'warn', 'lock.lost', { status, detail: { lockTimeoutMs: settings.lockMs } }));
      },
      failed,
    );
  };
  res.once('finish', settle);
}

/** The headers given to `writeHead(status, [message], headers)`: an object or a flat array. */
function headersFromArgs(args: unknown[]): Record<string, string | string[]> {
  const last = args.find((arg, index) => index > 0 && typeof arg === 'object' && arg !== null);
  if (last === undefined) return {};
  if (!Array.isArray(last)) return Object.fromEntries(Object.entries(last as Record<string, unknown>).map(([name, value]) => [name.toLowerCase(), value as string | string[]]));
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < last.length; i += 2) out[String(last[i]).toLowerCase()] = String(last[i + 1]);
  return out;
}

