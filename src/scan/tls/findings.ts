/**
 * The TLS finding table: every id the protocol, cipher suite and certificate checks of `aegis scan`
 * can report, its severity and title. Ids are stable: they never change meaning, and a retired id is
 * not reused.
 * @see https://www.rfc-editor.org/rfc/rfc8996 (TLS 1.0 and 1.1 deprecated)
 * @see https://www.rfc-editor.org/rfc/rfc9325 (BCP 195: recommendations for secure use of TLS)
 */

import type { FindingKind } from '../finding.js';

export type { ScanFinding, ScanSeverity } from '../finding.js';

/**
 * Every TLS finding, in id order. 001–005: protocol versions; 006–010: cipher suites; 011–017:
 * the certificate; 018–020: handshake features; 021: the scan itself.
 */
export const TLS_FINDINGS = {
  sslv3: { id: 'AEGIS-SCAN-TLS-001', severity: 'high', title: 'SSL 3.0 accepted' },
  tls10: { id: 'AEGIS-SCAN-TLS-002', severity: 'medium', title: 'TLS 1.0 accepted' },
  tls11: { id: 'AEGIS-SCAN-TLS-003', severity: 'medium', title: 'TLS 1.1 accepted' },
  noTls12: { id: 'AEGIS-SCAN-TLS-004', severity: 'high', title: 'TLS 1.2 not supported' },
  noTls13: { id: 'AEGIS-SCAN-TLS-005', severity: 'low', title: 'TLS 1.3 not supported' },
  insecureSuite: { id: 'AEGIS-SCAN-TLS-006', severity: 'high', title: 'NULL, anonymous or EXPORT cipher suite accepted' },
  brokenCipher: { id: 'AEGIS-SCAN-TLS-007', severity: 'high', title: 'RC4, 3DES or DES cipher suite accepted' },
  cbcSuite: { id: 'AEGIS-SCAN-TLS-008', severity: 'low', title: 'CBC cipher suites accepted' },
  noForwardSecrecy: { id: 'AEGIS-SCAN-TLS-009', severity: 'medium', title: 'RSA key exchange accepted (no forward secrecy)' },
  weakPreferred: { id: 'AEGIS-SCAN-TLS-010', severity: 'medium', title: 'server chooses a weak suite over a strong one it supports' },
  untrusted: { id: 'AEGIS-SCAN-TLS-011', severity: 'high', title: 'certificate not trusted' },
  expired: { id: 'AEGIS-SCAN-TLS-012', severity: 'high', title: 'certificate expired or not yet valid' },
  nameMismatch: { id: 'AEGIS-SCAN-TLS-013', severity: 'high', title: 'certificate does not name the host' },
  expiringSoon: { id: 'AEGIS-SCAN-TLS-014', severity: 'medium', title: 'certificate expires within 30 days' },
  weakKey: { id: 'AEGIS-SCAN-TLS-015', severity: 'high', title: 'weak certificate key (RSA < 2048 or EC < 256 bits)' },
  sha1Signature: { id: 'AEGIS-SCAN-TLS-016', severity: 'high', title: 'certificate signed with SHA-1 or MD5' },
  noOcspStapling: { id: 'AEGIS-SCAN-TLS-017', severity: 'info', title: 'no OCSP stapling' },
  noH2: { id: 'AEGIS-SCAN-TLS-018', severity: 'info', title: 'ALPN does not offer h2' },
  noSecureRenegotiation: { id: 'AEGIS-SCAN-TLS-019', severity: 'medium', title: 'no secure renegotiation extension (RFC 5746)' },
  compression: { id: 'AEGIS-SCAN-TLS-020', severity: 'high', title: 'TLS compression enabled (CRIME)' },
  probeFailed: { id: 'AEGIS-SCAN-TLS-021', severity: 'info', title: 'part of the TLS scan failed' },
} as const satisfies Record<string, FindingKind>;

/** The finding table as a list, in id order. */
export const TLS_FINDING_TABLE: readonly FindingKind[] = Object.values(TLS_FINDINGS);

export { finding } from '../finding.js';
