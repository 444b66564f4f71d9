import { createHash } from 'node:crypto';
import type { EventBus } from '../core/events.js';
import { AegisRejection, type AegisReply } from '../core/reply.js';
import type { RequestState } from '../core/request.js';
import { ipRateLimitKey } from '../rate-limit/client-key.js';
import { formatRateLimit, retryAfterSeconds, type QuotaState } from '../rate-limit/headers.js';
import type { CompiledLimitSet, CompiledRateLimit } from '../rate-limit/options.js';
import type { CompiledRateLimitRule } from '../rate-limit/rule.js';
import type { RateLimitDecision } from '../stores/rate-limit-store.js';
import { failureText } from './store-failure.js';

type Outcome = { readonly rule: CompiledRateLimitRule; readonly decision: RateLimitDecision } | { readonly rule: CompiledRateLimitRule; readonly failed: unknown };

/**
 * Enforces a request's rate limits: every rule is decided (in parallel, one store call each), and the
 * request passes only if each allows it. Denied: 429 with `Retry-After` (the longest wait), the
 * `RateLimit-Policy` and `RateLimit` fields and a `ratelimit.exceeded` event. Allowed: the two
 * fields are put on `state.responseHeaders` for the application's response.
 *
 * A rule whose store call fails follows its `onStoreFailure`: `'open'` lets the request through
 * without it, `'closed'` answers 503; either way `ratelimit.store_failed` is emitted, and the next
 * request tries the store again (no circuit to reset). A `by: 'user'` rule counts signed-in users
 * only, and `by: 'apiKey'` requests authenticated by a key (`routes[].apiKey`): others are not
 * counted by such a rule (pair it with a per-IP rule).
 * @internal
 */
export async function enforceRateLimits(compiled: CompiledRateLimit, limits: CompiledLimitSet, state: RequestState, events: EventBus): Promise<AegisReply | undefined> {
  const now = Date.now();
  const outcomes: Outcome[] = await Promise.all(
    limits.rules.map(async (rule): Promise<Outcome | undefined> => {
      const client = await clientKey(rule, compiled, state);
      if (client === undefined) return undefined;
      try {
        return { rule, decision: await compiled.store.consume(`${limits.id}|${rule.name}|${client}`, rule.gcra, now) };
      } catch (error) {
        return { rule, failed: error };
      }
    }),
  ).then((list) => list.filter((o): o is Outcome => o !== undefined));

  const failed = outcomes.filter((o): o is Extract<Outcome, { failed: unknown }> => 'failed' in o);
  if (failed.length > 0) {
    const error = failed[0]?.failed;
    events.emit(state.event('ratelimit.store_failed', 'error', 'store.unavailable', { detail: { policies: failed.map((o) => o.rule.name), error: failureText(error) } }));
    if (failed.some((o) => o.rule.onStoreFailure === 'closed')) {
      return new AegisRejection(503, 'Service Unavailable: rate limit store unavailable', 'ratelimit.store_failed', false, [['Retry-After', '5']]).toReply();
    }
  }
  const decided = outcomes.filter((o): o is Extract<Outcome, { decision: RateLimitDecision }> => 'decision' in o);
  // Nothing decided (no user signed in for a per-user rule, or a store that failed open): no fields.
  if (decided.length === 0) return undefined;
  const states: QuotaState[] = decided.map(({ rule, decision }) => ({ name: rule.name, remaining: decision.remaining, resetAfterMs: decision.resetAfterMs }));
  const fields: Array<readonly [string, string]> = [
    ['RateLimit-Policy', limits.policyHeader],
    ['RateLimit', formatRateLimit(states)],
  ];
  const denied = decided.filter((o) => !o.decision.allowed);
  if (denied.length === 0) {
    state.responseHeaders = fields;
    return undefined;
  }
  const wait = Math.max(...denied.map((o) => o.decision.retryAfterMs));
  events.emit(state.event('ratelimit.exceeded', 'warn', denied.map((o) => o.rule.name).join(','), { status: 429, detail: { retryAfterMs: wait } }));
  return new AegisRejection(429, 'Too Many Requests', 'ratelimit.exceeded', false, [['Retry-After', retryAfterSeconds(wait)], ...fields]).toReply();
}

async function clientKey(rule: CompiledRateLimitRule, compiled: CompiledRateLimit, state: RequestState): Promise<string | undefined> {
  if (rule.by === 'ip') return ipRateLimitKey(state.clientIp, compiled.ipv6Prefix);
  if (rule.keyOf) return customKey(await rule.keyOf(state));
  if (rule.by === 'apiKey') return state.apiKey ? `key:${state.apiKey.id}` : undefined;
  const user = await state.session?.userId();
  return user === undefined ? undefined : `user:${user}`;
}

/** A key function's answer as a store key: long values by their digest, so any value fits the store's key length. */
function customKey(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new TypeError(`rateLimit: a key function must return a non-empty string or undefined, got ${value === '' ? 'an empty string' : typeof value}.`);
  return value.length > 128 ? `fn#${createHash('sha256').update(value).digest('base64url')}` : `fn:${value}`;
}
