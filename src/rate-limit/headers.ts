/**
 * The IETF RateLimit header fields, as draft-ietf-httpapi-ratelimit-headers-10/-11 writes them:
 * two Structured Field lists (RFC 9651), one item per quota policy, named by a String.
 *
 * - `RateLimit-Policy: "per-ip";q=200;w=60` — what the policy allows: quota `q` per window `w`
 *   seconds (stable from response to response);
 * - `RateLimit: "per-ip";r=57;t=13` — where the client stands: `r` requests remaining, `t` seconds
 *   until the quota is whole again.
 *
 * The older three-field form (`RateLimit-Limit`, `-Remaining`, `-Reset`, drafts up to -06) is not
 * sent: the two forms must not be mixed, and current clients read the new one.
 *
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/
 */

/** One quota policy as `RateLimit-Policy` advertises it. */
export interface QuotaPolicy {
  /** The policy's name: printable ASCII (it becomes a Structured Field String). */
  readonly name: string;
  /** Requests allowed per window (`q`). */
  readonly quota: number;
  /** The window in seconds (`w`). */
  readonly windowSeconds: number;
}

/** Where a client stands against one policy, for the `RateLimit` field. */
export interface QuotaState {
  readonly name: string;
  /** Requests still allowed now (`r`). */
  readonly remaining: number;
  /** Milliseconds until the quota is whole again; sent rounded up to seconds (`t`). */
  readonly resetAfterMs: number;
}

/** Printable ASCII, as a Structured Field String allows (RFC 9651 §3.3.3). */
const PRINTABLE = /^[\x20-\x7e]+$/;

/** True when `name` can be a policy name: 1–64 printable ASCII characters. */
export function isQuotaPolicyName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 64 && PRINTABLE.test(name);
}

/** A Structured Field String: quotes, with `"` and `\` escaped. */
function sfString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A non-negative Structured Field Integer. */
function sfInteger(value: number): string {
  return String(Math.max(0, Math.floor(value)));
}

/**
 * The `RateLimit-Policy` value for these policies, in order. Compute it once per route: it does not
 * change from request to request.
 * @example formatRateLimitPolicy([{ name: 'per-ip', quota: 200, windowSeconds: 60 }]) // '"per-ip";q=200;w=60'
 */
export function formatRateLimitPolicy(policies: readonly QuotaPolicy[]): string {
  return policies.map((p) => `${sfString(p.name)};q=${sfInteger(p.quota)};w=${sfInteger(p.windowSeconds)}`).join(', ');
}

/**
 * The `RateLimit` value: each policy's remaining requests and the whole seconds until its quota is
 * whole again (rounded up, so a client that waits `t` seconds is never early).
 * @example formatRateLimit([{ name: 'per-ip', remaining: 57, resetAfterMs: 12_400 }]) // '"per-ip";r=57;t=13'
 */
export function formatRateLimit(states: readonly QuotaState[]): string {
  return states.map((s) => `${sfString(s.name)};r=${sfInteger(s.remaining)};t=${sfInteger(Math.ceil(s.resetAfterMs / 1000))}`).join(', ');
}

/** `Retry-After` in whole seconds, rounded up and at least 1 (RFC 9110 §10.2.3). */
export function retryAfterSeconds(retryAfterMs: number): string {
  return String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
}
