import { EMBEDDER_POLICIES, OPENER_POLICIES, RESOURCE_POLICIES } from '../../headers/fixed-headers.js';
import { finding, type ScanFinding } from '../finding.js';
import { HEADER_FINDINGS } from './findings.js';
import { shown, valuesOf, type ReceivedHeader } from './header-list.js';

const COOP = 'Cross-Origin-Opener-Policy';
const COEP = 'Cross-Origin-Embedder-Policy';
const CORP = 'Cross-Origin-Resource-Policy';

/**
 * COOP, COEP and CORP. COOP and COEP are structured-field tokens with optional parameters
 * (`same-origin; report-to="x"`) and apply only in secure contexts, so they are checked on HTTPS
 * responses only. A value that does not parse, or a header sent twice (the joined value is a
 * list), is ignored by browsers. COEP is opt-in in Aegis (it blocks cross-origin resources that do
 * not opt in), so its absence is information.
 * @see https://html.spec.whatwg.org/multipage/browsers.html#cross-origin-opener-policies
 * @see https://fetch.spec.whatwg.org/#cross-origin-resource-policy-header
 */
export function checkCrossOriginPolicies(headers: readonly ReceivedHeader[], https: boolean): ScanFinding[] {
  const findings: ScanFinding[] = [];
  if (https) {
    const opener = read(headers, COOP, OPENER_POLICIES, 'headers.crossOriginOpenerPolicy', findings);
    if (opener === null) findings.push(finding(HEADER_FINDINGS.openerMissing, `no ${COOP}`, "send Cross-Origin-Opener-Policy: same-origin (headers.crossOriginOpenerPolicy, the Aegis default)."));
    else if (opener === 'unsafe-none') findings.push(finding(HEADER_FINDINGS.openerUnsafeNone, `${COOP}: unsafe-none`, "use same-origin, or same-origin-allow-popups when the site opens OAuth or payment popups (headers.crossOriginOpenerPolicy)."));
    const embedder = read(headers, COEP, EMBEDDER_POLICIES, 'headers.crossOriginEmbedderPolicy', findings);
    if (embedder === null || embedder === 'unsafe-none') {
      findings.push(finding(HEADER_FINDINGS.embedderNotIsolated, embedder === null ? `no ${COEP}` : `${COEP}: unsafe-none`, "to be cross-origin isolated, send require-corp or credentialless once every embedded resource allows it (headers.crossOriginEmbedderPolicy)."));
    }
  }
  const resource = read(headers, CORP, RESOURCE_POLICIES, 'headers.crossOriginResourcePolicy', findings);
  if (resource === null) findings.push(finding(HEADER_FINDINGS.resourceMissing, `no ${CORP}`, "send Cross-Origin-Resource-Policy: same-site or same-origin (headers.crossOriginResourcePolicy; 'same-site' by default)."));
  else if (resource === 'cross-origin') findings.push(finding(HEADER_FINDINGS.resourceCrossOrigin, `${CORP}: cross-origin`, "keep cross-origin only for resources meant to be embedded by other sites (headers.crossOriginResourcePolicy)."));
  return findings;
}

/** The policy token, `null` when absent, `undefined` when not understood (and a finding added). */
function read(headers: readonly ReceivedHeader[], name: string, allowed: readonly string[], aegisOption: string, findings: ScanFinding[]): string | null | undefined {
  const values = valuesOf(headers, name);
  if (values.length === 0) return null;
  // CORP is a plain token; COOP and COEP may carry parameters after ';'.
  const token = name === CORP ? values.join(', ') : values.join(', ').split(';')[0]?.trim();
  if (values.length === 1 && token !== undefined && allowed.includes(token)) return token;
  findings.push(finding(HEADER_FINDINGS.crossOriginInvalid, shown(name, values), `send one of ${allowed.join(', ')}, once (${aegisOption}).`));
  return undefined;
}
