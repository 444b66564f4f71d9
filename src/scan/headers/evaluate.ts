import type { ScanFinding } from '../finding.js';
import { checkContentTypeOptions } from './content-type-options.js';
import { checkCookieCaching } from './cookie-caching.js';
import { checkCrossOriginPolicies } from './cross-origin.js';
import { checkFrameOptions } from './frame-options.js';
import { valuesOf, type ReceivedHeader } from './header-list.js';
import { evaluateInfoLeaks } from './info-leaks.js';
import { checkPermissionsPolicy } from './permissions-policy.js';
import { checkReferrerPolicy } from './referrer-policy.js';

/** What the caller knows about the response beyond its headers. */
export interface HeaderContext {
  /** The response came over HTTPS (COOP and COEP only apply in secure contexts). */
  readonly https: boolean;
  /** The response sets cookies. Default: it has a `Set-Cookie` header. */
  readonly setsCookies?: boolean;
  /** The enforced CSP has `frame-ancestors` (then X-Frame-Options is optional). Default `false`. */
  readonly cspFrameAncestors?: boolean;
  /**
   * The `frame-ancestors` sources, when known (e.g. `["'none'"]`), to compare with
   * X-Frame-Options; giving them implies `cspFrameAncestors`.
   */
  readonly frameAncestors?: readonly string[];
}

/**
 * Checks the response headers other than Strict-Transport-Security and CSP (which have their own
 * checks): X-Content-Type-Options, X-Frame-Options, Referrer-Policy, Permissions-Policy,
 * COOP/COEP/CORP, caching of responses that set cookies, and headers that advertise the stack.
 * `headers` is the list as received, so repeated headers are visible. Findings come in that
 * order; ids are in {@link HEADER_FINDINGS}.
 * @see https://owasp.org/www-project-secure-headers/
 * @example evaluateHeaders([['X-Powered-By', 'PHP/8.1']], { https: true }).map((f) => f.id)
 */
export function evaluateHeaders(headers: readonly ReceivedHeader[], context: HeaderContext): ScanFinding[] {
  const sources = context.frameAncestors;
  const setsCookies = context.setsCookies ?? valuesOf(headers, 'Set-Cookie').length > 0;
  return [
    ...checkContentTypeOptions(headers),
    ...checkFrameOptions(headers, { present: context.cspFrameAncestors === true || sources !== undefined, sources }),
    ...checkReferrerPolicy(headers),
    ...checkPermissionsPolicy(headers),
    ...checkCrossOriginPolicies(headers, context.https),
    ...checkCookieCaching(headers, setsCookies),
    ...evaluateInfoLeaks(headers),
  ];
}
