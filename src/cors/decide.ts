import type { HeaderPair } from '../headers/plan.js';
import { TOKEN } from './lists.js';
import type { ResolvedCors } from './options.js';
import { isSingleOriginValue, matchesPattern } from './origins.js';
import { actualDecision, preflightDecision } from './plan.js';

/** What {@link decideCors} reads from a request. */
export interface CorsRequest {
  /** The request line's method, as received (case-sensitive: only `OPTIONS` starts a preflight). */
  readonly method: string;
  /**
   * A request header by lower-case name, `undefined` when absent. Several fields of one name are
   * joined with `', '` (as Node does), which makes a repeated `Origin` malformed.
   */
  header(name: string): string | undefined;
}

/**
 * What to do with a request.
 *
 * Headers are to be **added** to the response; a `Vary` pair must be merged with any `Vary` the
 * application sets (append its values), never replace it. Every array is frozen and may be shared
 * between requests.
 */
export type CorsDecision =
  /** Nothing to add. Not produced by the current rules (see {@link decideCors}); handle it as "add nothing". */
  | { readonly kind: 'none' }
  /** Not a preflight: let the application answer, and add `headers`. */
  | { readonly kind: 'actual'; readonly headers: readonly HeaderPair[] }
  /** An allowed preflight: answer it now with `status` and `headers`, no body; the application never sees it. */
  | { readonly kind: 'preflight'; readonly status: 204; readonly headers: readonly HeaderPair[] }
  /** A refused preflight: answer it now with `status` and `headers` (only `Vary`, never an allow header). */
  | { readonly kind: 'refused'; readonly status: 403; readonly reason: CorsRefusal; readonly headers: readonly HeaderPair[] };

/**
 * Why a preflight was refused: its origin is not listed; it is `null` and `'null'` is not listed;
 * it asks for a method or a header that is not listed; or it is malformed (several origins, an
 * empty origin, a method or header list that is not made of HTTP tokens).
 */
export type CorsRefusal = 'origin-not-allowed' | 'null-origin' | 'method-not-allowed' | 'header-not-allowed' | 'malformed';

/** One entry of `Access-Control-Request-Headers`: optional spaces or tabs around a token (or nothing). */
const HEADER_ENTRY = /^[ \t]*([!#$%&'*+.^_`|~0-9A-Za-z-]*)[ \t]*$/;

/**
 * Decides the CORS answer to one request, with the precomputed values of `resolved`.
 *
 * - A preflight is an `OPTIONS` request with both `Origin` and `Access-Control-Request-Method`.
 *   Allowed: `preflight` (204) with `Access-Control-Allow-Origin`, `-Allow-Credentials` (when
 *   configured), `-Allow-Methods`, `-Allow-Headers` and `-Max-Age` (the configured lists, never the
 *   request's), and `Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers`.
 *   Checks run in order origin, method, headers; the first failure gives `refused` (403) with that
 *   `Vary` only. The 403 is for logs and developer tools: browsers fail any preflight answer without
 *   the allow headers. `Origin: null` is refused unless `'null'` is listed, even with `'*'`.
 * - Any other request is `actual`. From an allowed origin: `Access-Control-Allow-Origin` (the
 *   origin itself, `null` for a listed `'null'`), `-Allow-Credentials`, `-Expose-Headers` when
 *   configured, and `Vary: Origin`. From another origin, or without `Origin`: `Vary: Origin` alone,
 *   so a shared cache never serves one origin's answer to another.
 * - With `origins: ['*']`, every actual response carries `Access-Control-Allow-Origin: *` (and
 *   `-Expose-Headers`) and no `Vary`, whatever the `Origin` (even none or `null`): the same answer for
 *   everyone, as Fetch advises for caches. Such responses are public and never credentialed.
 *
 * Never reflects an origin that is not allowed; never sends `*` with credentials (the options
 * refuse the pair). Never throws.
 *
 * @see https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches
 * @example
 * const decision = decideCors(resolveCorsOptions({ origins: ['https://app.example.com'] }), { method: req.method ?? '', header: (name) => req.headers[name] as string | undefined });
 * if (decision.kind === 'preflight' || decision.kind === 'refused') { res.writeHead(decision.status, decision.headers.flat()); res.end(); }
 */
export function decideCors(resolved: ResolvedCors, request: CorsRequest): CorsDecision {
  const origin = request.header('origin');
  if (request.method === 'OPTIONS' && origin !== undefined) {
    const method = request.header('access-control-request-method');
    if (method !== undefined) return decidePreflight(resolved, origin, method, request.header('access-control-request-headers'));
  }
  return decideActual(resolved, origin);
}

function decideActual(resolved: ResolvedCors, origin: string | undefined): CorsDecision {
  const plan = resolved.plan;
  if (plan.anyActual !== undefined) return plan.anyActual;
  if (origin === undefined) return plan.varyOrigin;
  const known = plan.actual.get(origin);
  if (known !== undefined) return known;
  return matchesAnyPattern(resolved, origin) ? actualDecision(origin, plan.actualTail) : plan.varyOrigin;
}

function decidePreflight(resolved: ResolvedCors, origin: string, method: string, requestHeaders: string | undefined): CorsDecision {
  const plan = resolved.plan;
  if (!isSingleOriginValue(origin) || !TOKEN.test(method)) return plan.refused.malformed;
  let allowed = plan.preflight.get(origin);
  if (allowed === undefined) {
    if (origin === 'null') return plan.refused['null-origin'];
    if (plan.anyPreflight !== undefined) allowed = plan.anyPreflight;
    else if (!matchesAnyPattern(resolved, origin)) return plan.refused['origin-not-allowed'];
  }
  if (!plan.methods.has(method)) return plan.refused['method-not-allowed'];
  if (requestHeaders !== undefined) {
    const refusal = checkRequestHeaders(resolved, requestHeaders);
    if (refusal !== undefined) return plan.refused[refusal];
  }
  return allowed ?? preflightDecision(origin, plan.preflightTail);
}

function matchesAnyPattern(resolved: ResolvedCors, origin: string): boolean {
  for (const pattern of resolved.patterns) {
    if (matchesPattern(pattern, origin)) return true;
  }
  return false;
}

/** Every name in `Access-Control-Request-Headers` must be allowed; empty entries are ignored. */
function checkRequestHeaders(resolved: ResolvedCors, value: string): 'header-not-allowed' | 'malformed' | undefined {
  const { headers, anyHeader } = resolved.plan;
  for (const entry of value.split(',')) {
    const name = HEADER_ENTRY.exec(entry)?.[1];
    if (name === undefined) return 'malformed';
    if (name === '') continue;
    const lower = name.toLowerCase();
    if (!headers.has(lower) && !(anyHeader && lower !== 'authorization')) return 'header-not-allowed';
  }
  return undefined;
}
