/**
 * The response-header finding table: every id the header checks of `aegis scan` can report, with
 * its severity and title. Strict-Transport-Security and CSP have their own tables. Ids are stable:
 * they never change meaning, and a retired id is not reused.
 */

import type { FindingKind } from '../finding.js';

/**
 * Every header finding, in id order. 001–004 X-Content-Type-Options, 005–010 X-Frame-Options,
 * 011–015 Referrer-Policy, 016–021 Permissions-Policy, 022–027 COOP/COEP/CORP, 028 caching of
 * responses that set cookies, 029–031 headers that advertise the stack.
 * @see https://owasp.org/www-project-secure-headers/
 */
export const HEADER_FINDINGS = {
  nosniffMissing: { id: 'AEGIS-SCAN-HDR-001', severity: 'low', title: 'no X-Content-Type-Options' },
  nosniffInvalid: { id: 'AEGIS-SCAN-HDR-002', severity: 'low', title: 'X-Content-Type-Options is not nosniff (ignored)' },
  nosniffNonCanonical: { id: 'AEGIS-SCAN-HDR-003', severity: 'info', title: 'X-Content-Type-Options works but is not exactly nosniff' },
  nosniffDuplicated: { id: 'AEGIS-SCAN-HDR-004', severity: 'info', title: 'X-Content-Type-Options sent more than once' },
  frameOptionsMissing: { id: 'AEGIS-SCAN-HDR-005', severity: 'medium', title: 'no X-Frame-Options and no frame-ancestors (clickjacking)' },
  frameOptionsInvalid: { id: 'AEGIS-SCAN-HDR-006', severity: 'medium', title: 'X-Frame-Options value ignored by browsers (clickjacking)' },
  frameOptionsAllowFrom: { id: 'AEGIS-SCAN-HDR-007', severity: 'medium', title: 'X-Frame-Options ALLOW-FROM is obsolete (clickjacking)' },
  frameOptionsSeveral: { id: 'AEGIS-SCAN-HDR-008', severity: 'low', title: 'several X-Frame-Options values: all framing blocked' },
  frameOptionsIgnored: { id: 'AEGIS-SCAN-HDR-009', severity: 'info', title: 'X-Frame-Options not understood; frame-ancestors applies' },
  frameOptionsConflict: { id: 'AEGIS-SCAN-HDR-010', severity: 'low', title: 'X-Frame-Options contradicts frame-ancestors' },
  referrerMissing: { id: 'AEGIS-SCAN-HDR-011', severity: 'info', title: 'no Referrer-Policy (browser default applies)' },
  referrerFullUrl: { id: 'AEGIS-SCAN-HDR-012', severity: 'medium', title: 'Referrer-Policy sends the full URL to other sites' },
  referrerCleartextOrigin: { id: 'AEGIS-SCAN-HDR-013', severity: 'low', title: 'Referrer-Policy sends the origin over cleartext' },
  referrerInvalid: { id: 'AEGIS-SCAN-HDR-014', severity: 'low', title: 'no valid Referrer-Policy token (header ignored)' },
  referrerUnknownToken: { id: 'AEGIS-SCAN-HDR-015', severity: 'info', title: 'unknown Referrer-Policy token skipped' },
  permissionsMissing: { id: 'AEGIS-SCAN-HDR-016', severity: 'info', title: 'no Permissions-Policy' },
  permissionsSyntax: { id: 'AEGIS-SCAN-HDR-017', severity: 'low', title: 'Permissions-Policy does not parse (header ignored)' },
  permissionsUnknownFeature: { id: 'AEGIS-SCAN-HDR-018', severity: 'info', title: 'unknown Permissions-Policy feature' },
  permissionsDuplicateFeature: { id: 'AEGIS-SCAN-HDR-019', severity: 'info', title: 'Permissions-Policy feature listed twice (last wins)' },
  permissionsInvalidAllowlist: { id: 'AEGIS-SCAN-HDR-020', severity: 'low', title: 'Permissions-Policy allowlist entry not understood' },
  permissionsPowerfulWildcard: { id: 'AEGIS-SCAN-HDR-021', severity: 'medium', title: 'powerful feature allowed to every origin' },
  openerMissing: { id: 'AEGIS-SCAN-HDR-022', severity: 'info', title: 'no Cross-Origin-Opener-Policy' },
  openerUnsafeNone: { id: 'AEGIS-SCAN-HDR-023', severity: 'low', title: 'Cross-Origin-Opener-Policy unsafe-none' },
  embedderNotIsolated: { id: 'AEGIS-SCAN-HDR-024', severity: 'info', title: 'no Cross-Origin-Embedder-Policy (not cross-origin isolated)' },
  resourceMissing: { id: 'AEGIS-SCAN-HDR-025', severity: 'info', title: 'no Cross-Origin-Resource-Policy' },
  resourceCrossOrigin: { id: 'AEGIS-SCAN-HDR-026', severity: 'info', title: 'Cross-Origin-Resource-Policy cross-origin' },
  crossOriginInvalid: { id: 'AEGIS-SCAN-HDR-027', severity: 'low', title: 'cross-origin policy value not understood (ignored)' },
  cookieResponseCacheable: { id: 'AEGIS-SCAN-HDR-028', severity: 'medium', title: 'response that sets cookies may be cached' },
  serverProduct: { id: 'AEGIS-SCAN-HDR-029', severity: 'info', title: 'Server names the product' },
  stackHeader: { id: 'AEGIS-SCAN-HDR-030', severity: 'low', title: 'header reveals the stack or the internals' },
  versionDisclosed: { id: 'AEGIS-SCAN-HDR-031', severity: 'medium', title: 'header discloses a software version' },
} as const satisfies Record<string, FindingKind>;

/** The finding table as a list, in id order. */
export const HEADER_FINDING_TABLE: readonly FindingKind[] = Object.values(HEADER_FINDINGS);
