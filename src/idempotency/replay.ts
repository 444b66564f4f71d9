import type { HeaderPair } from '../headers/plan.js';
import type { AegisReply } from '../core/reply.js';
import type { StoredResponse } from '../stores/idempotency-store.js';

/**
 * Response headers never stored for replay: they describe one exchange (hop-by-hop fields, the
 * date, the length that is recomputed), hand out state (cookies), or are made afresh for the
 * repeat (its rate-limit quota, its CORS answer).
 */
const NOT_STORED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'date', 'content-length', 'set-cookie', 'ratelimit', 'ratelimit-policy', 'vary']);

/** The headers of a finished response worth replaying, lower-case, in order. @internal */
export function storableHeaders(headers: Readonly<Record<string, number | string | readonly string[] | undefined>>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [raw, value] of Object.entries(headers)) {
    const name = raw.toLowerCase();
    if (value === undefined || NOT_STORED.has(name) || name.startsWith('access-control-')) continue;
    if (Array.isArray(value)) for (const item of value) out.push([name, String(item)]);
    else out.push([name, String(value)]);
  }
  return out;
}

/** The header that marks a replayed response (as Stripe and others name it). */
export const REPLAYED_HEADER: HeaderPair = ['Idempotent-Replayed', 'true'];

/**
 * The stored response, sent again: its status, headers and body, marked as replayed, plus the
 * repeat's own fields (rate-limit quota, CORS). @internal
 */
export function replayReply(stored: StoredResponse, fresh: readonly HeaderPair[]): AegisReply {
  return { status: stored.status, headers: [...stored.headers, REPLAYED_HEADER, ...fresh], body: stored.body, close: false };
}
