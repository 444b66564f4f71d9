/**
 * The nonce store contract: replay protection for signed requests.
 *
 * A verifier of a signed machine-to-machine request checks the signature and the timestamp, then
 * claims the request's nonce until the timestamp would be refused anyway (e.g. `timestamp + skew`).
 * A nonce claimed again before that instant is a replay. The store remembers each nonce with ONE
 * number, the instant its claim expires (`expiresAt`, ms since epoch).
 *
 * Rules shared by every backend, as for the session and rate-limit stores:
 *
 * - **The caller's clock decides.** A claim at `now` treats a stored claim whose `expiresAt` is at
 *   or before `now` as absent (compared exactly, fractions of a millisecond included). A backend's
 *   own expiry (Redis TTL, SQLite purge, memory purge) only collects claims that no longer matter.
 * - **Atomic.** Of N concurrent claims of one nonce, in one process or across the processes that
 *   share the backend, exactly one resolves `true`. A refused claim (a replay) changes nothing: it
 *   does not extend the stored claim.
 * - **Fail closed.** A bounded store that is full of unexpired nonces rejects with
 *   {@link NonceStoreFullError}; an unreachable backend rejects. Neither ever answers `true` for a
 *   nonce it could not record: the caller refuses the request.
 * - **Purging uses each claim's `now`.** Clocks of the processes sharing a backend should agree
 *   (NTP); a claim whose `now` is far behind an earlier claim's may find purged a nonce it would
 *   still consider live.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html
 * @see https://www.rfc-editor.org/rfc/rfc9421#name-signature-replay
 */

import { assertBoundedString, assertTimeMs } from './argument-checks.js';

/** Remembers nonces until they expire; a nonce claimed twice before its expiry is a replay. */
export interface NonceStore {
  /**
   * Atomically records `nonce` until `expiresAt` (ms since epoch). Resolves `true` when the nonce
   * was free (never seen, or its earlier claim expired at or before `now`), `false` when an unexpired
   * claim exists: a replay. Atomic across processes sharing the backend: of N concurrent claims of
   * one nonce exactly one gets true.
   * @throws TypeError for arguments outside the contract (nonce: non-empty string up to 512 UTF-16 units; now and expiresAt finite ms in [0, 2^42); expiresAt > now), before touching the store.
   */
  claim(nonce: string, expiresAt: number, now: number): Promise<boolean>;
  /** Releases what the store itself opened; never closes a client/database the application passed in. */
  close(): Promise<void>;
}

/** The longest nonce accepted, in UTF-16 code units. */
export const MAX_NONCE_LENGTH = 512;


/**
 * Thrown by a bounded store that is full of unexpired nonces: the caller must fail closed (refuse
 * the request), never forget a live nonce. Forgetting one would let its request be replayed.
 *
 * @example
 * try { fresh = await nonces.claim(nonce, expiresAt, Date.now()) }
 * catch (err) { if (err instanceof NonceStoreFullError) return reply(503) ; throw err }
 */
export class NonceStoreFullError extends Error {
  override readonly name = 'NonceStoreFullError';
  /** The bound that was reached (the store's `maxEntries`). */
  readonly maxEntries: number;

  /** @param maxEntries the store's bound, named in the message. */
  constructor(maxEntries: number) {
    super(`Nonce store: full (${maxEntries} unexpired nonces); this claim was refused, so refuse the request. Raise maxEntries, or shorten the nonces' lifetime.`);
    this.maxEntries = maxEntries;
  }
}

/**
 * Checks every argument of {@link NonceStore.claim}; throws a TypeError naming the first one
 * outside the contract. Every backend calls it before touching its storage.
 * @internal
 */
export function assertNonceClaim(nonce: unknown, expiresAt: unknown, now: unknown): asserts nonce is string {
  assertBoundedString('Nonce store', 'nonce', nonce, MAX_NONCE_LENGTH);
  assertTimeMs('Nonce store', 'expiresAt', expiresAt);
  assertTimeMs('Nonce store', 'now', now);
  if (!((expiresAt as number) > (now as number))) {
    throw new TypeError(`Nonce store: expiresAt must be later than now, got expiresAt ${String(expiresAt)} and now ${String(now)}.`);
  }
}

/** The message of a claim on a closed store, the same for every backend. @internal */
export function closedNonceStoreMessage(backend: string, factory: string): string {
  return `This ${backend} nonce store is closed; make a new one with ${factory}().`;
}
