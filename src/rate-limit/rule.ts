import { show, type Problems } from '../core/config-error.js';
import { checkObject, readEnum } from '../core/read-option.js';
import { parseRate, type Rate } from '../core/units.js';
import type { AegisContext } from '../core/request.js';
import type { GcraLimit } from '../stores/rate-limit-store.js';
import { isQuotaPolicyName, type QuotaPolicy } from './headers.js';

/** What a limit counts: the client's IP (through trusted proxies only), the signed-in user, or the API key. */
export type RateLimitKeyKind = 'ip' | 'user' | 'apiKey';

/**
 * A custom key: what to count this request against (a tenant id, a phone number…), or `undefined`
 * to leave it uncounted by this rule. Values longer than 128 characters are counted by their SHA-256.
 */
export type RateLimitKeyFunction = (context: AegisContext) => string | undefined | Promise<string | undefined>;

/**
 * One limit. Several on a route are all enforced (a request passes only if every one allows it).
 * @example { limit: '200/min' }                        // per client IP, bursts of up to 200
 * @example { name: 'bulk', limit: '10/min', burst: 2, by: 'apiKey' }
 */
export interface RateLimitRule {
  /** `'200/min'`, `'10/s'`, or `{ max: 200, window: '1m' }`. */
  limit: Rate;
  /** Requests allowed at once (default: the limit's `max`). The average rate stays `limit`. */
  burst?: number;
  /** What is counted (default `'ip'`), or a function returning the key (see {@link RateLimitKeyFunction}). */
  by?: RateLimitKeyKind | RateLimitKeyFunction;
  /** The name in `RateLimit-Policy` and in events (default `per-<by>`; required with a function). */
  name?: string;
  /** When the store fails: `'open'` lets requests through, `'closed'` answers 503 (default `'open'`). */
  onStoreFailure?: 'open' | 'closed';
}

/** A rule after validation. */
export interface CompiledRateLimitRule {
  readonly name: string;
  readonly by: RateLimitKeyKind | 'custom';
  /** The key function of a `by: (context) => key` rule. */
  readonly keyOf?: RateLimitKeyFunction | undefined;
  /** GCRA parameters: one request per `intervalMs` on average, `burst` at once. */
  readonly gcra: GcraLimit;
  /** What `RateLimit-Policy` advertises: `q` = max, `w` = window in seconds. */
  readonly quota: QuotaPolicy;
  readonly onStoreFailure: 'open' | 'closed';
}

const RULE_KEYS = ['limit', 'burst', 'by', 'name', 'onStoreFailure'];
const EXAMPLE = "{ limit: '200/min', by: 'ip' }";

/**
 * Validates one rule into `problems` under `path`; returns undefined when it is unusable.
 *
 * GCRA (the generic cell rate algorithm) spaces requests `window / max` apart on average and lets
 * `burst` of them through at once. It keeps one number per key (the theoretical arrival time) and
 * has no window-boundary error: unlike a fixed window, twice the limit can never pass around a
 * boundary; over any interval of length `d`, at most `burst + d / interval` requests pass.
 */
export function compileRateLimitRule(raw: unknown, problems: Problems, path: string): CompiledRateLimitRule | undefined {
  if (!checkObject(raw, RULE_KEYS, problems, path, EXAMPLE)) return undefined;
  const before = problems.count;
  const rule = raw as Record<string, unknown>;
  const rate = parseRate(rule.limit);
  if (!rate) problems.add(`${path}.limit`, `${show(rule.limit)} is not a rate.`, "write '200/min', '10/s', '1000/hour' or { max: 200, window: '1m' }.");
  let burst = rate?.max ?? 1;
  if (rule.burst !== undefined) {
    if (typeof rule.burst === 'number' && Number.isInteger(rule.burst) && rule.burst >= 1) burst = rule.burst;
    else problems.add(`${path}.burst`, `${show(rule.burst)} is not a whole number of requests (1 or more).`, 'write burst: 20, or leave it out to allow the whole limit at once.');
  }
  const keyOf = typeof rule.by === 'function' ? (rule.by as RateLimitKeyFunction) : undefined;
  const by = keyOf ? 'custom' : readEnum(rule.by, ['ip', 'user', 'apiKey'] as const, 'ip', problems, `${path}.by`);
  let name = `per-${by === 'apiKey' ? 'key' : by}`;
  if (rule.name !== undefined) {
    if (isQuotaPolicyName(rule.name)) name = rule.name;
    else problems.add(`${path}.name`, `${show(rule.name)} is not a usable policy name.`, "use 1 to 64 printable ASCII characters, e.g. 'sms-per-key'.");
  } else if (keyOf) {
    problems.add(`${path}.name`, 'a rule with a key function needs a name (it is shown in RateLimit-Policy and in events).', "write name: 'per-tenant'.");
  }
  const onStoreFailure = readEnum(rule.onStoreFailure, ['open', 'closed'] as const, 'open', problems, `${path}.onStoreFailure`);
  if (problems.count > before || !rate) return undefined;
  return Object.freeze({
    name,
    by,
    keyOf,
    gcra: Object.freeze({ intervalMs: rate.windowMs / rate.max, burst }),
    quota: Object.freeze({ name, quota: rate.max, windowSeconds: Math.round(rate.windowMs / 1000) }),
    onStoreFailure,
  });
}
