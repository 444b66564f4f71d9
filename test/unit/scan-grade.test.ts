import { describe, expect, it } from 'vitest';
import { finding, type FindingKind, type ScanFinding } from '../../src/scan/finding.js';
import { CSP_FINDINGS, CSP_FINDING_TABLE } from '../../src/scan/csp/findings.js';
import { HEADER_FINDINGS, HEADER_FINDING_TABLE } from '../../src/scan/headers/findings.js';
import { COOKIE_FINDINGS, COOKIE_FINDING_TABLE } from '../../src/scan/cookies/findings.js';
import { TRANSPORT_FINDINGS, TRANSPORT_FINDING_TABLE } from '../../src/scan/transport/findings.js';
import { TLS_FINDINGS, TLS_FINDING_TABLE } from '../../src/scan/tls/findings.js';
import {
  CATEGORY_CAPS,
  CATEGORY_WEIGHTS,
  GRADE_CAPS,
  SCAN_CATEGORIES,
  TLS_CAPS,
  areaOf,
  categoryOf,
  gradeScan,
  letterFor,
} from '../../src/scan/grade/index.js';

const ALL = SCAN_CATEGORIES;
const f = (kind: FindingKind): ScanFinding => finding(kind, 'evidence', 'fix');

/** The finding tables that exist today, by area. CORS, CONTENT and EXPOSE join when written. */
const TABLES: Record<string, readonly FindingKind[]> = {
  CSP: CSP_FINDING_TABLE,
  HDR: HEADER_FINDING_TABLE,
  COOKIE: COOKIE_FINDING_TABLE,
  TRANSPORT: TRANSPORT_FINDING_TABLE,
  TLS: TLS_FINDING_TABLE,
};

