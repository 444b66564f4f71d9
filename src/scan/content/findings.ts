/**
 * The content finding table: every id the page-content check (`evaluateContent`) can report, its
 * severity and title. Ids are stable: they never change meaning, and a retired id is not reused.
 */

import type { FindingKind, ScanFinding } from '../finding.js';

export type { ScanSeverity } from '../finding.js';

/** One row of the content finding table. */
export type ContentFindingKind = FindingKind;

/** One thing the content check found in a page's HTML. */
export type ContentFinding = ScanFinding;

/**
 * Every content finding, in id order.
 * @see https://www.w3.org/TR/mixed-content/
 * @see https://www.w3.org/TR/SRI/
 * @see https://developer.mozilla.org/en-US/docs/Web/Security/Mixed_content
 */
export const CONTENT_FINDINGS = {
  activeMixedContent: { id: 'AEGIS-SCAN-CONTENT-001', severity: 'high', title: 'active mixed content (script, stylesheet, frame or plugin over http:)' },
  passiveMixedContent: { id: 'AEGIS-SCAN-CONTENT-002', severity: 'low', title: 'passive mixed content (image or media over http:)' },
  missingIntegrity: { id: 'AEGIS-SCAN-CONTENT-003', severity: 'medium', title: 'cross-origin script or stylesheet without Subresource Integrity' },
  weakIntegrity: { id: 'AEGIS-SCAN-CONTENT-004', severity: 'medium', title: 'integrity without a supported hash (sha256, sha384, sha512)' },
  integrityWithoutCrossorigin: { id: 'AEGIS-SCAN-CONTENT-005', severity: 'info', title: 'cross-origin integrity check without crossorigin (the resource fails to load)' },
  inlineHandlers: { id: 'AEGIS-SCAN-CONTENT-006', severity: 'medium', title: 'inline event handlers that CSP does not block' },
  inlineHandlersBlocked: { id: 'AEGIS-SCAN-CONTENT-007', severity: 'info', title: 'inline event handlers (blocked by CSP, so they do not run)' },
  formToHttp: { id: 'AEGIS-SCAN-CONTENT-008', severity: 'high', title: 'form on an https page submits over http:' },
  formCrossOrigin: { id: 'AEGIS-SCAN-CONTENT-009', severity: 'low', title: 'form submits to another origin' },
  baseCrossOrigin: { id: 'AEGIS-SCAN-CONTENT-010', severity: 'medium', title: '<base> points to another origin' },
} as const satisfies Record<string, ContentFindingKind>;

/** The table as a list, in id order. */
export const CONTENT_FINDING_TABLE: readonly ContentFindingKind[] = Object.values(CONTENT_FINDINGS);

