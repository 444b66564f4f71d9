/** Follows a redirect chain hop by hop, recording each answer in the transport evaluator's shape. */

import { valuesOf, type ReceivedHeader } from '../headers/header-list.js';
import type { RedirectHop } from '../transport/redirect-chain.js';
import { fetchOnce } from './fetch-once.js';
import { parseUrl } from '../url.js';

/** Options of {@link followRedirects}. */
export interface FollowRedirectsOptions {
  /** Most requests made; default 10. */
  readonly maxHops?: number;
  /** Deadline of each request, in milliseconds. */
  readonly timeoutMs: number;
  /** Called with each answer's URL, status and headers (e.g. to judge the cookies a redirect sets). */
  readonly onAnswer?: (url: string, status: number, headers: readonly ReceivedHeader[]) => void;
}

/** Only the status line and headers matter here: keep a few body bytes. */
const HOP_BODY_BYTES = 1024;

/**
 * Requests `startUrl` and each `Location` in turn (resolved against the requesting URL), and returns
 * one hop per request: `{ url, status, location?, hsts? }` (hsts: every Strict-Transport-Security
 * value, only when present) or `{ url, error }`. Stops at a non-3xx answer (or a 3xx without
 * Location), an error, a loop (the repeated URL is requested and recorded once more, as the last
 * hop), or after `maxHops` requests. Certificates are not verified (see `fetchOnce`).
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.4
 * @example (await followRedirects('http://example.com/', { timeoutMs: 5000 })).map((hop) => hop.url)
 */
export async function followRedirects(startUrl: string, options: FollowRedirectsOptions): Promise<RedirectHop[]> {
  const { maxHops = 10, timeoutMs } = options;
  const hops: RedirectHop[] = [];
  const seen = new Set<string>();
  let url: string | undefined = startUrl;
  while (url !== undefined && hops.length < maxHops) {
    const repeated = seen.has(url);
    seen.add(url);
    const response = await fetchOnce(url, { timeoutMs, maxBodyBytes: HOP_BODY_BYTES });
    if ('error' in response) {
      hops.push({ url, error: response.error });
      break;
    }
    options.onAnswer?.(url, response.status, response.headers);
    const location = valuesOf(response.headers, 'Location')[0];
    const hsts = valuesOf(response.headers, 'Strict-Transport-Security');
    hops.push({ url, status: response.status, ...(location === undefined ? {} : { location }), ...(hsts.length === 0 ? {} : { hsts }) });
    if (repeated || response.status < 300 || response.status > 399 || location === undefined) break;
    url = parseUrl(location, url)?.href;
  }
  return hops;
}
