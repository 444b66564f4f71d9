/**
 * The rate-limit store contract: one counter-free, exact decision per request, by GCRA.
 *
 * **GCRA (generic cell rate algorithm).** A limit is one request every `T = intervalMs` on
 * average, with bursts of up to `burst` requests at once; `burstWindow = T × burst`. The only state
 * per key is ONE number, the theoretical arrival time (TAT): the instant at which the key would be
 * back to a full burst. For a request of `cost` at `now`:
 *
 * ```text
 * tat    = max(stored TAT ?? now, now)
 * newTat = tat + T × cost
 * newTat − now > burstWindow  → denied: nothing is written;
 *                                retryAfter = newTat − now − burstWindow, resetAfter = tat − now
 * otherwise                   → allowed: store newTat, expiring after newTat − now;
 *                                remaining = floor((burstWindow − (newTat − now)) / T),
 *                                resetAfter = newTat − now
 * ```
 *
 * **Error bound: none from windows.** Unlike fixed or sliding windows there is no window boundary,
 * so no "twice the limit across a boundary": over ANY interval of length `d` a key gets at most
 * `burst + floor(d / T)` requests (cost units), and a client that waits `retryAfterMs` is allowed.
 *
 * **Arithmetic (the same in every backend, so all three give identical decisions).** Times are
 * computed in whole MICROSECONDS: `now` and `intervalMs` are rounded to the nearest microsecond
 * (`Math.round(x × 1000)`), and every TAT is an integer number of microseconds since the epoch.
 * Integers below 2^53 are exact in a double (JavaScript, SQLite REAL, Redis's Lua), so no backend
 * accumulates floating-point error, and a fractional interval such as `1000 / 3` ms is kept to the
 * microsecond (333 333 µs: 3.000003 requests per second instead of 3, the only error there is).
 * The decision's durations are rounded UP to whole milliseconds (`retryAfterMs`, `resetAfterMs`),
 * so waiting them is always enough. To keep every value below 2^53 µs, `now` must lie in
 * `[0, 2^42)` ms (until the year 2109) and `intervalMs × burst` (the burst window) must be at most
 * 365 days; `intervalMs` must be at least 0.001 (one microsecond).
 *
 * Rules shared by every backend, as for the session store: times are supplied by the caller (`now`),
 * so an injected clock drives every decision; a backend's own expiry (Redis TTL, SQLite purge,
 * memory eviction) only collects state that no longer matters (a TAT in the past reads as absent).
 *
 * @see https://en.wikipedia.org/wiki/Generic_cell_rate_algorithm
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Denial_of_Service_Cheat_Sheet.html
 */

import { assertBoundedString, assertTimeMs, MAX_TIME_MS } from './argument-checks.js';
import { describeValue } from './session-store.js';

/** A limit as GCRA sees it: one request is allowed every `intervalMs` on average, with bursts of up to `burst` requests at once. */
export interface GcraLimit {
  /** The emission interval T in ms (e.g. `'200/min'` → `300`); fractions are kept to the microsecond. */
  readonly intervalMs: number;
  /** The most requests (cost units) allowed at once, from a full state: a positive integer. */
  readonly burst: number;
}

/** What {@link RateLimitStore.consume} decided. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Requests still allowed right now after this one (0 when denied). */
  readonly remaining: number;
  /** ms until a request would be allowed again (0 when allowed); rounded up. */
  readonly retryAfterMs: number;
  /** ms until the key is back to a full burst (the state's TTL); rounded up. */
  readonly resetAfterMs: number;
}

/** Rate-limit state storage: GCRA over one stored number per key (see this module's description). */
export interface RateLimitStore {
  /**
   * Atomically decides one request of `cost` (default 1) for `key` at time `now` (ms since epoch):
   * GCRA over the stored theoretical arrival time (TAT). A denied request changes nothing.
   * @throws TypeError when an argument is outside the contract (see {@link gcraRequest}); nothing is read or written then.
   */
  consume(key: string, limit: GcraLimit, now: number, cost?: number): Promise<RateLimitDecision>;
  /** Forgets a key: its next request starts from a full burst. */
  reset(key: string): Promise<void>;
  /** Releases what the store itself opened (a file handle); never closes a client or database the application passed in. */
  close(): Promise<void>;
}

/** The longest key accepted, in UTF-16 code units. */
export const MAX_RATE_LIMIT_KEY_LENGTH = 512;
/** The longest burst window (`intervalMs × burst`) accepted: 365 days. @internal */
export const MAX_BURST_WINDOW_MS = 365 * 24 * 3_600_000;

/** One validated request in integer microseconds: what every backend computes with. @internal */
export interface GcraRequest {
  readonly nowUs: number;
  readonly intervalUs: number;
  readonly windowUs: number;
  readonly cost: number;
}

/**
 * Checks every argument of {@link RateLimitStore.consume} and converts it to integer microseconds.
 * Throws a TypeError naming the argument.
 * @internal
 */
