import { describe, expect, it } from 'vitest';
import { aegis } from '../../src/core/policy.js';
import { compileHsts } from '../../src/headers/hsts.js';
import { Problems } from '../../src/core/config-error.js';
import {
  evaluateHsts,
  evaluateRedirectChain,
  parseHsts,
  preloadEligibility,
  TRANSPORT_FINDING_TABLE,
  type RedirectHop,
} from '../../src/scan/transport/index.js';

// Every assertion lists *all* findings (id and evidence), so nothing extra slips through.

const GOOD = 'max-age=63072000; includeSubDomains; preload';

function hstsFound(values: string[], https = true): Array<[string, string]> {
  return evaluateHsts(values, { https }).map((f) => [f.id, f.evidence]);
}

function chainFound(hops: RedirectHop[]): Array<[string, string]> {
  return evaluateRedirectChain(hops).map((f) => [f.id, f.evidence]);
}

describe('the finding table', () => {
  it('has unique, well-formed ids in order', () => {
    const ids = TRANSPORT_FINDING_TABLE.map((kind) => kind.id);
    expect(new Set(ids).size).toBe(ids.length);
    ids.forEach((id, index) => expect(id).toBe(`AEGIS-SCAN-TRANSPORT-${String(index + 1).padStart(3, '0')}`));
  });
});

describe('parseHsts', () => {
  it("parses Aegis' own production header cleanly", () => {
    const value = aegis({ env: 'production', quiet: true, hosts: ['example.com'] }).describe().headers['strict-transport-security'];
    expect(value).toBe('max-age=63072000; includeSubDomains');
    expect(parseHsts([value ?? ''])).toEqual({ value, valid: true, maxAge: 63_072_000, includeSubDomains: true, preload: false, problems: [] });
    expect(hstsFound([value ?? ''])).toEqual([]);
  });

  it('parses what the Aegis renderer makes with preload', () => {
    const value = compileHsts({ maxAge: '1y', preload: true }, new Problems(), 'headers.strictTransportSecurity') ?? '';
    expect(value).toBe('max-age=31536000; includeSubDomains; preload');
    expect(parseHsts([value])).toMatchObject({ valid: true, maxAge: 31_536_000, includeSubDomains: true, preload: true, problems: [] });
  });

  it('reads names case-insensitively, quoted values, spaces and empty directives', () => {
    expect(parseHsts([' MAX-AGE = "31536000" ;; IncludeSubdomains ;PRELOAD; '])).toMatchObject({ valid: true, maxAge: 31_536_000, includeSubDomains: true, preload: true, problems: [] });
  });

  it('ignores unknown directives but notes them', () => {
    const parsed = parseHsts(['max-age=31536000; foo="a;b"; includeSubDomains']);
    expect(parsed).toMatchObject({ valid: true, maxAge: 31_536_000, includeSubDomains: true });
    expect(parsed.problems).toEqual([{ code: 'unknown-directive', fatal: false, message: 'foo="a;b": unknown directive, ignored' }]);
  });

  it('processes only the first of several fields', () => {
    const parsed = parseHsts(['max-age=300', GOOD]);
    expect(parsed).toMatchObject({ valid: true, maxAge: 300, includeSubDomains: false, preload: false });
    expect(parsed.problems).toEqual([{ code: 'several-fields', fatal: false, message: '2 header fields; only the first is processed' }]);
  });

  it.each([
    ['', 'missing-max-age', 'no max-age directive'],
    ['includeSubDomains', 'missing-max-age', 'no max-age directive'],
    ['max-age=', 'syntax', 'max-age= has no value'],
    ['max-age=-1', 'bad-max-age', 'max-age=-1: max-age takes digits only'],
    ['max-age=1.5', 'bad-max-age', 'max-age=1.5: max-age takes digits only'],
    ['max-age="abc"', 'bad-max-age', 'max-age="abc": max-age takes digits only'],
    ['max-age', 'bad-max-age', 'max-age: max-age takes digits only'],
    ['max-age=1; Max-Age=2', 'duplicate', 'Max-Age appears more than once'],
    ['max-age=1; preload; preload', 'duplicate', 'preload appears more than once'],
    ['max-age=1; includeSubDomains=yes', 'valued-flag', 'includeSubDomains=yes: includeSubDomains takes no value'],
    ['max-age=1, max-age=2', 'syntax', 'unexpected "," at position 9 (several header fields joined with a comma?)'],
    ['max-age="1', 'syntax', 'unterminated quoted-string after max-age='],
    ['max-age=1 2', 'syntax', 'unexpected "2" at position 10'],
  ])('rejects %j (%s)', (value, code, message) => {
    const parsed = parseHsts([value]);
    expect(parsed).toMatchObject({ valid: false, maxAge: undefined, includeSubDomains: false, preload: false });
    expect(parsed.problems).toContainEqual({ code, fatal: true, message });
  });

  it('is invalid with no field at all', () => {
    expect(parseHsts([])).toEqual({ value: '', valid: false, maxAge: undefined, includeSubDomains: false, preload: false, problems: [] });
  });
});

