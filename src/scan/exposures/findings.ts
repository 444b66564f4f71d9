/**
 * The exposure finding table: every id the exposure checks of `aegis scan` can report, with its
 * severity and title. Ids are stable: they never change meaning, and a retired id is not reused.
 */

import type { FindingKind } from '../finding.js';

/**
 * Every exposure finding, in id order. 001–009: files that should not be served (recognised by
 * content); 010–019: security.txt (RFC 9116); 020: source maps; 030: TRACE; 040–041: a foreign
 * Host header reflected.
 * @see https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/02-Configuration_and_Deployment_Management_Testing/
 * @see https://www.rfc-editor.org/rfc/rfc9116
 */
export const EXPOSURE_FINDINGS = {
  gitRepository: { id: 'AEGIS-SCAN-EXPOSE-001', severity: 'high', title: 'Git repository served (/.git/): source and history downloadable' },
  envFile: { id: 'AEGIS-SCAN-EXPOSE-002', severity: 'high', title: '.env file served: configuration and secrets readable' },
  serverStatus: { id: 'AEGIS-SCAN-EXPOSE-003', severity: 'medium', title: 'server status page served (clients, URLs, internals)' },
  directoryListing: { id: 'AEGIS-SCAN-EXPOSE-004', severity: 'medium', title: 'directory listing served' },
  dsStore: { id: 'AEGIS-SCAN-EXPOSE-005', severity: 'low', title: '.DS_Store served (lists file names)' },
  backupArchive: { id: 'AEGIS-SCAN-EXPOSE-006', severity: 'high', title: 'backup archive served' },
  securityTxtMissing: { id: 'AEGIS-SCAN-EXPOSE-010', severity: 'low', title: 'no security.txt (RFC 9116)' },
  securityTxtInvalidLine: { id: 'AEGIS-SCAN-EXPOSE-011', severity: 'low', title: 'security.txt line that is not a field or a comment' },
  securityTxtNoContact: { id: 'AEGIS-SCAN-EXPOSE-012', severity: 'medium', title: 'security.txt without Contact (required)' },
  securityTxtNoExpires: { id: 'AEGIS-SCAN-EXPOSE-013', severity: 'low', title: 'security.txt without Expires (required)' },
  securityTxtExpired: { id: 'AEGIS-SCAN-EXPOSE-014', severity: 'medium', title: 'security.txt expired' },
  securityTxtFarExpiry: { id: 'AEGIS-SCAN-EXPOSE-015', severity: 'low', title: 'security.txt Expires more than a year ahead' },
  securityTxtSigned: { id: 'AEGIS-SCAN-EXPOSE-016', severity: 'info', title: 'security.txt is PGP-signed (signature not verified)' },
  securityTxtRepeated: { id: 'AEGIS-SCAN-EXPOSE-017', severity: 'low', title: 'security.txt field that must appear once is repeated' },
  securityTxtInvalidValue: { id: 'AEGIS-SCAN-EXPOSE-018', severity: 'low', title: 'security.txt field value invalid' },
  sourceMap: { id: 'AEGIS-SCAN-EXPOSE-020', severity: 'medium', title: 'source map served (original source readable)' },
  traceEnabled: { id: 'AEGIS-SCAN-EXPOSE-030', severity: 'medium', title: 'TRACE enabled (request echoed back)' },
  hostInLocation: { id: 'AEGIS-SCAN-EXPOSE-040', severity: 'high', title: 'foreign Host header reflected into a redirect' },
  hostInBody: { id: 'AEGIS-SCAN-EXPOSE-041', severity: 'medium', title: 'foreign Host header reflected into links' },
} as const satisfies Record<string, FindingKind>;

/** The finding table as a list, in id order. */
export const EXPOSURE_FINDING_TABLE: readonly FindingKind[] = Object.values(EXPOSURE_FINDINGS);
