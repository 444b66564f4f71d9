import { finding, type FindingKind, type ScanFinding } from '../finding.js';
import { listMembers, shown, valuesOf, type ReceivedHeader } from '../headers/header-list.js';
import { CORS_FINDINGS } from './findings.js';
import { PREFLIGHT_HEADER, PREFLIGHT_METHOD, type CorsProbe } from './probes.js';

/** The answer to one CORS probe. */
export interface CorsProbeResult {
  readonly probe: CorsProbe;
  readonly status: number;
  /** The response headers as received. */
  readonly headers: readonly ReceivedHeader[];
}

const FIX_ALLOWLIST = 'allow a fixed list of trusted origins; never copy the Origin header back.';

/**
 * Evaluates the answers to the CORS probes (`CORS_PROBES`) and returns each finding once (the first
 * probe showing it gives the evidence). Decisions, following the Fetch CORS check (the
 * `Access-Control-Allow-Origin` value must equal the request's origin byte for byte, and
 * `Access-Control-Allow-Credentials` must be exactly `true`):
 *
 * - the foreign origin copied into `Access-Control-Allow-Origin`: high with credentials (`001`),
 *   medium without (`002`);
 * - `*` with credentials (`003`): browsers refuse the pair, but it shows the server means to share
 *   signed-in responses; `*` alone is a public resource, no finding;
 * - `null` allowed: high with credentials (`004`), medium without (`005`); sandboxed iframes and
 *   `data:` documents send `Origin: null`, so any site can obtain it;
 * - on a preflight whose origin is allowed, the odd requested method or header allowed (copied or
 *   `*`): `006`, `007`;
 * - an origin copied without `Vary: Origin` (`008`): a shared cache can serve one origin's answer to
 *   another.
 *
 * Answers without `Access-Control-Allow-Origin`, or with several values (browsers reject them),
 * give no finding.
 * @see https://fetch.spec.whatwg.org/#cors-check
 * @see https://portswigger.net/web-security/cors
 * @example evaluateCors(results).map((f) => f.id)
 */
export function evaluateCors(results: readonly CorsProbeResult[]): ScanFinding[] {
  const findings = new Map<string, ScanFinding>();
  const add = (kind: FindingKind, evidence: string, fix: string): void => {
    if (!findings.has(kind.id)) findings.set(kind.id, finding(kind, evidence, fix));
  };
  for (const result of results) {
    const allowOrigins = valuesOf(result.headers, 'Access-Control-Allow-Origin');
    if (allowOrigins.length !== 1) continue;
    const allowOrigin = allowOrigins[0] ?? '';
    const credentialValues = valuesOf(result.headers, 'Access-Control-Allow-Credentials');
    const credentials = credentialValues.length === 1 && credentialValues[0] === 'true';
    const { probe } = result;
    const evidence = [
      `${probe.method} with Origin: ${probe.origin}`,
      shown('Access-Control-Allow-Origin', allowOrigins),
      ...(credentials ? [shown('Access-Control-Allow-Credentials', credentialValues)] : []),
    ].join(' → ');
    const reflected = allowOrigin === probe.origin;

    if (reflected && probe.origin === 'null') {
      if (credentials) add(CORS_FINDINGS.nullWithCredentials, evidence, 'never allow `null` as an origin; list trusted origins only.');
      else add(CORS_FINDINGS.nullAllowed, evidence, 'never allow `null` as an origin; list trusted origins only.');
    } else if (reflected) {
      if (credentials) add(CORS_FINDINGS.reflectedWithCredentials, evidence, FIX_ALLOWLIST);
      else add(CORS_FINDINGS.reflected, evidence, FIX_ALLOWLIST);
    } else if (allowOrigin === '*' && credentials) {
      add(CORS_FINDINGS.wildcardWithCredentials, evidence, 'use `*` only for public, credential-free resources; for signed-in requests list trusted origins.');
    }

    if (reflected && !varyCoversOrigin(result.headers)) {
      add(CORS_FINDINGS.missingVary, `${evidence}; no Vary: Origin`, 'send `Vary: Origin` with every answer whose Access-Control-Allow-Origin depends on the request.');
    }

    if (probe.preflight && (reflected || allowOrigin === '*')) {
      const methods = valuesOf(result.headers, 'Access-Control-Allow-Methods');
      if (allowsAny(listMembers(methods), PREFLIGHT_METHOD, false)) {
        add(CORS_FINDINGS.anyMethod, `OPTIONS with Access-Control-Request-Method: ${PREFLIGHT_METHOD} → ${shown('Access-Control-Allow-Methods', methods)}`, 'list the methods the API serves; never copy Access-Control-Request-Method back.');
      }
      const requestHeaders = valuesOf(result.headers, 'Access-Control-Allow-Headers');
      if (allowsAny(listMembers(requestHeaders), PREFLIGHT_HEADER, true)) {
        add(CORS_FINDINGS.anyHeaders, `OPTIONS with Access-Control-Request-Headers: ${PREFLIGHT_HEADER} → ${shown('Access-Control-Allow-Headers', requestHeaders)}`, 'list the request headers the API reads; never copy Access-Control-Request-Headers back.');
      }
    }
  }
  return [...findings.values()];
}

/** Whether `members` allow the probe's odd `requested` token: named, or `*` (methods are case-sensitive). */
function allowsAny(members: readonly string[], requested: string, caseInsensitive: boolean): boolean {
  return members.some((member) => member === '*' || (caseInsensitive ? member.toLowerCase() === requested.toLowerCase() : member === requested));
}

/** Whether `Vary` lists `Origin` (or `*`). */
function varyCoversOrigin(headers: readonly ReceivedHeader[]): boolean {
  return listMembers(valuesOf(headers, 'Vary')).some((member) => member === '*' || member.toLowerCase() === 'origin');
}