describe('evaluateHsts', () => {
  it('finds nothing in a good header', () => {
    expect(hstsFound([GOOD])).toEqual([]);
  });

  it('001: missing on HTTPS', () => {
    expect(hstsFound([])).toEqual([['AEGIS-SCAN-TRANSPORT-001', 'no Strict-Transport-Security header']]);
    expect(evaluateHsts([], { https: true })[0]).toMatchObject({ severity: 'high', fix: expect.stringContaining('headers.strictTransportSecurity') });
  });

  it('002: sent over plain HTTP is only information; nothing over HTTP is fine', () => {
    expect(hstsFound(['max-age=0'], false)).toEqual([['AEGIS-SCAN-TRANSPORT-002', 'Strict-Transport-Security: max-age=0 (over http://)']]);
    expect(hstsFound([], false)).toEqual([]);
  });

  it('003: invalid', () => {
    expect(hstsFound(['max-age=1; max-age=1'])).toEqual([['AEGIS-SCAN-TRANSPORT-003', 'max-age appears more than once']]);
    expect(hstsFound(['includeSubDomains; preload'])).toEqual([['AEGIS-SCAN-TRANSPORT-003', 'no max-age directive']]);
  });

  it('004: several fields', () => {
    expect(hstsFound([GOOD, 'max-age=0'])).toEqual([['AEGIS-SCAN-TRANSPORT-004', '2 header fields; only the first is processed']]);
  });

  it('005: max-age=0 deletes the policy (and nothing else is said)', () => {
    expect(hstsFound(['max-age=0; includeSubDomains'])).toEqual([['AEGIS-SCAN-TRANSPORT-005', 'Strict-Transport-Security: max-age=0; includeSubDomains']]);
    expect(evaluateHsts(['max-age=0'], { https: true })[0]?.severity).toBe('high');
  });

  it('006: max-age under one year, including six months', () => {
    expect(hstsFound(['max-age=15768000; includeSubDomains'])).toEqual([['AEGIS-SCAN-TRANSPORT-006', 'max-age=15768000']]);
    expect(hstsFound(['max-age=31535999; includeSubDomains'])).toEqual([['AEGIS-SCAN-TRANSPORT-006', 'max-age=31535999']]);
    expect(hstsFound(['max-age=31536000; includeSubDomains'])).toEqual([]);
  });

  it('007: no includeSubDomains', () => {
    expect(hstsFound(['max-age=31536000'])).toEqual([['AEGIS-SCAN-TRANSPORT-007', 'Strict-Transport-Security: max-age=31536000']]);
  });

  it('008: preload on a header that does not qualify', () => {
    expect(hstsFound(['max-age=86400; includeSubDomains; preload'])).toEqual([
      ['AEGIS-SCAN-TRANSPORT-006', 'max-age=86400'],
      ['AEGIS-SCAN-TRANSPORT-008', 'preload with max-age=86400 (needs >= 31536000)'],
    ]);
    expect(hstsFound(['max-age=31536000; preload'])).toEqual([
      ['AEGIS-SCAN-TRANSPORT-007', 'Strict-Transport-Security: max-age=31536000; preload'],
      ['AEGIS-SCAN-TRANSPORT-008', 'preload with no includeSubDomains'],
    ]);
  });

  it('009: ignored directives', () => {
    expect(hstsFound(['max-age=31536000; includeSubDomains; preload=1; report-uri="/r"'])).toEqual([
      ['AEGIS-SCAN-TRANSPORT-009', 'preload=1: preload takes no value, so it does not count'],
      ['AEGIS-SCAN-TRANSPORT-009', 'report-uri="/r": unknown directive, ignored'],
    ]);
  });
});

const HTTP = 'http://example.com/';
const HTTPS = 'https://example.com/';
const GOOD_CHAIN: RedirectHop[] = [
  { url: HTTP, status: 301, location: HTTPS },
  { url: HTTPS, status: 200, hsts: [GOOD] },
];

