import { AegisConfigError, show, type Problems } from '../core/config-error.js';
import type { EventBus } from '../core/events.js';
import { checkObject, readDuration } from '../core/read-option.js';
import { AegisRejection, type AegisReply } from '../core/reply.js';
import type { RequestState } from '../core/request.js';
import type { Duration } from '../core/units.js';
import type { Secret } from '../config/secret.js';
import { ACCEPT_SIGNATURE_HINT, compileSigningKeys, verifyRequestSignature, type SigningKeyRing } from '../signing/index.js';
import type { NonceStore } from '../stores/nonce-store.js';
import type { GuardedRequest, GuardOutcome } from './request-guards.js';
import { storeUnavailable } from './store-failure.js';

/**
 * Signed requests (machine-to-machine calls, webhooks) for the routes with `signature: true`: an
 * HMAC-SHA256 HTTP Message Signature (RFC 9421 profile, see `src/signing/`) over the method, path,
 * query and body digest, fresh within `window`, with a nonce never seen before.
 * @example
 * signatures: { keys: { 'billing-2026': process.env.BILLING_SIGNING_KEY }, nonceStore: redisNonceStore({ client }) },
 * routes: [{ path: '/webhooks/payments', method: 'POST', signature: true }],
 */
export interface SignatureOptions {
  /** Accepted keys by id (the `keyid` callers sign with); rotate by adding the new id, then removing the old. Each secret at least 256 bits. */
  keys: Readonly<Record<string, string | Uint8Array | Secret>>;
  /** Where seen nonces are remembered until their signature expires (`aegis/stores`). */
  nonceStore: NonceStore;
  /** How far a signature's `created` time may be from this server's clock, either way. Default `'5m'`. */
  window?: Duration;
}

/** The policy's `signatures` after validation. @internal */
export interface CompiledSignatures {
  readonly keys: SigningKeyRing;
  readonly nonceStore: NonceStore;
  readonly windowMs: number;
}

const KEYS = ['keys', 'nonceStore', 'window'];

/** Validates the policy's `signatures` option into `problems`. @internal */
export function compileSignatures(raw: unknown, problems: Problems, path: string): CompiledSignatures | undefined {
  if (!checkObject(raw, KEYS, problems, path, "{ keys: { 'partner-1': process.env.PARTNER_KEY }, nonceStore: memoryNonceStore() }")) return undefined;
  const options = raw as Record<string, unknown>;
  const store = options['nonceStore'] as Partial<NonceStore> | undefined;
  if (typeof store !== 'object' || store === null || typeof store.claim !== 'function') {
    problems.add(`${path}.nonceStore`, `expected a NonceStore, got ${show(store)}.`, 'pass memoryNonceStore(), sqliteNonceStore({ file }) or redisNonceStore({ client }) from aegis/stores.');
  }
  const windowMs = readDuration(options['window'], 300_000, problems, `${path}.window`);
  if (windowMs < 1000 || windowMs > 3_600_000) problems.add(`${path}.window`, `must be from 1 s to 1 h, got ${show(options['window'])}.`, "write window: '5m'.");
  let keys: SigningKeyRing | undefined;
  try {
    keys = compileSigningKeys(options['keys'] as SignatureOptions['keys'], `${path}.keys`);
  } catch (error) {
    if (!(error instanceof AegisConfigError)) throw error;
    for (const problem of error.problems) problems.add(problem.path, problem.message, problem.fix);
  }
  return keys && { keys, nonceStore: store as NonceStore, windowMs };
}

/**
 * Checks a signed request: the signature (everything but the nonce, see `verifyRequestSignature`),
 * then the nonce, claimed in the store until the signature would be stale anyway. Bad signatures
 * get 401 and `signature.invalid`; a nonce seen before gets 401 and `replay.detected`; a nonce
 * store that fails gets 503 and `replay.store_failed` (never let through: that would allow replays).
 * @internal
 */
export async function checkSignedRequest(settings: CompiledSignatures, state: RequestState, request: GuardedRequest, events: EventBus): Promise<GuardOutcome> {
  const body = await request.readBody();
  if (body === null) return null;
  const now = Date.now();
  const checked = verifyRequestSignature({ method: state.method, path: state.path, query: state.query, header: (name) => request.header(name), body }, settings.keys, { now, windowMs: settings.windowMs });
  if (!checked.ok) {
    events.emit(state.event('signature.invalid', 'warn', checked.reason, { status: 401 }));
    return unauthorized(`Unauthorized: invalid request signature (${checked.reason})`, `signature.${checked.reason}`);
  }
  let fresh: boolean;
  try {
    fresh = await settings.nonceStore.claim(`${checked.keyId}:${checked.nonce}`, Math.max(checked.expiresAt, now + 1), now);
  } catch (error) {
    return storeUnavailable(events, state, 'replay.store_failed', 'nonce store', error);
  }
  if (!fresh) {
    events.emit(state.event('replay.detected', 'warn', 'nonce.reused', { status: 401, detail: { keyId: checked.keyId } }));
    return unauthorized('Unauthorized: replayed request (nonce already used)', 'replay.detected');
  }
  state.signedBy = checked.keyId;
  return undefined;
}

function unauthorized(text: string, reason: string): AegisReply {
  return new AegisRejection(401, text, reason, false, [
    ['WWW-Authenticate', 'Signature realm="aegis"'],
    // What to send: a signature covering these components (RFC 9421 §5.1).
    ['Accept-Signature', ACCEPT_SIGNATURE_HINT],
  ]).toReply();
}
