import { checkCsrfOrigin, checkCsrfToken, type CsrfReason, type CsrfRequest } from '../csrf/check.js';
import type { ResolvedCsrfOptions } from '../csrf/options.js';
import { isSafeMethod } from '../csrf/fetch-metadata.js';
import { readSubmittedToken } from '../csrf/token.js';
import type { EventBus } from '../core/events.js';
import { AegisRejection, type AegisReply } from '../core/reply.js';
import type { RequestState } from '../core/request.js';
import { limitsFor, type CompiledRateLimit } from '../rate-limit/options.js';
import { SessionStoreError } from '../sessions/store-error.js';
import type { CompiledIdempotency } from '../idempotency/options.js';
import { holdIdempotencyKey } from './idempotency-guard.js';
import { enforceRateLimits } from './rate-limit-guard.js';
import { storeUnavailable } from './store-failure.js';
import { checkSignedRequest, type CompiledSignatures } from './signature-guard.js';
import { expectedCsrfToken, sessionCsrfToken } from './csrf-token.js';

/** What the request guards read from a request, whatever the framework. */
export interface GuardedRequest {
  /** One header by lower-case name. */
  header(name: string): string | undefined;
  /** The body the framework has already parsed, if any. */
  readonly body: unknown;
  /**
   * Reads and parses an `application/x-www-form-urlencoded` body within the body limit, for the
   * token field. Resolves `null` when the request has been answered meanwhile (413, connection gone).
   */
  readForm(): Promise<unknown>;
  /**
   * Reads the whole body within the body limit (signed and idempotent routes need its bytes) and
   * hands it to the application as the framework expects (Express: `req.body`, parsed for JSON and
   * urlencoded forms; `req.rawBody`: the bytes). Resolves `null` when the request has been
   * answered meanwhile (413, connection gone). Reads once; later calls get the same bytes.
   */
  readBody(): Promise<Uint8Array | null>;
}

/**
 * What to do after the guards: go on (`undefined`), send this reply, or nothing at all (`null`:
 * the request has been answered already).
 */
export type GuardOutcome = AegisReply | null | undefined;

/** The guards' part of a compiled policy. @internal */
export interface GuardPolicy {
  readonly csrf: ResolvedCsrfOptions | undefined;
  readonly rateLimit: CompiledRateLimit | undefined;
  readonly hasSessions: boolean;
  /** Signed-request settings, when the policy has `signatures`. */
  readonly signatures: CompiledSignatures | undefined;
  /** Idempotency-key settings, when the policy has `idempotency`. */
  readonly idempotency: CompiledIdempotency | undefined;
  readonly events: EventBus;
}

/**
 * True when {@link runRequestGuards} may have anything to do for this request: always with sessions
 * (the session is opened) or rate limits, on signed and idempotent routes, else only for unsafe
 * methods under CSRF. Adapters skip the guards entirely otherwise, so a GET of a policy with none
 * of these costs nothing here.
 * @internal
 */
export function guardsApply(policy: GuardPolicy, state: RequestState): boolean {
  // With rate limits the route is matched once, in runRequestGuards, rather than here and there.
  if (policy.hasSessions || policy.rateLimit !== undefined) return true;
  const route = state.route;
  if (route !== undefined && (route.signature || route.idempotency !== undefined)) return true;
  return policy.csrf !== undefined && !isSafeMethod(state.method);
}

/**
 * The per-request guards that may need a store or the body, after the synchronous ones of the
 * pipeline (Host, IP rules, API keys…), in this order: rate limits, the request signature, the
 * CSRF token endpoint and check, the idempotency key. Synchronous when it can be (no store to
 * ask): a GET costs no promise. Framework-free; adapters call it.
 * @internal
 */
export function runRequestGuards(policy: GuardPolicy, state: RequestState, request: GuardedRequest): GuardOutcome | Promise<GuardOutcome> {
  // Rate limits first: a flood is turned away before it costs a session read or a body.
  const limits = policy.rateLimit && limitsFor(policy.rateLimit, state.method, state.path);
  if (limits) {
    const limited = enforceRateLimits(policy.rateLimit as CompiledRateLimit, limits, state, policy.events);
    return withStore(policy, state, limited.then((reply) => reply ?? afterRateLimits(policy, state, request)));
  }
  return afterRateLimits(policy, state, request);
}

/** The signature of a signed route (before CSRF: a signed call is not a browser's), then the rest. */
function afterRateLimits(policy: GuardPolicy, state: RequestState, request: GuardedRequest): GuardOutcome | Promise<GuardOutcome> {
  if (state.route?.signature && policy.signatures) {
    return checkSignedRequest(policy.signatures, state, request, policy.events).then((outcome) => (outcome !== undefined ? outcome : afterSignature(policy, state, request)));
  }
  return afterSignature(policy, state, request);
}