describe('evaluateRedirectChain', () => {
  it('finds nothing above info in a good chain, which is preload-eligible', () => {
    expect(chainFound(GOOD_CHAIN)).toEqual([]);
    expect(preloadEligibility(GOOD_CHAIN)).toEqual({ eligible: true, reasons: [] });
  });

  it('resolves a relative Location', () => {
    expect(chainFound([{ url: HTTP, status: 308, location: '//example.com/' }, { url: HTTP, status: 308, location: HTTPS }])).toEqual([
      ['AEGIS-SCAN-TRANSPORT-011', 'http://example.com/ 308 → http://example.com/'],
      ['AEGIS-SCAN-TRANSPORT-014', 'http://example.com/ requested twice: http://example.com/ → http://example.com/'],
    ]);
  });

  it('010: http:// answers without a redirect', () => {
    expect(chainFound([{ url: HTTP, status: 200 }])).toEqual([['AEGIS-SCAN-TRANSPORT-010', 'http://example.com/ answered 200 without a redirect']]);
    expect(chainFound([{ url: HTTP, status: 302 }])).toEqual([['AEGIS-SCAN-TRANSPORT-010', 'http://example.com/ answered 302 without a redirect']]);
    expect(evaluateRedirectChain([{ url: HTTP, status: 200 }])[0]).toMatchObject({ severity: 'high', fix: expect.stringContaining('httpsRedirect') });
  });

  it('010: redirects that never reach https:// serve the site in clear', () => {
    expect(chainFound([
      { url: HTTP, status: 301, location: 'http://www.example.com/' },
      { url: 'http://www.example.com/', status: 200 },
    ])).toEqual([
      ['AEGIS-SCAN-TRANSPORT-011', 'http://example.com/ 301 → http://www.example.com/'],
      ['AEGIS-SCAN-TRANSPORT-016', 'http://example.com/ → http://www.example.com/'],
      ['AEGIS-SCAN-TRANSPORT-010', 'http://example.com/ → http://www.example.com/ answered 200 over http://'],
    ]);
  });

  it('011: the first redirect stays on http://', () => {
    expect(chainFound([
      { url: HTTP, status: 301, location: 'http://www.example.com/' },
      { url: 'http://www.example.com/', status: 301, location: 'https://www.example.com/' },
      { url: 'https://www.example.com/', status: 200, hsts: [GOOD] },
    ])).toEqual([
      ['AEGIS-SCAN-TRANSPORT-011', 'http://example.com/ 301 → http://www.example.com/'],
      ['AEGIS-SCAN-TRANSPORT-012', 'http://example.com/ → https://www.example.com/ (first https:// hop)'],
      ['AEGIS-SCAN-TRANSPORT-016', 'http://example.com/ → https://www.example.com/'],
    ]);
  });

  it('012 and 016: straight to https:// on another host', () => {
    const hops: RedirectHop[] = [
      { url: HTTP, status: 301, location: 'https://www.example.com/' },
      { url: 'https://www.example.com/', status: 200, hsts: [GOOD] },
    ];
    expect(chainFound(hops)).toEqual([
      ['AEGIS-SCAN-TRANSPORT-012', 'http://example.com/ → https://www.example.com/ (first https:// hop)'],
      ['AEGIS-SCAN-TRANSPORT-016', 'http://example.com/ → https://www.example.com/'],
    ]);
    expect(evaluateRedirectChain(hops).map((f) => f.severity)).toEqual(['low', 'info']);
  });

  it('treats host case, a trailing dot and ports as the same host', () => {
    expect(chainFound([
      { url: 'http://Example.COM./', status: 301, location: 'https://example.com:8443/' },
      { url: 'https://example.com:8443/', status: 200, hsts: [GOOD] },
    ])).toEqual([]);
  });

  it('013: a later hop downgrades to http://', () => {
    expect(chainFound([
      { url: HTTP, status: 301, location: HTTPS },
      { url: HTTPS, status: 302, location: 'http://example.com/login', hsts: [GOOD] },
      { url: 'http://example.com/login', status: 200 },
    ])).toEqual([['AEGIS-SCAN-TRANSPORT-013', 'https://example.com/ 302 → http://example.com/login']]);
  });

  it('014: a loop', () => {
    expect(chainFound([
      { url: HTTP, status: 301, location: HTTPS },
      { url: HTTPS, status: 301, location: 'https://example.com/a', hsts: [GOOD] },
      { url: 'https://example.com/a', status: 301, location: HTTPS, hsts: [GOOD] },
      { url: HTTPS, status: 301, location: 'https://example.com/a', hsts: [GOOD] },
    ])).toEqual([['AEGIS-SCAN-TRANSPORT-014', 'https://example.com/ requested twice: http://example.com/ → https://example.com/ → https://example.com/a → https://example.com/']]);
  });

  it('015: more than 5 redirects (5 is fine)', () => {
    const chain = (redirects: number): RedirectHop[] => {
      const hops: RedirectHop[] = [{ url: HTTP, status: 301, location: 'https://example.com/1' }];
      for (let step = 1; step < redirects; step++) hops.push({ url: `https://example.com/${step}`, status: 301, location: `https://example.com/${step + 1}`, hsts: [GOOD] });
      hops.push({ url: `https://example.com/${redirects}`, status: 200, hsts: [GOOD] });
      return hops;
    };
    expect(chainFound(chain(6))).toEqual([['AEGIS-SCAN-TRANSPORT-015', '6 redirects']]);
    expect(chainFound(chain(5))).toEqual([]);
  });

  it('017: http:// does not answer', () => {
    expect(chainFound([{ url: HTTP, error: 'ECONNREFUSED' }])).toEqual([['AEGIS-SCAN-TRANSPORT-017', 'http://example.com/: ECONNREFUSED']]);
  });

  it('018: the redirect target does not answer', () => {
    expect(chainFound([{ url: HTTP, status: 301, location: HTTPS }, { url: HTTPS, error: 'CERT_HAS_EXPIRED' }])).toEqual([['AEGIS-SCAN-TRANSPORT-018', 'https://example.com/: CERT_HAS_EXPIRED']]);
  });

  it('001: no HSTS on the final HTTPS answer', () => {
    expect(chainFound([{ url: HTTP, status: 301, location: HTTPS }, { url: HTTPS, status: 200 }])).toEqual([['AEGIS-SCAN-TRANSPORT-001', 'https://example.com/ answered 200 without Strict-Transport-Security']]);
    expect(chainFound([{ url: HTTP, status: 301, location: HTTPS }, { url: HTTPS, status: 200, hsts: [] }])).toEqual([['AEGIS-SCAN-TRANSPORT-001', 'https://example.com/ answered 200 without Strict-Transport-Security']]);
  });

  it('finds nothing in an empty chain', () => {
    expect(chainFound([])).toEqual([]);
  });
});

