/**
 * Grade caps: findings that limit the overall grade whatever the score, because they undo the rest
 * (an untrusted certificate, a redirect back to cleartext, a session cookie sent in clear). The
 * overall grade is the worse of the score's letter and every cap that applies.
 * @see ../../../docs/scan-grading.md
 */

import type { ScanFinding } from '../finding.js';
import { categoryOf, type ScanCategory } from './categories.js';
import type { Grade } from './letters.js';

/** One cap rule: the findings it matches, by id or by category and severity, and the grade it caps at. */
export interface GradeCap {
  /** Stable name of the rule (kebab-case). */
  readonly rule: string;
  /** The highest overall grade a scan can get while the rule matches. */
  readonly grade: Grade;
  /** Why, in one line, for the report. */
  readonly reason: string;
  /** Finding ids that trigger the rule; an empty list matches nothing (a placeholder). */
  readonly ids?: readonly string[];
  /** Or: every high finding in this category triggers the rule. */
  readonly highIn?: ScanCategory;
}

/** A cap that applied to a scan: the finding that triggered it, the grade it caps at, why. */
export interface AppliedCap {
  readonly id: string;
  readonly grade: Grade;
  readonly reason: string;
}

/** Caps on findings that exist today (transport, CSP, cookies), by id. */
export const FINDING_CAPS: readonly GradeCap[] = [
  { rule: 'https-downgrade', ids: ['AEGIS-SCAN-TRANSPORT-013'], grade: 'C', reason: 'a redirect sends visitors from HTTPS back to cleartext HTTP' },
  { rule: 'no-https-redirect', ids: ['AEGIS-SCAN-TRANSPORT-010'], grade: 'B', reason: 'http:// serves the site instead of redirecting to HTTPS' },
  { rule: 'redirect-loop', ids: ['AEGIS-SCAN-TRANSPORT-014'], grade: 'B', reason: 'the http:// entry point loops and never reaches HTTPS' },
  {
    rule: 'no-effective-hsts',
    ids: ['AEGIS-SCAN-TRANSPORT-001', 'AEGIS-SCAN-TRANSPORT-003', 'AEGIS-SCAN-TRANSPORT-005'],
    grade: 'A-',
    reason: 'no HSTS policy in force: a first visit or a typed URL can be downgraded',
  },
  { rule: 'cleartext-session-cookie', ids: ['AEGIS-SCAN-COOKIE-012'], grade: 'C', reason: 'a session cookie is set over plain HTTP' },
  { rule: 'session-cookie-not-secure', ids: ['AEGIS-SCAN-COOKIE-010'], grade: 'B', reason: 'a session cookie without Secure can leak over HTTP' },
  {
    rule: 'csp-does-not-restrict-scripts',
    ids: ['AEGIS-SCAN-CSP-010', 'AEGIS-SCAN-CSP-011', 'AEGIS-SCAN-CSP-014', 'AEGIS-SCAN-CSP-015', 'AEGIS-SCAN-CSP-027', 'AEGIS-SCAN-CSP-030'],
    grade: 'A-',
    reason: 'the Content-Security-Policy does not stop injected scripts',
  },
];

/**
 * Caps on TLS findings (src/scan/tls/findings.ts), by id. `tls-legacy-protocol` and
 * `tls-weak-key-exchange` deliberately cap medium findings (TLS 1.0/1.1, RSA key exchange): they are
 * not high on their own, but no site serving them earns an A. Any other high TLS finding is still
 * capped at B by `tls-high` below.
 */
export const TLS_CAPS: readonly GradeCap[] = [
  // the chain does not reach a trusted root (self-signed, unknown issuer, incomplete)
  { rule: 'tls-untrusted-certificate', ids: ['AEGIS-SCAN-TLS-011'], grade: 'F', reason: 'browsers do not trust the certificate' },
  // the certificate is expired or not yet valid
  { rule: 'tls-certificate-expired', ids: ['AEGIS-SCAN-TLS-012'], grade: 'F', reason: 'the certificate is outside its validity period' },
  // the certificate does not cover the scanned host name
  { rule: 'tls-certificate-name-mismatch', ids: ['AEGIS-SCAN-TLS-013'], grade: 'F', reason: 'the certificate does not name this host' },
  // SSL 3.0 accepted (SSL 2.0 is not probed: its hello has another format)
  { rule: 'tls-ssl-accepted', ids: ['AEGIS-SCAN-TLS-001'], grade: 'F', reason: 'the server accepts SSL 2.0/3.0' },
  // NULL, anonymous, EXPORT; RC4, 3DES, DES
  { rule: 'tls-broken-cipher', ids: ['AEGIS-SCAN-TLS-006', 'AEGIS-SCAN-TLS-007'], grade: 'C', reason: 'the server accepts a broken cipher suite' },
  // TLS 1.0 or TLS 1.1 accepted (medium findings)
  { rule: 'tls-legacy-protocol', ids: ['AEGIS-SCAN-TLS-002', 'AEGIS-SCAN-TLS-003'], grade: 'B', reason: 'the server accepts TLS 1.0 or 1.1' },
  // RSA key exchange accepted (medium); RSA key under 2048 bits or EC under 256 (high)
  { rule: 'tls-weak-key-exchange', ids: ['AEGIS-SCAN-TLS-009', 'AEGIS-SCAN-TLS-015'], grade: 'B', reason: 'no forward secrecy, or a weak key' },
];

/** Caps by category and severity: they cover ids not named by a rule above (and ids still to come). */
export const CATEGORY_CAPS: readonly GradeCap[] = [
  { rule: 'tls-high', highIn: 'tls', grade: 'B', reason: 'a high-severity TLS finding' },
  { rule: 'exposure-high', highIn: 'exposures', grade: 'C', reason: 'a file or endpoint that must not be public is reachable' },
];

/** Every cap rule. */
export const GRADE_CAPS: readonly GradeCap[] = [...FINDING_CAPS, ...TLS_CAPS, ...CATEGORY_CAPS];

/** Whether `cap` matches `finding`. */
export function capMatches(cap: GradeCap, finding: ScanFinding): boolean {
  if (cap.ids?.includes(finding.id)) return true;
  return cap.highIn !== undefined && finding.severity === 'high' && categoryOf(finding.id) === cap.highIn;
}

/** The caps `findings` trigger, one per rule and finding id, in `caps` order then finding order. */
export function applicableCaps(findings: readonly ScanFinding[], caps: readonly GradeCap[] = GRADE_CAPS): AppliedCap[] {
  const applied: AppliedCap[] = [];
  const seen = new Set<string>();
  for (const cap of caps) {
    for (const finding of findings) {
      const key = `${cap.rule}\u0000${finding.id}`;
      if (seen.has(key) || !capMatches(cap, finding)) continue;
      seen.add(key);
      applied.push({ id: finding.id, grade: cap.grade, reason: cap.reason });
    }
  }
  return applied;
}
