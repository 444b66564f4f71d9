import { describe, expect, it } from 'vitest';
import { formatScanText } from '../../src/scan/report/text.js';
import type { ScanReport, ScanResult } from '../../src/scan/result.js';
import { HTTP_ONLY_REPORT, MULTI_TARGET_REPORT, SCANNED_RESULT, UNREACHABLE_REPORT } from '../helpers/scan-reports.js';

const E = '\u001b[';
const ANSI = /\p{Cc}\[[0-9;]*m/gu; // ESC [ … m

/** A small report whose whole text output is asserted: findings given out of order, a wrapped cap, drift, an unreachable target. */
const SMALL: ScanReport = {
  schemaVersion: '1.0',
  tool: { name: 'aegis', version: '0.1.0' },
  results: [
    {
      target: 'https://example.test/',
      outcome: 'scanned',
      startedAt: '2025-01-01T00:00:00.000Z',
      durationMs: 1234,
      categoriesScanned: ['transport', 'headers', 'csp'],
      grade: {
        overall: { grade: 'A-', score: 88 },
        categories: {
          transport: { score: 70, grade: 'C', findings: { high: 1, medium: 0, low: 0, info: 0 } },
          headers: { score: 95, grade: 'A+', findings: { high: 0, medium: 0, low: 1, info: 1 } },
          csp: { score: 100, grade: 'A+', findings: { high: 0, medium: 0, low: 0, info: 0 } },
        },
        caps: [{ id: 'AEGIS-SCAN-TRANSPORT-001', grade: 'A-', reason: 'no HSTS policy in force: a first visit or a typed URL can be downgraded' }],
      },
      findings: [
        { id: 'AEGIS-SCAN-HDR-011', severity: 'info', title: 'no Referrer-Policy (browser default applies)', category: 'headers', evidence: 'no Referrer-Policy', fix: 'send Referrer-Policy: no-referrer (headers.referrerPolicy).' },
        { id: 'AEGIS-SCAN-HDR-001', severity: 'low', title: 'no X-Content-Type-Options', category: 'headers', evidence: 'no X-Content-Type-Options', fix: 'send X-Content-Type-Options: nosniff.' },
        {
          id: 'AEGIS-SCAN-TRANSPORT-001',
          severity: 'high',
          title: 'no Strict-Transport-Security on an HTTPS answer',
          category: 'transport',
          evidence: 'https://example.test/ answered 200 without Strict-Transport-Security',
          fix: 'send it: remove headers.strictTransportSecurity: false (the production default is max-age=63072000; includeSubDomains).',
        },
      ],
      redirects: [],
      drift: [{ header: 'x-frame-options', kind: 'different', expected: 'DENY', served: 'SAMEORIGIN', detail: 'served SAMEORIGIN, expected DENY' }],
      errors: ['CORS preflight: socket hang up'],
    },
    {
      target: 'https://down.test/',
      outcome: 'unreachable',
      error: 'connect ECONNREFUSED 127.0.0.1:443',
      startedAt: '2025-01-01T00:00:01.000Z',
      durationMs: 12,
      categoriesScanned: [],
      findings: [],
      redirects: [],
      errors: ['connect ECONNREFUSED 127.0.0.1:443'],
    },
  ],
};

function report(...results: ScanResult[]): ScanReport {
  return { schemaVersion: '1.0', tool: { name: 'aegis', version: '0.1.0' }, results };
}

describe('formatScanText', () => {
  it('prints the small report exactly, without colour', () => {
    expect(formatScanText(SMALL, { color: false }).split('\n')).toEqual([
      `https://example.test/  A-  88/100  1.2 s`,
      ``,
      `  category   score  grade  high  medium  low`,
      `  transport     70  C         1       0    0`,
      `  headers       95  A+        0       0    1`,
      `  csp          100  A+        0       0    0`,
      `  not scanned: tls, cookies, cors, content, exposures`,
      ``,
      `  caps`,
      `    A-  AEGIS-SCAN-TRANSPORT-001  no HSTS policy in force: a first visit or a typed URL can be`,
      `                                  downgraded`,
      ``,
      `  transport`,
      `    HIGH    AEGIS-SCAN-TRANSPORT-001  no Strict-Transport-Security on an HTTPS answer`,
      `            evidence: https://example.test/ answered 200 without Strict-Transport-Security`,
      `            fix:      send it: remove headers.strictTransportSecurity: false (the production default`,
      `                      is max-age=63072000; includeSubDomains).`,
      ``,
      `  headers`,
      `    LOW     AEGIS-SCAN-HDR-001  no X-Content-Type-Options`,
      `            evidence: no X-Content-Type-Options`,
      `            fix:      send X-Content-Type-Options: nosniff.`,
      `    INFO    AEGIS-SCAN-HDR-011  no Referrer-Policy (browser default applies)`,
      `            evidence: no Referrer-Policy`,
      `            fix:      send Referrer-Policy: no-referrer (headers.referrerPolicy).`,
      ``,
      `  drift from the expected policy (1)`,
      `    different   x-frame-options`,
      `                served SAMEORIGIN, expected DENY`,
      `                expected: DENY`,
      `                served:   SAMEORIGIN`,
      ``,
      `  probe errors (1)`,
      `    CORS preflight: socket hang up`,
      ``,
      `https://down.test/  unreachable  12 ms`,
      `  error: connect ECONNREFUSED 127.0.0.1:443`,
      '',
    ]);
  });

  it('prints the small report exactly, with colour (severity, grade, headings; padding outside the colour)', () => {
    expect(formatScanText(SMALL, { color: true }).split('\n')).toEqual([
      `${E}1mhttps://example.test/${E}0m  ${E}1mA-${E}0m  88/100  1.2 s`,
      ``,
      `${E}2m  category   score  grade  high  medium  low${E}0m`,
      `  transport     70  ${E}33mC${E}0m         ${E}31m1${E}0m       0    0`,
      `  headers       95  ${E}1mA+${E}0m        0       0    ${E}36m1${E}0m`,
      `  csp          100  ${E}1mA+${E}0m        0       0    0`,
      `  ${E}2mnot scanned:${E}0m tls, cookies, cors, content, exposures`,
      ``,
      `  ${E}1mcaps${E}0m`,
      `    ${E}1mA-${E}0m  ${E}1mAEGIS-SCAN-TRANSPORT-001${E}0m  no HSTS policy in force: a first visit or a typed URL can be`,
      `                                  downgraded`,
      ``,
      `  ${E}1mtransport${E}0m`,
      `    ${E}31mHIGH${E}0m    ${E}1mAEGIS-SCAN-TRANSPORT-001${E}0m  no Strict-Transport-Security on an HTTPS answer`,
      `            ${E}2mevidence:${E}0m https://example.test/ answered 200 without Strict-Transport-Security`,
      `            ${E}2mfix:${E}0m      send it: remove headers.strictTransportSecurity: false (the production default`,
      `                      is max-age=63072000; includeSubDomains).`,
      ``,
      `  ${E}1mheaders${E}0m`,
      `    ${E}36mLOW${E}0m     ${E}1mAEGIS-SCAN-HDR-001${E}0m  no X-Content-Type-Options`,
      `            ${E}2mevidence:${E}0m no X-Content-Type-Options`,
      `            ${E}2mfix:${E}0m      send X-Content-Type-Options: nosniff.`,
      `    ${E}2mINFO${E}0m    ${E}1mAEGIS-SCAN-HDR-011${E}0m  no Referrer-Policy (browser default applies)`,
      `            ${E}2mevidence:${E}0m no Referrer-Policy`,
      `            ${E}2mfix:${E}0m      send Referrer-Policy: no-referrer (headers.referrerPolicy).`,
      ``,
      `  ${E}1mdrift from the expected policy${E}0m (1)`,
      `    ${E}33mdifferent${E}0m   ${E}1mx-frame-options${E}0m`,
      `                served SAMEORIGIN, expected DENY`,
      `                ${E}2mexpected:${E}0m DENY`,
      `                ${E}2mserved:${E}0m   SAMEORIGIN`,
      ``,
      `  ${E}1mprobe errors${E}0m (1)`,
      `    CORS preflight: socket hang up`,
      ``,
      `${E}1mhttps://down.test/${E}0m  ${E}31munreachable${E}0m  12 ms`,
      `  ${E}2merror:${E}0m connect ECONNREFUSED 127.0.0.1:443`,
      '',
    ]);
  });

  it('colour changes no character but the escapes', () => {
    expect(formatScanText(MULTI_TARGET_REPORT, { color: true }).replace(ANSI, '')).toBe(formatScanText(MULTI_TARGET_REPORT, { color: false }));
  });

  it('writes no escape sequence without colour', () => {
    expect(formatScanText(MULTI_TARGET_REPORT, { color: false })).not.toContain('\u001b');
  });

  it('fits every line of the shared fixtures in 100 columns, and in a narrower width when asked', () => {
    for (const [width, options] of [[100, { color: true }], [72, { color: false, width: 72 }]] as const) {
      const lines = formatScanText(MULTI_TARGET_REPORT, options).replace(ANSI, '').split('\n');
      expect(lines.filter((line) => line.length > width)).toEqual([]);
    }
  });

  it('wraps long evidence under itself and cuts a word longer than the line', () => {
    const long = 'x'.repeat(150);
    const text = formatScanText(report({ ...SCANNED_RESULT, drift: undefined, errors: [], findings: [{ ...SCANNED_RESULT.findings[0], evidence: long } as ScanResult['findings'][number]] }), { color: false });
    expect(text).toContain(`            evidence: ${'x'.repeat(78)}\n                      ${'x'.repeat(72)}\n            fix:      `);
  });

  it('groups findings by category in report order, worst first, whatever order they come in (stable among equals)', () => {
    const shuffled = [...SCANNED_RESULT.findings].reverse();
    const text = formatScanText(report({ ...SCANNED_RESULT, findings: shuffled }), { color: false });
    const ids = [...text.matchAll(/^ {4}(?:HIGH|MEDIUM|LOW|INFO) +(AEGIS-SCAN-[A-Z]+-\d{3})/gm)].map((match) => match[1]);
    expect(ids).toEqual([
      'AEGIS-SCAN-TLS-014', // two mediums: their given (here reversed) order is kept
      'AEGIS-SCAN-TLS-003',
      'AEGIS-SCAN-TLS-008',
      'AEGIS-SCAN-TLS-017',
      'AEGIS-SCAN-TRANSPORT-006',
      'AEGIS-SCAN-HDR-031',
      'AEGIS-SCAN-HDR-001',
      'AEGIS-SCAN-CSP-011',
      'AEGIS-SCAN-CSP-024',
      'AEGIS-SCAN-COOKIE-014',
      'AEGIS-SCAN-CONTENT-003',
      'AEGIS-SCAN-EXPOSE-010',
    ]);
  });

  it('shows what a site sent with its control characters escaped, never as terminal input', () => {
    const hostile = { ...SCANNED_RESULT.findings[0], evidence: 'Server: x\u001b[2J\u001b]0;pwned\u0007\r\nX-Injected: 1 \u202egnp.exe' } as ScanResult['findings'][number];
    const text = formatScanText(report({ ...SCANNED_RESULT, target: 'https://shop.example.com/\u001b[31m', findings: [hostile] }), { color: false });
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u202e');
    expect(text).toContain('evidence: Server: x\\x1b[2J\\x1b]0;pwned\\x07\\x0d\\x0aX-Injected: 1 \\u202egnp.exe\n');
    expect(text.split('\n')[0]).toBe('https://shop.example.com/\\x1b[31m  B  79/100  4.2 s');
  });

  it('puts the TLS versions and groups on one line under the header: unknown versions, TLS 1.2 curves, an incomplete list wrapped', () => {
    const tls = SCANNED_RESULT.tls;
    if (tls === undefined) throw new Error('the scanned fixture has a TLS block');
    // Without the redirect chain, whose line would come next.
    const header = (result: ScanResult, width?: number): string[] => formatScanText(report({ ...result, redirects: [] }), { color: false, ...(width === undefined ? {} : { width }) }).split('\n').slice(1, 3);
    const versions = { ...tls.versions, 'TLSv1.1': { accepted: false }, 'TLSv1.0': { accepted: false, error: 'no answer within 800 ms' }, 'TLSv1.3': { accepted: false } };
    expect(header({ ...SCANNED_RESULT, tls: { ...tls, versions, groups: { version: 'TLSv1.2', accepted: ['secp256r1', 'secp521r1'], complete: true } } })).toEqual([
      '  TLS: versions TLSv1.2 (unknown: TLSv1.0); groups secp256r1, secp521r1 (TLSv1.2 curves)',
      '',
    ]);
    const cut = { ...tls, groups: { version: 'TLSv1.3' as const, accepted: ['x25519'], complete: false, error: 'secp256r1: no answer within 800 ms' } };
    expect(header({ ...SCANNED_RESULT, tls: cut }, 72)).toEqual([
      '  TLS: versions TLSv1.1, TLSv1.2, TLSv1.3; groups x25519 (TLSv1.3;',
      '       incomplete: secp256r1: no answer within 800 ms)',
    ]);
    const noGroups = { ...tls, versions: { ...tls.versions, 'TLSv1.1': { accepted: false }, 'TLSv1.2': { accepted: false }, 'TLSv1.3': { accepted: false } }, groups: { version: 'TLSv1.2' as const, accepted: [], complete: true } };
    expect(header({ ...SCANNED_RESULT, tls: noGroups })[0]).toBe('  TLS: versions none; groups none (TLSv1.2 curves)');
    const { groups: _dropped, ...older } = tls;
    expect(header({ ...SCANNED_RESULT, tls: older })[0]).toBe('  TLS: versions TLSv1.1, TLSv1.2, TLSv1.3');
    expect(formatScanText(HTTP_ONLY_REPORT, { color: false })).not.toContain('TLS:');
  });

  it('puts the redirect chain from http:// and the preload verdict on one line under the TLS line', () => {
    const line = (result: ScanResult): string[] => {
      const all = formatScanText(report(result), { color: false }).split('\n');
      const at = all.findIndex((text) => text.startsWith('  redirects:'));
      return all.slice(at, at + 3);
    };
    const eligible = { ...SCANNED_RESULT, hstsPreload: { eligible: true, reasons: [] } };
    expect(line(eligible).slice(0, 2)).toEqual(['  redirects: http://shop.example.com/ 301 → https://shop.example.com/ 200; HSTS preload: eligible', '']);
    expect(line(SCANNED_RESULT)).toEqual([
      '  redirects: http://shop.example.com/ 301 → https://shop.example.com/ 200; HSTS preload: not',
      '             eligible: https://shop.example.com/ sends max-age=15552000 (needs >= 31536000) (+1',
      '             more)',
    ]);
    const failed = { ...SCANNED_RESULT, redirects: [{ url: 'http://shop.example.com/', error: 'connect ECONNREFUSED 10.0.0.1:80' }], hstsPreload: { eligible: false, reasons: ['http://shop.example.com/ did not answer'] } };
    expect(line(failed).slice(0, 2)).toEqual([
      '  redirects: http://shop.example.com/ no answer (connect ECONNREFUSED 10.0.0.1:80); HSTS preload:',
      '             not eligible: http://shop.example.com/ did not answer',
    ]);
  });

  it('marks categories that were not scanned, and prints a target without findings or drift', () => {
    expect(formatScanText(HTTP_ONLY_REPORT, { color: false })).toContain('  exposures    100  A+        0       0    0\n  not scanned: tls\n');
    const { hstsPreload: _preload, ...noPreload } = SCANNED_RESULT;
    const clean = formatScanText(report({ ...noPreload, redirects: [], findings: [], drift: [], errors: [], grade: { overall: { grade: 'A+', score: 100 }, categories: {}, caps: [] } }), { color: false });
    expect(clean).toBe(
      [
        'https://shop.example.com/  A+  100/100  4.2 s',
        '  TLS: versions TLSv1.1, TLSv1.2, TLSv1.3; groups x25519, secp256r1, secp384r1 (TLSv1.3)',
        '',
        '  category   score  grade  high  medium  low',
        '',
        '  no findings',
        '',
        '  drift from the expected policy: none',
        '',
      ].join('\n'),
    );
  });

  it('prints an unreachable target with its error once, and other probe errors after it', () => {
    expect(formatScanText(UNREACHABLE_REPORT, { color: false })).toBe('https://gone.example.org/  unreachable  38 ms\n  error: getaddrinfo ENOTFOUND gone.example.org\n');
    const more = report({ ...UNREACHABLE_REPORT.results[0], errors: ['getaddrinfo ENOTFOUND gone.example.org', 'tls: refused'] } as ScanResult);
    expect(formatScanText(more, { color: false })).toBe('https://gone.example.org/  unreachable  38 ms\n  error: getaddrinfo ENOTFOUND gone.example.org\n\n  probe errors (1)\n    tls: refused\n');
  });

  it('says so when there is no target', () => {
    expect(formatScanText(report(), { color: false })).toBe('no targets\n');
  });
});