/** CSRF, then the idempotency key last: a key is only taken by a request that will run. */
function afterSignature(policy: GuardPolicy, state: RequestState, request: GuardedRequest): GuardOutcome | Promise<GuardOutcome> {
  const csrf = runCsrfGuards(policy, state, request);
  const route = state.route?.idempotency;
  if (route === undefined || policy.idempotency === undefined) return csrf;
  const settings = policy.idempotency;
  const hold = (): Promise<GuardOutcome> => withStore(policy, state, holdIdempotencyKey(settings, route, state, request, policy.events));
  if (csrf === undefined) return hold();
  if (!(csrf instanceof Promise)) return csrf;
  return csrf.then((outcome) => (outcome !== undefined ? outcome : hold()));
}

/** The CSRF token endpoint, then the CSRF check. */
function runCsrfGuards(policy: GuardPolicy, state: RequestState, request: GuardedRequest): GuardOutcome | Promise<GuardOutcome> {
  const { csrf } = policy;
  if (!csrf) return undefined;
  const { session } = state;
  if (session && state.path === csrf.tokenEndpoint && (state.method === 'GET' || state.method === 'HEAD')) {
    return withStore(policy, state, tokenReply(state, csrf));
  }
  // Safe methods pass the CSRF check whatever the exemptions say: decided without allocating.
  if (isSafeMethod(state.method)) return undefined;
  const view: CsrfRequest = { method: state.method, path: state.path, host: state.authority, https: state.secure, header: (name) => request.header(name), body: request.body };
  const first = checkCsrfOrigin(view, csrf);
  if (first.decided) return first.decision.ok ? undefined : rejectCsrf(policy, state, first.decision.reason);
  // Without sessions there is no token to compare: the origin layer is the protection.
  if (!session) return undefined;
  return withStore(policy, state, checkToken(policy, state, request, view, first.weak));
}

async function checkToken(policy: GuardPolicy, state: RequestState, request: GuardedRequest, view: CsrfRequest, weak: boolean): Promise<GuardOutcome> {
  const csrf = policy.csrf as ResolvedCsrfOptions;
  let submitted = readSubmittedToken(view, csrf);
  if (submitted === undefined && request.body === undefined && isUrlencoded(request.header('content-type'))) {
    const form = await request.readForm();
    if (form === null) return null;
    submitted = readSubmittedToken({ header: view.header, body: form }, csrf);
  }
  const expected = await expectedCsrfToken(state.session as NonNullable<RequestState['session']>);
  const decision = checkCsrfToken(submitted, { sessionToken: expected }, weak);
  return decision.ok ? undefined : rejectCsrf(policy, state, decision.reason);
}

async function tokenReply(state: RequestState, csrf: ResolvedCsrfOptions): Promise<GuardOutcome> {
  const token = await sessionCsrfToken(state.session as NonNullable<RequestState['session']>);
  return {
    status: 200,
    headers: [
      ['Content-Type', 'application/json; charset=utf-8'],
      ['Cache-Control', 'no-store'],
      ['X-Content-Type-Options', 'nosniff'],
    ],
    body: state.method === 'HEAD' ? '' : JSON.stringify({ token, headerName: csrf.headerName }),
    close: false,
  };
}

function rejectCsrf(policy: GuardPolicy, state: RequestState, reason: CsrfReason): AegisReply {
  policy.events.emit(state.event('csrf.rejected', 'warn', reason, { status: 403 }));
  return new AegisRejection(403, `Forbidden: CSRF check failed (${reason})`, `csrf.${reason}`).toReply();
}

/** A store that fails turns into 503 and a `session.store_failed` event; anything else is a bug and propagates. */
async function withStore(policy: GuardPolicy, state: RequestState, pending: Promise<GuardOutcome>): Promise<GuardOutcome> {
  try {
    return await pending;
  } catch (error) {
    if (!(error instanceof SessionStoreError)) throw error;
    return storeFailureReply(policy.events, state, error);
  }
}

/** Failures already answered (and reported): the response's commit meets the same one again. */
const answered = new WeakSet<SessionStoreError>();

/** True when {@link storeFailureReply} has already answered this failure. @internal */
export function storeFailureAnswered(error: SessionStoreError): boolean {
  return answered.has(error);
}

/** The 503 answer (and its event, once) when the session store fails. @internal */
export function storeFailureReply(events: EventBus, state: RequestState, error: SessionStoreError): AegisReply {
  answered.add(error);
  return storeUnavailable(events, state, 'session.store_failed', 'session store', error.cause);
}

function isUrlencoded(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}
