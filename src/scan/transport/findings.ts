/**
 * The transport finding table: every id the HSTS and redirect-chain checks can report, its severity
 * and title. Ids are stable: they never change meaning, and a retired id is not reused.
 */

import type { FindingKind } from '../finding.js';

export type { ScanFinding, ScanSeverity } from '../finding.js';

export { ONE_YEAR_SECONDS } from '../../headers/hsts.js';

/** The Aegis option that renders Strict-Transport-Security. */
export const HSTS_OPTION = 'headers.strictTransportSecurity';

/**
 * Every transport finding, in id order. 001–009: the Strict-Transport-Security header;
 * 010 onwards: the redirect chain from the `http://` entry point.
 * @see https://www.rfc-editor.org/rfc/rfc6797
 * @see https://hstspreload.org/#submission-requirements
 */
export const TRANSPORT_FINDINGS = {
  hstsMissing: { id: 'AEGIS-SCAN-TRANSPORT-001', severity: 'high', title: 'no Strict-Transport-Security on an HTTPS answer' },
  hstsOverHttp: { id: 'AEGIS-SCAN-TRANSPORT-002', severity: 'info', title: 'Strict-Transport-Security over plain HTTP is ignored' },
  hstsInvalid: { id: 'AEGIS-SCAN-TRANSPORT-003', severity: 'high', title: 'invalid Strict-Transport-Security: browsers ignore it' },
  hstsSeveralFields: { id: 'AEGIS-SCAN-TRANSPORT-004', severity: 'info', title: 'several Strict-Transport-Security fields: only the first counts' },
  hstsDisabled: { id: 'AEGIS-SCAN-TRANSPORT-005', severity: 'high', title: 'max-age=0 deletes the HSTS policy' },
  hstsShortMaxAge: { id: 'AEGIS-SCAN-TRANSPORT-006', severity: 'medium', title: 'HSTS max-age under one year' },
  hstsNoSubdomains: { id: 'AEGIS-SCAN-TRANSPORT-007', severity: 'low', title: 'HSTS without includeSubDomains' },
  hstsPreloadIneligible: { id: 'AEGIS-SCAN-TRANSPORT-008', severity: 'low', title: 'preload requested but the header does not qualify' },
  hstsDirectiveIgnored: { id: 'AEGIS-SCAN-TRANSPORT-009', severity: 'info', title: 'HSTS directive ignored' },
  noRedirect: { id: 'AEGIS-SCAN-TRANSPORT-010', severity: 'high', title: 'http:// answers without redirecting to HTTPS' },
  firstHopNotHttps: { id: 'AEGIS-SCAN-TRANSPORT-011', severity: 'medium', title: 'first redirect does not go to HTTPS' },
  firstHttpsOtherHost: { id: 'AEGIS-SCAN-TRANSPORT-012', severity: 'low', title: 'first HTTPS hop is on another host' },
  downgrade: { id: 'AEGIS-SCAN-TRANSPORT-013', severity: 'high', title: 'redirect from https:// back to http://' },
  loop: { id: 'AEGIS-SCAN-TRANSPORT-014', severity: 'high', title: 'redirect loop' },
  tooManyHops: { id: 'AEGIS-SCAN-TRANSPORT-015', severity: 'low', title: 'more than 5 redirects' },
  offHostDestination: { id: 'AEGIS-SCAN-TRANSPORT-016', severity: 'info', title: 'final destination on another host' },
  httpNotServed: { id: 'AEGIS-SCAN-TRANSPORT-017', severity: 'info', title: 'http:// does not answer' },
  hopFailed: { id: 'AEGIS-SCAN-TRANSPORT-018', severity: 'medium', title: 'redirect target does not answer' },
} as const satisfies Record<string, FindingKind>;

/** The finding table as a list, in id order. */
export const TRANSPORT_FINDING_TABLE: readonly FindingKind[] = Object.values(TRANSPORT_FINDINGS);
