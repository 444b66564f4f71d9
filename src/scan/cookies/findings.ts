/**
 * The cookie finding table: every id the Set-Cookie parser and the cookie evaluator can report, its
 * severity and title. Ids are stable: they never change meaning, and a retired id is not reused.
 */

import { finding, type FindingKind, type ScanFinding } from '../finding.js';

export type { ScanSeverity } from '../finding.js';

/** One row of the cookie finding table. */
export type CookieFindingKind = FindingKind;

/** One thing the parser or evaluator found in a `Set-Cookie` header. Evidence never carries the cookie's value. */
export interface CookieFinding extends ScanFinding {
  /** Index of the `Set-Cookie` header (in the list given) the finding is about. */
  readonly header: number;
}

/**
 * Every cookie finding, in id order. 001–009: syntax (found by the parser); 010 onwards: evaluation.
 * "Session-like" is the name heuristic of `isSessionLikeName`.
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpbis-rfc6265bis/
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies
 */
export const COOKIE_FINDINGS = {
  rejectedLine: { id: 'AEGIS-SCAN-COOKIE-001', severity: 'low', title: 'Set-Cookie line browsers ignore' },
  ignoredAttribute: { id: 'AEGIS-SCAN-COOKIE-002', severity: 'low', title: 'attribute browsers ignore' },
  duplicateAttribute: { id: 'AEGIS-SCAN-COOKIE-003', severity: 'info', title: 'attribute repeated (the last one wins)' },
  nameless: { id: 'AEGIS-SCAN-COOKIE-004', severity: 'low', title: 'cookie without a name' },
  missingSecureSession: { id: 'AEGIS-SCAN-COOKIE-010', severity: 'high', title: 'session cookie without Secure' },
  missingSecure: { id: 'AEGIS-SCAN-COOKIE-011', severity: 'medium', title: 'cookie without Secure' },
  cleartextSession: { id: 'AEGIS-SCAN-COOKIE-012', severity: 'high', title: 'session cookie set over plain HTTP' },
  secureOverHttp: { id: 'AEGIS-SCAN-COOKIE-013', severity: 'medium', title: 'Secure cookie set over plain HTTP (browsers drop it)' },
  missingHttpOnly: { id: 'AEGIS-SCAN-COOKIE-014', severity: 'medium', title: 'session cookie readable by scripts (no HttpOnly)' },
  missingSameSite: { id: 'AEGIS-SCAN-COOKIE-015', severity: 'info', title: 'no SameSite' },
  invalidSameSite: { id: 'AEGIS-SCAN-COOKIE-016', severity: 'low', title: 'invalid SameSite value (browsers ignore it)' },
  sameSiteNoneInsecure: { id: 'AEGIS-SCAN-COOKIE-017', severity: 'medium', title: 'SameSite=None without Secure (browsers reject)' },
  hostPrefix: { id: 'AEGIS-SCAN-COOKIE-018', severity: 'medium', title: '__Host- prefix rules broken (browsers reject)' },
  securePrefix: { id: 'AEGIS-SCAN-COOKIE-019', severity: 'medium', title: '__Secure- prefix rules broken (browsers reject)' },
  parentDomainSession: { id: 'AEGIS-SCAN-COOKIE-020', severity: 'medium', title: 'session cookie shared with a parent domain' },
  parentDomain: { id: 'AEGIS-SCAN-COOKIE-021', severity: 'low', title: 'cookie shared with a parent domain' },
  subdomainsSession: { id: 'AEGIS-SCAN-COOKIE-022', severity: 'info', title: 'session cookie sent to subdomains' },
  domainMismatch: { id: 'AEGIS-SCAN-COOKIE-023', severity: 'medium', title: 'Domain does not match the host (browsers reject)' },
  topLevelDomain: { id: 'AEGIS-SCAN-COOKIE-024', severity: 'medium', title: 'Domain is a top-level domain (browsers reject)' },
  longSession: { id: 'AEGIS-SCAN-COOKIE-025', severity: 'info', title: 'session cookie lives longer than a day' },
  veryLongSession: { id: 'AEGIS-SCAN-COOKIE-026', severity: 'low', title: 'session cookie lives longer than 30 days' },
  beyondCap: { id: 'AEGIS-SCAN-COOKIE-027', severity: 'info', title: 'lifetime beyond the 400-day browser cap' },
  partitionedInsecure: { id: 'AEGIS-SCAN-COOKIE-028', severity: 'medium', title: 'Partitioned without Secure (browsers reject)' },
} as const satisfies Record<string, CookieFindingKind>;

/** The finding table as a list, in id order. */
export const COOKIE_FINDING_TABLE: readonly CookieFindingKind[] = Object.values(COOKIE_FINDINGS);

/** A finding of `kind` about header `header`, seen as `evidence` (never the value), fixed by `fix`. */
export function cookieFinding(kind: CookieFindingKind, header: number, evidence: string, fix: string): CookieFinding {
  return { ...finding(kind, evidence, fix), header };
}
