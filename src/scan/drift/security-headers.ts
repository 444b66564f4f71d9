import { kebabCase } from '../../core/option-case.js';
import { HEADER_OPTION_KEYS } from '../../headers/plan.js';

/** Header options that do not name one header: `removed` (a list) and `custom` (any name). */
const NOT_A_HEADER: ReadonlySet<string> = new Set(['removed', 'custom']);

/**
 * The security set: the headers drift is judged on even when the expected policy does not send
 * them, so that a site serving one of them where the policy sends none is `unexpected`. Every
 * other header a site serves is ignored unless the policy itself sends it (a `custom` header).
 *
 * - every header the Aegis header compiler has an option for (derived from the compiler's own
 *   option list, so a new header option joins the set): `Content-Security-Policy`,
 *   `Strict-Transport-Security`, `X-Content-Type-Options`, `X-Frame-Options`, `Referrer-Policy`,
 *   `Permissions-Policy`, `Cross-Origin-Opener-Policy`, `Cross-Origin-Resource-Policy`,
 *   `Cross-Origin-Embedder-Policy`, `Origin-Agent-Cluster`, `X-DNS-Prefetch-Control`,
 *   `X-Permitted-Cross-Domain-Policies`, `X-XSS-Protection`;
 * - the other names those options send under: `Content-Security-Policy-Report-Only`
 *   (`reportOnly: true`) and `Reporting-Endpoints` (CSP reporting, on secure responses);
 * - `X-Powered-By`, which Aegis removes by default and which the application's framework, not the
 *   network, adds. `Server` is left out although Aegis removes it too: the proxy or CDN in front of
 *   the application sets it, out of the policy's reach (the header checks report it as a leak).
 *
 * `Set-Cookie` is never compared: cookie values are per session.
 */
export const DRIFT_HEADERS: readonly string[] = [
  ...HEADER_OPTION_KEYS.filter((key) => !NOT_A_HEADER.has(key)).map(kebabCase),
  'content-security-policy-report-only',
  'reporting-endpoints',
  'x-powered-by',
].sort();

/** Headers whose values are ASCII case-insensitive tokens: compared after case-folding. */
export const CASE_INSENSITIVE_HEADERS: ReadonlySet<string> = new Set([
  'x-frame-options',
  'x-content-type-options',
  'referrer-policy',
  'cross-origin-opener-policy',
  'cross-origin-embedder-policy',
  'cross-origin-resource-policy',
]);

/** Headers left out of every comparison. */
export const IGNORED_HEADERS: ReadonlySet<string> = new Set(['set-cookie']);
