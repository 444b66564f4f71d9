import { parseOrigin } from './options.js';
import type { ResolvedCsrfOptions } from './options.js';

/** What the origin layer reads from a request. Header values as received (`undefined` when absent). */
export interface OriginCheckInput {
  /** The request line's method. Never a method-override header or `_method` field. */
  readonly method: string;
  readonly secFetchSite: string | undefined;
  readonly origin: string | undefined;
  readonly referer?: string | undefined;
  /** The Host the client asked for (with its port, if any), already checked against the host allowlist. */
  readonly host: string | undefined;
  /** True when the client used HTTPS (directly or via a trusted proxy). */
  readonly https: boolean;
}

export type OriginCheckReason = 'cross-site' | 'same-site' | 'bad-origin' | 'missing-origin';

export type OriginCheckResult =
  | { readonly ok: true; /** True when neither Fetch Metadata, Origin nor Referer was sent: only the token protects this request. */ readonly weak?: true }
  | { readonly ok: false; readonly reason: OriginCheckReason };

/** Methods that must not change state (RFC 9110 §9.2.1), checked by name, exactly as sent. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

const PASS: OriginCheckResult = Object.freeze({ ok: true });
const WEAK: OriginCheckResult = Object.freeze({ ok: true, weak: true });
const fail = (reason: OriginCheckReason): OriginCheckResult => Object.freeze({ ok: false, reason });

/** True for GET, HEAD and OPTIONS (upper-case, as the request line carries them). */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method);
}

/**
 * The first CSRF line: Fetch Metadata, then Origin (then Referer) verification.
 *
 * - Safe methods (GET, HEAD, OPTIONS) pass. Only the real method counts: `X-HTTP-Method-Override`,
 *   `X-HTTP-Method`, `X-Method-Override` and `_method` are never read here, so a POST that claims to
 *   be a GET is checked as the POST it is.
 * - `Sec-Fetch-Site: cross-site` → `cross-site`; `same-site` → `same-site` unless `allowSameSite`;
 *   either passes when the `Origin` header names a trusted origin (`trustsOrigin`);
 *   `same-origin` and `none` (typed URL, bookmark) pass. Any other value is ignored as if absent.
 * - Without Fetch Metadata, `Origin` must be the request's own origin (scheme from `https`, the
 *   Host) or a trusted origin; `Origin: null` and anything that is not `scheme://host[:port]` →
 *   `bad-origin`. Host case and a default port are normalised; a path (even `/`) is not accepted.
 * - Without `Origin`, `Referer`'s origin is checked the same way (→ `bad-origin`).
 * - Without any of them (old browsers, non-browser clients) this layer passes with `weak: true` and
 *   the token check alone decides. `missing-origin` is reserved for a future strict mode.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html#fetch-metadata-headers
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Sec-Fetch-Site
 * @example
 * checkRequestOrigin({ method: 'POST', secFetchSite: 'cross-site', origin: 'https://evil.test', host: 'shop.test', https: true }, resolved)
 * // → { ok: false, reason: 'cross-site' }
 */
export function checkRequestOrigin(input: OriginCheckInput, resolved: ResolvedCsrfOptions): OriginCheckResult {
  if (isSafeMethod(input.method)) return PASS;
  switch (input.secFetchSite?.trim().toLowerCase()) {
    case 'cross-site':
      return trustedSender(input.origin, resolved) ? PASS : fail('cross-site');
    case 'same-site':
      return resolved.allowSameSite || trustedSender(input.origin, resolved) ? PASS : fail('same-site');
    case 'same-origin':
    case 'none':
      return PASS;
    default:
      break;
  }
  if (input.origin !== undefined) return originAllowed(input.origin, input, resolved) ? PASS : fail('bad-origin');
  if (input.referer !== undefined && input.referer !== '') {
    return originAllowed(refererOrigin(input.referer), input, resolved) ? PASS : fail('bad-origin');
  }
  return WEAK;
}

/** The request's own origin, from its scheme and Host; undefined when the Host is unusable. @internal */
export function ownOrigin(host: string | undefined, https: boolean): string | undefined {
  if (host === undefined || host === '') return undefined;
  return parseOrigin(`${https ? 'https' : 'http'}://${host}`);
}

/** A cross-site request from an origin the policy trusts (trustedOrigins, CORS with credentials). */
function trustedSender(raw: string | undefined, resolved: ResolvedCsrfOptions): boolean {
  const origin = raw === undefined ? undefined : parseOrigin(raw.trim());
  return origin !== undefined && resolved.trustsOrigin(origin);
}

function originAllowed(raw: string | undefined, input: OriginCheckInput, resolved: ResolvedCsrfOptions): boolean {
  if (raw === undefined) return false;
  const origin = parseOrigin(raw.trim());
  if (origin === undefined) return false; // includes 'null'
  return origin === ownOrigin(input.host, input.https) || resolved.trustsOrigin(origin);
}

function refererOrigin(referer: string): string | undefined {
  try {
    const url = new URL(referer);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}
