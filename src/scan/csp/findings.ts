/**
 * The CSP finding table: every id the CSP parser and evaluator can report, its severity and title.
 * Ids are stable: they never change meaning, and a retired id is not reused.
 */

import type { FindingKind, ScanFinding } from '../finding.js';
import { camelCase } from '../../core/option-case.js';

export type { ScanSeverity } from '../finding.js';

/** One row of the CSP finding table. */
export type CspFindingKind = FindingKind;

/** One thing the parser or evaluator found in a policy. */
export interface CspFinding extends ScanFinding {
  /** Index of the policy in a header that carries several (comma-separated); absent when there is one. */
  readonly policy?: number;
}

/**
 * Every CSP finding, in id order. 001–009, 031, 032: syntax (found by the parser); 010–030: evaluation.
 * @see https://www.w3.org/TR/CSP3/
 */
export const CSP_FINDINGS = {
  emptyPolicy: { id: 'AEGIS-SCAN-CSP-001', severity: 'low', title: 'empty policy' },
  duplicateDirective: { id: 'AEGIS-SCAN-CSP-002', severity: 'low', title: 'duplicate directive ignored' },
  unknownDirective: { id: 'AEGIS-SCAN-CSP-003', severity: 'low', title: 'unknown directive' },
  retiredDirective: { id: 'AEGIS-SCAN-CSP-004', severity: 'info', title: 'retired directive' },
  invalidCharacters: { id: 'AEGIS-SCAN-CSP-005', severity: 'low', title: 'invalid characters' },
  emptyValue: { id: 'AEGIS-SCAN-CSP-006', severity: 'low', title: 'directive without a value' },
  flagWithValue: { id: 'AEGIS-SCAN-CSP-007', severity: 'info', title: 'value on a directive that takes none' },
  unquotedKeyword: { id: 'AEGIS-SCAN-CSP-008', severity: 'low', title: 'keyword without quotes' },
  severalPolicies: { id: 'AEGIS-SCAN-CSP-009', severity: 'info', title: 'several policies' },
  missingScriptSrc: { id: 'AEGIS-SCAN-CSP-010', severity: 'high', title: 'no script-src or default-src' },
  unsafeInline: { id: 'AEGIS-SCAN-CSP-011', severity: 'high', title: "'unsafe-inline' allows inline scripts" },
  unsafeInlineNeutralised: { id: 'AEGIS-SCAN-CSP-012', severity: 'info', title: "'unsafe-inline' ignored by CSP2+ browsers" },
  unsafeEval: { id: 'AEGIS-SCAN-CSP-013', severity: 'medium', title: "'unsafe-eval' allows eval()" },
  wildcardSource: { id: 'AEGIS-SCAN-CSP-014', severity: 'high', title: 'wildcard source for scripts or plugins' },
  schemeSource: { id: 'AEGIS-SCAN-CSP-015', severity: 'high', title: 'plain scheme source for scripts or plugins' },
  cleartextSource: { id: 'AEGIS-SCAN-CSP-016', severity: 'medium', title: 'http:// source loaded over cleartext' },
  bypassHost: { id: 'AEGIS-SCAN-CSP-017', severity: 'high', title: 'allowlisted host serves script gadgets' },
  hostAllowlist: { id: 'AEGIS-SCAN-CSP-018', severity: 'low', title: 'script host allowlist' },
  allowlistNeutralised: { id: 'AEGIS-SCAN-CSP-019', severity: 'info', title: "allowlist ignored because of 'strict-dynamic'" },
  strictDynamicAlone: { id: 'AEGIS-SCAN-CSP-020', severity: 'low', title: "'strict-dynamic' without a nonce or hash" },
  shortNonce: { id: 'AEGIS-SCAN-CSP-021', severity: 'medium', title: 'nonce shorter than 128 bits' },
  invalidNonce: { id: 'AEGIS-SCAN-CSP-022', severity: 'medium', title: 'nonce outside the base64 charset' },
  missingObjectSrc: { id: 'AEGIS-SCAN-CSP-023', severity: 'high', title: 'no object-src or default-src' },
  missingBaseUri: { id: 'AEGIS-SCAN-CSP-024', severity: 'medium', title: 'no base-uri' },
  missingFrameAncestors: { id: 'AEGIS-SCAN-CSP-025', severity: 'medium', title: 'no frame-ancestors (clickjacking)' },
  noTrustedTypes: { id: 'AEGIS-SCAN-CSP-026', severity: 'info', title: 'Trusted Types not required' },
  reportOnly: { id: 'AEGIS-SCAN-CSP-027', severity: 'high', title: 'report-only: nothing is enforced' },
  ignoredInMeta: { id: 'AEGIS-SCAN-CSP-028', severity: 'low', title: 'directive ignored in <meta>' },
  framingAllowed: { id: 'AEGIS-SCAN-CSP-029', severity: 'medium', title: 'frame-ancestors allows any site' },
  noPolicy: { id: 'AEGIS-SCAN-CSP-030', severity: 'high', title: 'no Content-Security-Policy' },
  missingSemicolon: { id: 'AEGIS-SCAN-CSP-031', severity: 'medium', title: 'a directive name among the values (missing semicolon)' },
  unknownKeyword: { id: 'AEGIS-SCAN-CSP-032', severity: 'low', title: 'unknown quoted keyword' },
} as const satisfies Record<string, CspFindingKind>;

/** The finding table as a list, in id order. */
export const CSP_FINDING_TABLE: readonly CspFindingKind[] = Object.values(CSP_FINDINGS);


/** The Aegis option for a directive, e.g. `headers.contentSecurityPolicy.directives.scriptSrc`. */
export function aegisOption(directive: string): string {
  return `headers.contentSecurityPolicy.directives.${camelCase(directive)}`;
}