describe('categories', () => {
  it('maps ids to categories by their area, weights summing to 100', () => {
    expect(categoryOf('AEGIS-SCAN-TLS-001')).toBe('tls');
    expect(categoryOf('AEGIS-SCAN-TRANSPORT-013')).toBe('transport');
    expect(categoryOf('AEGIS-SCAN-HDR-005')).toBe('headers');
    expect(categoryOf('AEGIS-SCAN-CSP-011')).toBe('csp');
    expect(categoryOf('AEGIS-SCAN-COOKIE-010')).toBe('cookies');
    expect(categoryOf('AEGIS-SCAN-CORS-001')).toBe('cors');
    expect(categoryOf('AEGIS-SCAN-CONTENT-001')).toBe('content');
    expect(categoryOf('AEGIS-SCAN-EXPOSE-001')).toBe('exposures');
    expect(Object.values(CATEGORY_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('refuses ids of unknown areas or shapes', () => {
    expect(() => categoryOf('AEGIS-SCAN-DNS-001')).toThrow('cannot grade finding "AEGIS-SCAN-DNS-001"');
    expect(() => categoryOf('AEGIS-CHECK-001')).toThrow('cannot grade finding "AEGIS-CHECK-001"');
    expect(() => categoryOf('AEGIS-SCAN-CSP-11')).toThrow('cannot grade finding');
  });

  it('every id of every existing table maps to the category of its table', () => {
    const expected: Record<string, string> = { CSP: 'csp', HDR: 'headers', COOKIE: 'cookies', TRANSPORT: 'transport', TLS: 'tls' };
    for (const [area, table] of Object.entries(TABLES)) {
      for (const kind of table) expect([kind.id, categoryOf(kind.id)]).toEqual([kind.id, expected[area]]);
    }
  });
});

describe('letters', () => {
  it('uses the documented thresholds', () => {
    const at = (score: number) => letterFor(score, false);
    expect([100, 90, 89, 85, 84, 75, 74, 65, 64, 50, 49, 35, 34, 0].map(at)).toEqual(['A', 'A', 'A-', 'A-', 'B', 'B', 'C', 'C', 'D', 'D', 'E', 'E', 'F', 'F']);
    expect(letterFor(90, true)).toBe('A+');
    expect(letterFor(89, true)).toBe('A-');
  });
});

describe('gradeScan', () => {
  it('no findings: A+ 100, every scanned category at 100', () => {
    const result = gradeScan([], { categoriesScanned: ALL });
    expect(result.overall).toEqual({ grade: 'A+', score: 100 });
    expect(result.caps).toEqual([]);
    expect(result.categories.tls).toEqual({ score: 100, grade: 'A+', findings: { high: 0, medium: 0, low: 0, info: 0 } });
    expect(Object.keys(result.categories)).toEqual([...ALL]);
  });

  it('only info findings: A+ 100 (info deducts nothing)', () => {
    const result = gradeScan([f(HEADER_FINDINGS.referrerMissing), f(CSP_FINDINGS.noTrustedTypes), f(TRANSPORT_FINDINGS.hstsOverHttp)], { categoriesScanned: ALL });
    expect(result.overall).toEqual({ grade: 'A+', score: 100 });
    expect(result.categories.headers).toEqual({ score: 100, grade: 'A+', findings: { high: 0, medium: 0, low: 0, info: 1 } });
  });

  it('low findings only keep A+: three lows in headers → 85 there, 98.5 → 99 overall', () => {
    const lows = [f(HEADER_FINDINGS.nosniffMissing), f(HEADER_FINDINGS.stackHeader), f(HEADER_FINDINGS.openerUnsafeNone)];
    const result = gradeScan(lows, { categoriesScanned: ALL });
    expect(result.categories.headers).toEqual({ score: 85, grade: 'A-', findings: { high: 0, medium: 0, low: 3, info: 0 } });
    expect(result.overall).toEqual({ grade: 'A+', score: 99 });
  });

  it("one medium CSP finding: CSP 85 (A-), overall 100 − 15 × 15% = 97.75 → 98, A (not A+)", () => {
    const result = gradeScan([f(CSP_FINDINGS.unsafeEval)], { categoriesScanned: ALL });
    expect(result.categories.csp).toEqual({ score: 85, grade: 'A-', findings: { high: 0, medium: 1, low: 0, info: 0 } });
    expect(result.overall).toEqual({ grade: 'A', score: 98 });
    expect(result.caps).toEqual([]);
  });

  it('a cap lowers the grade and is listed with its reason: missing HSTS → 96 but A-', () => {
    const result = gradeScan([f(TRANSPORT_FINDINGS.hstsMissing)], { categoriesScanned: ALL });
    expect(result.categories.transport?.score).toBe(70);
    expect(result.overall).toEqual({ grade: 'A-', score: 96 });
    expect(result.caps).toEqual([
      { id: 'AEGIS-SCAN-TRANSPORT-001', grade: 'A-', reason: 'no HSTS policy in force: a first visit or a typed URL can be downgraded' },
    ]);
  });

  it('the worst cap wins and caps are listed worst first; a repeated finding is capped once', () => {
    const findings = [f(TRANSPORT_FINDINGS.hstsMissing), f(TRANSPORT_FINDINGS.downgrade), f(TRANSPORT_FINDINGS.downgrade)];
    const result = gradeScan(findings, { categoriesScanned: ALL });
    expect(result.categories.transport?.score).toBe(10);
    expect(result.overall).toEqual({ grade: 'C', score: 87 });
    expect(result.caps).toEqual([
      { id: 'AEGIS-SCAN-TRANSPORT-013', grade: 'C', reason: 'a redirect sends visitors from HTTPS back to cleartext HTTP' },
      { id: 'AEGIS-SCAN-TRANSPORT-001', grade: 'A-', reason: 'no HSTS policy in force: a first visit or a typed URL can be downgraded' },
    ]);
  });

  it('caps any high TLS finding at B, also ids no TLS rule names', () => {
    const tlsHigh = f(TLS_FINDINGS.sha1Signature);
    const result = gradeScan([tlsHigh], { categoriesScanned: ALL });
    expect(result.overall).toEqual({ grade: 'B', score: 94 });
    expect(result.caps).toEqual([{ id: 'AEGIS-SCAN-TLS-016', grade: 'B', reason: 'a high-severity TLS finding' }]);
  });

  it('caps TLS findings by their rules: untrusted F, broken cipher C, TLS 1.0 and RSA key exchange B', () => {
    const grade = (kind: FindingKind) => gradeScan([f(kind)], { categoriesScanned: ALL }).overall.grade;
    expect([TLS_FINDINGS.untrusted, TLS_FINDINGS.expired, TLS_FINDINGS.nameMismatch, TLS_FINDINGS.sslv3].map(grade)).toEqual(['F', 'F', 'F', 'F']);
    expect([TLS_FINDINGS.insecureSuite, TLS_FINDINGS.brokenCipher].map(grade)).toEqual(['C', 'C']);
    expect([TLS_FINDINGS.tls10, TLS_FINDINGS.tls11, TLS_FINDINGS.noForwardSecrecy, TLS_FINDINGS.weakKey].map(grade)).toEqual(['B', 'B', 'B', 'B']);
    expect([TLS_FINDINGS.noOcspStapling, TLS_FINDINGS.noH2].map(grade)).toEqual(['A+', 'A+']);
  });

  it('leaves unscanned categories out of the mean instead of scoring them 100', () => {
    const medium = [f(CSP_FINDINGS.unsafeEval)];
    const two = gradeScan(medium, { categoriesScanned: ['headers', 'csp'] });
    expect(Object.keys(two.categories)).toEqual(['headers', 'csp']);
    expect(two.categories.tls).toBeUndefined();
    expect(two.overall).toEqual({ grade: 'A', score: 91 }); // (85 × 15 + 100 × 10) / 25
    expect(gradeScan(medium, { categoriesScanned: ['csp'] }).overall).toEqual({ grade: 'A-', score: 85 });
  });

  it('refuses a finding of an unscanned category, an unknown area, and an empty scan', () => {
    expect(() => gradeScan([f(CSP_FINDINGS.unsafeEval)], { categoriesScanned: ['headers'] })).toThrow(
      'finding "AEGIS-SCAN-CSP-013" belongs to "csp", which is not in categoriesScanned',
    );
    const odd: ScanFinding = { id: 'AEGIS-SCAN-DNS-001', severity: 'low', title: 'x', evidence: 'e', fix: 'f' };
    expect(() => gradeScan([odd], { categoriesScanned: ALL })).toThrow('cannot grade finding "AEGIS-SCAN-DNS-001"');
    expect(() => gradeScan([], { categoriesScanned: [] })).toThrow('cannot grade a scan without a scanned category');
  });

  it('F for a site with several highs', () => {
    const findings = [
      f(TRANSPORT_FINDINGS.noRedirect), f(TRANSPORT_FINDINGS.hstsMissing), f(TRANSPORT_FINDINGS.hopFailed),
      f(CSP_FINDINGS.reportOnly), f(CSP_FINDINGS.unsafeInline), f(CSP_FINDINGS.missingObjectSrc), f(CSP_FINDINGS.unsafeEval),
      f(COOKIE_FINDINGS.missingSecureSession), f(COOKIE_FINDINGS.missingHttpOnly), f(COOKIE_FINDINGS.cleartextSession),
      f(HEADER_FINDINGS.frameOptionsMissing), f(HEADER_FINDINGS.versionDisclosed), f(HEADER_FINDINGS.cookieResponseCacheable), f(HEADER_FINDINGS.nosniffMissing),
    ];
    const result = gradeScan(findings, { categoriesScanned: ['transport', 'headers', 'csp', 'cookies'] });
    expect(result.categories).toEqual({
      transport: { score: 25, grade: 'F', findings: { high: 2, medium: 1, low: 0, info: 0 } },
      headers: { score: 50, grade: 'D', findings: { high: 0, medium: 3, low: 1, info: 0 } },
      csp: { score: 0, grade: 'F', findings: { high: 3, medium: 1, low: 0, info: 0 } },
      cookies: { score: 25, grade: 'F', findings: { high: 2, medium: 1, low: 0, info: 0 } },
    });
    // (25 × 15 + 50 × 10 + 0 × 15 + 25 × 10) / 50 = 22.5 → 23
    expect(result.overall).toEqual({ grade: 'F', score: 23 });
    expect(result.caps.map((cap) => [cap.id, cap.grade])).toEqual([
      ['AEGIS-SCAN-COOKIE-012', 'C'],
      ['AEGIS-SCAN-TRANSPORT-010', 'B'],
      ['AEGIS-SCAN-COOKIE-010', 'B'],
      ['AEGIS-SCAN-TRANSPORT-001', 'A-'],
      ['AEGIS-SCAN-CSP-027', 'A-'],
      ['AEGIS-SCAN-CSP-011', 'A-'],
    ]);
  });
});

describe('the caps table', () => {
  it('names only ids that exist in the finding tables (for the tables that exist)', () => {
    for (const cap of GRADE_CAPS) {
      for (const id of cap.ids ?? []) {
        const area = areaOf(id) ?? '';
        const table = TABLES[area];
        if (table === undefined) {
          expect([cap.rule, id, 'names an id of a table that does not exist']).toEqual([cap.rule, id, undefined]);
        } else {
          expect([cap.rule, id, table.some((kind) => kind.id === id)]).toEqual([cap.rule, id, true]);
        }
      }
    }
  });

  it('caps by id only on high findings (except the two TLS rules meant for medium ones), and has unique rule names', () => {
    const all = Object.values(TABLES).flat();
    const mediumOk: Record<string, readonly string[]> = {
      'tls-legacy-protocol': ['AEGIS-SCAN-TLS-002', 'AEGIS-SCAN-TLS-003'],
      'tls-weak-key-exchange': ['AEGIS-SCAN-TLS-009'],
    };
    for (const cap of GRADE_CAPS) {
      for (const id of cap.ids ?? []) {
        const expected = mediumOk[cap.rule]?.includes(id) === true ? 'medium' : 'high';
        expect([id, all.find((kind) => kind.id === id)?.severity]).toEqual([id, expected]);
      }
    }
    const rules = GRADE_CAPS.map((cap) => cap.rule);
    expect(new Set(rules).size).toBe(rules.length);
    expect(CATEGORY_CAPS.map((cap) => cap.highIn)).toEqual(['tls', 'exposures']);
  });

  it('fills every TLS cap with real TLS ids', () => {
    expect(TLS_CAPS.map((cap) => [cap.rule, cap.grade, cap.ids])).toEqual([
      ['tls-untrusted-certificate', 'F', ['AEGIS-SCAN-TLS-011']],
      ['tls-certificate-expired', 'F', ['AEGIS-SCAN-TLS-012']],
      ['tls-certificate-name-mismatch', 'F', ['AEGIS-SCAN-TLS-013']],
      ['tls-ssl-accepted', 'F', ['AEGIS-SCAN-TLS-001']],
      ['tls-broken-cipher', 'C', ['AEGIS-SCAN-TLS-006', 'AEGIS-SCAN-TLS-007']],
      ['tls-legacy-protocol', 'B', ['AEGIS-SCAN-TLS-002', 'AEGIS-SCAN-TLS-003']],
      ['tls-weak-key-exchange', 'B', ['AEGIS-SCAN-TLS-009', 'AEGIS-SCAN-TLS-015']],
    ]);
  });
});
