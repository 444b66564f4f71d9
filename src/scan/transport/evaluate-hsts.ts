import { finding, type ScanFinding } from '../finding.js';
import { HSTS_OPTION, ONE_YEAR_SECONDS, TRANSPORT_FINDINGS } from './findings.js';
import { parseHsts, type HstsProblem, type ParsedHsts } from './hsts.js';

/** How the answer carrying the header was fetched. */
export interface HstsContext {
  /** The answer came over HTTPS. Browsers ignore Strict-Transport-Security on plain HTTP. */
  readonly https: boolean;
}

/**
 * Evaluates the Strict-Transport-Security fields of one answer and returns every finding:
 * missing on HTTPS (high), sent over plain HTTP (info, ignored by browsers), invalid (high),
 * `max-age=0` (high: it deletes the policy), max-age under one year (medium), no
 * includeSubDomains (low), `preload` on a header that does not qualify for the preload list (low),
 * plus notes for ignored directives and extra fields (info).
 *
 * The max-age bar is one year (31536000 s), not six months: it is what the preload list requires,
 * what Aegis' own `preload` option and config check demand, and the Aegis default is two years.
 * A six-month max-age is still reported as medium, like any value under one year.
 * @param values every Strict-Transport-Security field value of the answer (empty when none)
 * @see https://www.rfc-editor.org/rfc/rfc6797
 * @see https://hstspreload.org/#submission-requirements
 * @example evaluateHsts(['max-age=300'], { https: true }).map((f) => f.id) // ['AEGIS-SCAN-TRANSPORT-006', 'AEGIS-SCAN-TRANSPORT-007']
 */
export function evaluateHsts(values: readonly string[], context: HstsContext): ScanFinding[] {
  if (!context.https) {
    if (values.length === 0) return [];
    return [finding(TRANSPORT_FINDINGS.hstsOverHttp, `Strict-Transport-Security: ${values[0] ?? ''} (over http://)`, 'nothing to fix: browsers only honour the header over HTTPS (Aegis sends it on secure requests only).')];
  }
  if (values.length === 0) return [missingHsts('no Strict-Transport-Security header')];
  return evaluateParsedHsts(parseHsts(values));
}

/** The finding for an HTTPS answer without Strict-Transport-Security, seen as `evidence`. */
export function missingHsts(evidence: string): ScanFinding {
  return finding(TRANSPORT_FINDINGS.hstsMissing, evidence, `send it: remove ${HSTS_OPTION}: false (the production default is max-age=63072000; includeSubDomains).`);
}

/** The findings for an already parsed header that was served over HTTPS. */
export function evaluateParsedHsts(hsts: ParsedHsts): ScanFinding[] {
  const findings = hsts.problems.map(problemFinding);
  if (!hsts.valid || hsts.maxAge === undefined) return findings;
  const header = `Strict-Transport-Security: ${hsts.value}`;
  if (hsts.maxAge === 0) {
    findings.push(finding(TRANSPORT_FINDINGS.hstsDisabled, header, `set ${HSTS_OPTION}.maxAge to '1y' or more, unless you mean to switch HSTS off.`));
    return findings;
  }
  if (hsts.maxAge < ONE_YEAR_SECONDS) {
    findings.push(finding(TRANSPORT_FINDINGS.hstsShortMaxAge, `max-age=${hsts.maxAge}`, `set ${HSTS_OPTION}.maxAge to at least '1y' (default '2y').`));
  }
  if (!hsts.includeSubDomains) {
    findings.push(finding(TRANSPORT_FINDINGS.hstsNoSubdomains, header, `set ${HSTS_OPTION}.includeSubDomains: true (the default), once every subdomain serves HTTPS.`));
  }
  const blockers = headerPreloadBlockers(hsts);
  if (hsts.preload && blockers.length > 0) {
    findings.push(finding(TRANSPORT_FINDINGS.hstsPreloadIneligible, `preload with ${blockers.join(', ')}`, `set ${HSTS_OPTION}.maxAge to '1y' or more and includeSubDomains: true, or drop ${HSTS_OPTION}.preload.`));
  }
  return findings;
}

/**
 * What keeps a header from the preload list (empty when it qualifies): invalid, max-age under one
 * year, no includeSubDomains, no preload directive.
 */
export function headerPreloadBlockers(hsts: ParsedHsts): string[] {
  if (!hsts.valid || hsts.maxAge === undefined) return ['an invalid or missing header'];
  const blockers: string[] = [];
  if (hsts.maxAge < ONE_YEAR_SECONDS) blockers.push(`max-age=${hsts.maxAge} (needs >= ${ONE_YEAR_SECONDS})`);
  if (!hsts.includeSubDomains) blockers.push('no includeSubDomains');
  if (!hsts.preload) blockers.push('no preload directive');
  return blockers;
}

function problemFinding(problem: HstsProblem): ScanFinding {
  if (problem.fatal) {
    return finding(TRANSPORT_FINDINGS.hstsInvalid, problem.message, `send one well-formed header, e.g. via ${HSTS_OPTION} (max-age=63072000; includeSubDomains).`);
  }
  if (problem.code === 'several-fields') {
    return finding(TRANSPORT_FINDINGS.hstsSeveralFields, problem.message, 'send the header once: check that the proxy and the app do not both add it.');
  }
  return finding(TRANSPORT_FINDINGS.hstsDirectiveIgnored, problem.message, 'remove the directive, or write it as max-age, includeSubDomains or preload.');
}