export function gcraRequest(key: unknown, limit: unknown, now: unknown, cost: unknown = 1): GcraRequest {
  const intervalUs = gcraCheck(key, limit, now, cost);
  return { nowUs: Math.round((now as number) * 1000), intervalUs, windowUs: intervalUs * (limit as GcraLimit).burst, cost: cost as number };
}

/**
 * The checks of {@link gcraRequest} (the same TypeErrors, in the same order) without building the
 * request object: returns the limit's interval in whole µs. The hot path of the memory and Redis
 * stores, which then read `limit.burst` and `now` themselves (both checked here).
 * @internal
 */
export function gcraCheck(key: unknown, limit: unknown, now: unknown, cost: unknown): number {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_RATE_LIMIT_KEY_LENGTH) assertRateLimitKey(key);
  if (limit === null || typeof limit !== 'object') {
    throw new TypeError(`Rate limit store: limit must be an object { intervalMs, burst }, got ${describeValue(limit)}.`);
  }
  const intervalMs = (limit as Record<string, unknown>).intervalMs;
  const burst = (limit as Record<string, unknown>).burst;
  if (typeof intervalMs !== 'number' || !(intervalMs >= 0.001) || intervalMs === Infinity) {
    throw new TypeError(`Rate limit store: limit.intervalMs must be a finite number of ms, at least 0.001, got ${describeValue(intervalMs)}.`);
  }
  if (typeof burst !== 'number' || !Number.isSafeInteger(burst) || burst < 1) {
    throw new TypeError(`Rate limit store: limit.burst must be a positive integer, got ${describeValue(burst)}.`);
  }
  if (intervalMs * burst > MAX_BURST_WINDOW_MS) {
    throw new TypeError(`Rate limit store: limit.intervalMs × limit.burst must be at most 365 days (${MAX_BURST_WINDOW_MS} ms), got ${intervalMs * burst}.`);
  }
  if (typeof cost !== 'number' || !Number.isSafeInteger(cost) || cost < 1 || cost > burst) {
    throw new TypeError(`Rate limit store: cost must be an integer from 1 to limit.burst (${burst}), got ${describeValue(cost)}.`);
  }
  if (typeof now !== 'number' || !(now >= 0) || now >= MAX_TIME_MS) assertTimeMs(STORE, 'now', now);
  return Math.round(intervalMs * 1000);
}

/** @internal see {@link gcraRequest} */
export function assertRateLimitKey(key: unknown): asserts key is string {
  assertBoundedString(STORE, 'key', key, MAX_RATE_LIMIT_KEY_LENGTH);
}

/** How the errors name this contract. */
const STORE = 'Rate limit store';

/** The GCRA step on a stored TAT (µs, or `undefined` when none): the decision and, when allowed, the TAT to store. @internal */
export interface GcraOutcome {
  readonly decision: RateLimitDecision;
  /** The TAT to store (µs) when allowed; `undefined` when denied (nothing is written). */
  readonly newTatUs: number | undefined;
  /** How long the stored TAT matters, in whole ms (rounded up): the TTL to give it when allowed. */
  readonly ttlMs: number;
}

/** `tat = max(stored ?? now, now)`: a TAT in the past is as good as none. @internal */
export function effectiveTat(storedUs: number | undefined, request: GcraRequest): number {
  return storedUs === undefined || !(storedUs > request.nowUs) ? request.nowUs : storedUs;
}

/**
 * The decision for a request given the effective TAT ({@link effectiveTat}). Every backend ends
 * here, so all three decide identically; Redis computes only `tat` on the server.
 * @internal
 */
export function gcraDecide(tatUs: number, request: GcraRequest): GcraOutcome {
  const { nowUs, intervalUs, windowUs, cost } = request;
  const decision = gcraDecision(tatUs, nowUs, intervalUs, windowUs, cost);
  return { decision, newTatUs: decision.allowed ? tatUs + intervalUs * cost : undefined, ttlMs: decision.resetAfterMs };
}

/**
 * {@link gcraDecide} without the outcome object, from the request's numbers: the decision only (when
 * allowed, the TAT to store is `tatUs + intervalUs × cost` and its TTL `resetAfterMs`).
 * @internal
 */
export function gcraDecision(tatUs: number, nowUs: number, intervalUs: number, windowUs: number, cost: number): RateLimitDecision {
  const usedUs = tatUs + intervalUs * cost - nowUs;
  if (usedUs > windowUs) return { allowed: false, remaining: 0, retryAfterMs: msUp(usedUs - windowUs), resetAfterMs: msUp(tatUs - nowUs) };
  return { allowed: true, remaining: Math.floor((windowUs - usedUs) / intervalUs), retryAfterMs: 0, resetAfterMs: msUp(usedUs) };
}

/**
 * Whole ms, rounded up, of a whole number of µs. Exact: the values are below 2^45 µs (the 365-day
 * bound), where a double carries the quotient's fraction to far better than 1/1000.
 */
function msUp(us: number): number {
  return Math.ceil(us / 1000);
}