describe('preloadEligibility', () => {
  it.each<[string, RedirectHop[], string[]]>([
    ['nothing observed', [], ['no answer observed']],
    ['http:// down', [{ url: HTTP, error: 'ETIMEDOUT' }], ['http://example.com/ did not answer (ETIMEDOUT), so the https:// answer was not observed']],
    ['no redirect', [{ url: HTTP, status: 200 }], ['http://example.com/ answered 200 instead of redirecting to https://example.com/']],
    ['first redirect to another host', [{ url: HTTP, status: 301, location: 'https://www.example.com/' }, { url: 'https://www.example.com/', status: 200, hsts: [GOOD] }], ['the first redirect goes to https://www.example.com/, not to https:// on example.com']],
    ['first redirect to http://', [{ url: HTTP, status: 301, location: 'http://example.com/x' }], ['the first redirect goes to http://example.com/x, not to https:// on example.com']],
    ['target not observed', [{ url: HTTP, status: 301, location: HTTPS }], ['the answer of https://example.com/ was not observed']],
    ['target down', [{ url: HTTP, status: 301, location: HTTPS }, { url: HTTPS, error: 'EPROTO' }], ['https://example.com/ did not answer: EPROTO']],
    ['no HSTS on the target', [{ url: HTTP, status: 301, location: HTTPS }, { url: HTTPS, status: 200 }], ['https://example.com/ sends no Strict-Transport-Security']],
    ['HSTS only on the page after the target', [
      { url: HTTP, status: 301, location: HTTPS },
      { url: HTTPS, status: 301, location: 'https://example.com/home' },
      { url: 'https://example.com/home', status: 200, hsts: [GOOD] },
    ], ['https://example.com/ sends no Strict-Transport-Security']],
    ['invalid HSTS', [{ url: HTTP, status: 301, location: HTTPS }, { url: HTTPS, status: 200, hsts: ['max-age=1; max-age=1'] }], ['https://example.com/ sends an invalid or missing header']],
    ['weak HSTS', [{ url: HTTP, status: 301, location: HTTPS }, { url: HTTPS, status: 200, hsts: ['max-age=15768000'] }], [
      'https://example.com/ sends max-age=15768000 (needs >= 31536000)',
      'https://example.com/ sends no includeSubDomains',
      'https://example.com/ sends no preload directive',
    ]],
  ])('is not eligible: %s', (_, hops, reasons) => {
    expect(preloadEligibility(hops)).toEqual({ eligible: false, reasons });
  });

  it("is not eligible with Aegis' production default (no preload), and is with preload: true", () => {
    const plain = aegis({ env: 'production', quiet: true, hosts: ['example.com'] }).describe().headers['strict-transport-security'] ?? '';
    const chain = (value: string): RedirectHop[] => [{ url: HTTP, status: 308, location: HTTPS }, { url: HTTPS, status: 200, hsts: [value] }];
    expect(preloadEligibility(chain(plain))).toEqual({ eligible: false, reasons: ['https://example.com/ sends no preload directive'] });
    const preloaded = aegis({ env: 'production', quiet: true, hosts: ['example.com'], headers: { strictTransportSecurity: { preload: true } } }).describe().headers['strict-transport-security'] ?? '';
    expect(preloadEligibility(chain(preloaded))).toEqual({ eligible: true, reasons: [] });
  });
});
