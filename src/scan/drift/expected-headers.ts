import type { AegisPolicy } from '../../core/policy.js';
import { renderCsp } from '../../headers/csp.js';

/** What {@link expectedHeaders} needs to know about the response it predicts. */
export interface ExpectedContext {
  /** The page is served over HTTPS (adds `Strict-Transport-Security`, `Reporting-Endpoints` and the CSP's `report-to`). */
  readonly https: boolean;
  /**
   * The page's path (a query string is ignored), to apply the policy's per-route header rules
   * (`routes[].headers`) as the request pipeline does for a GET. Default: the policy-wide headers.
   */
  readonly path?: string;
}

/**
 * What stands for the per-request CSP nonce in expected headers: `'nonce-{nonce}'`, as
 * `policy.describe()` writes it. {@link policyDrift} treats any nonce as equal to any other.
 */
export const EXPECTED_NONCE = '{nonce}';

/**
 * The security headers `policy` would send on an HTML page, as `[name, value]` pairs in the order
 * the node adapter writes them (the planned headers, then the CSP). They are read from the
 * policy's compiled header plan, the same data the adapters apply per request: the `secure` or
 * `plain` list, and the CSP rendered by the adapters' own `renderCsp`, with {@link EXPECTED_NONCE}
 * where the request's nonce goes. Headers the policy removes (`headers.removed`) are not listed.
 *
 * Works with a policy made by another copy of Aegis (the ESM and CommonJS builds), which carries
 * the same plan.
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers#security
 * @example
 * const policy = aegis({ env: 'production', hosts: ['example.com'] });
 * expectedHeaders(policy, { https: true });
 * // [['Strict-Transport-Security', 'max-age=63072000; includeSubDomains'], …,
 * //  ['Content-Security-Policy', "default-src 'self'; … script-src 'nonce-{nonce}' 'strict-dynamic'; …"]]
 */
export function expectedHeaders(policy: AegisPolicy, context: ExpectedContext): Array<[string, string]> {
  const { compiled } = policy;
  const path = context.path?.split('?')[0];
  const plan = (path !== undefined && compiled.routes?.match('GET', path)?.plan) || compiled.plan;
  const headers: Array<[string, string]> = (context.https ? plan.secure : plan.plain).map(([name, value]) => [name, value]);
  if (plan.csp) headers.push([plan.csp.headerName, renderCsp(plan.csp, context.https, EXPECTED_NONCE)]);
  return headers;
}
