import { describe, expect, it } from 'vitest';
import {
  COOKIE_FINDING_TABLE,
  describeCookie,
  domainScope,
  evaluateCookies,
  isSessionLikeName,
  parseCookieDate,
  parseSetCookie,
  type CookieContext,
} from '../../src/scan/cookies/index.js';

// The Set-Cookie parser (RFC 6265bis 5.6) and the cookie evaluator. Every assertion lists *all*
// findings (id and evidence), so nothing extra slips through. VALUE stands for a session token:
// it must never appear in a finding.

const VALUE = 'S3ss10nT0k3n-9f8e7d6c';
const NOW = new Date('2026-01-01T00:00:00Z');
const HTTPS: CookieContext = { url: new URL('https://app.example.com/account/settings'), https: true, now: NOW };
const HTTP: CookieContext = { url: new URL('http://app.example.com/'), https: false, now: NOW };

/** Every input the evaluator sees in this file, for the leak check at the end. */
const inputs: Array<[string[], CookieContext]> = [];

function found(lines: string | string[], context: CookieContext = HTTPS): Array<[string, string]> {
  const list = typeof lines === 'string' ? [lines] : lines;
  inputs.push([list, context]);
  return evaluateCookies(list, context).map((f) => [f.id, f.evidence]);
}

describe('well-configured cookies', () => {
  it('finds nothing in a __Host- session cookie', () => {
    expect(found(`__Host-sid=${VALUE}; Path=/; Secure; HttpOnly; SameSite=Lax`)).toEqual([]);
  });

  it('finds nothing in a CSRF cookie without HttpOnly (scripts must read it)', () => {
    expect(found(`XSRF-TOKEN=${VALUE}; Path=/; Secure; SameSite=Strict`)).toEqual([]);
    expect(found(`csrftoken=${VALUE}; Secure; SameSite=Lax`)).toEqual([]);
  });

  it('finds nothing in deletions (Max-Age=0, a past Expires)', () => {
    expect(found('sid=; Max-Age=0')).toEqual([]);
    expect(found('sid=deleted; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Domain=other.org')).toEqual([]);
    expect(found('sid=; Max-Age=-1; Expires=Wed, 01 Jan 2031 00:00:00 GMT')).toEqual([]);
  });
});

describe('Secure, HttpOnly, SameSite', () => {
  it('reports a bare session cookie on HTTPS: Secure (high), HttpOnly, SameSite', () => {
    const findings = evaluateCookies([`sid=${VALUE}`], HTTPS);
    inputs.push([[`sid=${VALUE}`], HTTPS]);
    expect(findings.map((f) => [f.id, f.severity, f.evidence, f.header])).toEqual([
      ['AEGIS-SCAN-COOKIE-010', 'high', 'sid=[value hidden]', 0],
      ['AEGIS-SCAN-COOKIE-014', 'medium', 'sid=[value hidden]', 0],
      ['AEGIS-SCAN-COOKIE-015', 'info', 'sid=[value hidden]', 0],
    ]);
    expect(findings.map((f) => f.fix)).toEqual([
      'add Secure, so the session cookie is never sent over plain HTTP.',
      'add HttpOnly, so an injected script cannot read the session cookie.',
      'set SameSite=Lax (or Strict) explicitly; only Chromium-based browsers default to Lax.',
    ]);
  });

  it('reports a missing Secure on other cookies as medium, and no HttpOnly for them', () => {
    const findings = evaluateCookies(['theme=dark; Path=/; SameSite=Lax'], HTTPS);
    expect(findings.map((f) => [f.id, f.severity, f.evidence])).toEqual([['AEGIS-SCAN-COOKIE-011', 'medium', 'theme=[value hidden]; Path=/; SameSite=Lax']]);
  });

  it('reports session cookies over plain HTTP, and nothing for other cookies there', () => {
    expect(found(`PHPSESSID=${VALUE}; HttpOnly; SameSite=Lax`, HTTP)).toEqual([['AEGIS-SCAN-COOKIE-012', 'PHPSESSID=[value hidden]; HttpOnly; SameSite=Lax']]);
    expect(found('theme=dark; SameSite=Lax', HTTP)).toEqual([]);
  });

  it('reports Secure cookies set over http:// (dropped), except on localhost', () => {
    expect(found('pref=1; Secure; SameSite=Lax', HTTP)).toEqual([['AEGIS-SCAN-COOKIE-013', 'pref=[value hidden]; Secure; SameSite=Lax']]);
    const local: CookieContext = { url: new URL('http://localhost:3000/'), https: false, now: NOW };
    expect(found(`__Host-sid=${VALUE}; Path=/; Secure; HttpOnly; SameSite=Lax`, local)).toEqual([]);
    expect(found('pref=1; Secure; SameSite=Lax', { ...local, url: new URL('http://127.0.0.1:8080/') })).toEqual([]);
  });

  it('reports an invalid SameSite value', () => {
    expect(found(`sid=${VALUE}; Secure; HttpOnly; SameSite=Lox`)).toEqual([['AEGIS-SCAN-COOKIE-016', 'sid=[value hidden]; Secure; HttpOnly; SameSite=Lox']]);
    expect(found(`sid=${VALUE}; Secure; HttpOnly; SameSite`)).toEqual([['AEGIS-SCAN-COOKIE-016', 'sid=[value hidden]; Secure; HttpOnly; SameSite=']]);
  });

  it('reports SameSite=None and Partitioned without Secure once, not again as a missing Secure', () => {
    expect(found('tracker=1; SameSite=None')).toEqual([['AEGIS-SCAN-COOKIE-017', 'tracker=[value hidden]; SameSite=None']]);
    expect(found('embed=1; Partitioned; SameSite=None')).toEqual([
      ['AEGIS-SCAN-COOKIE-017', 'embed=[value hidden]; Partitioned; SameSite=None'],
      ['AEGIS-SCAN-COOKIE-028', 'embed=[value hidden]; Partitioned; SameSite=None'],
    ]);
    expect(found('embed=1; Secure; Partitioned; SameSite=None')).toEqual([]);
  });
});

describe('prefixes', () => {
  it('reports __Host- cookies without Path=/, with a Domain, or without Secure', () => {
    expect(found(`__Host-sid=${VALUE}; Secure; HttpOnly; SameSite=Lax`)).toEqual([['AEGIS-SCAN-COOKIE-018', '__Host-sid=[value hidden]; Secure; HttpOnly; SameSite=Lax']]);
    expect(found(`__Host-sid=${VALUE}; Path=/app; Secure; HttpOnly; SameSite=Lax`)).toEqual([['AEGIS-SCAN-COOKIE-018', '__Host-sid=[value hidden]; Path=/app; Secure; HttpOnly; SameSite=Lax']]);
    expect(found(`__HOST-sid=${VALUE}; Path=/; Domain=app.example.com; Secure; HttpOnly; SameSite=Lax`)).toEqual([
      ['AEGIS-SCAN-COOKIE-018', '__HOST-sid=[value hidden]; Path=/; Domain=app.example.com; Secure; HttpOnly; SameSite=Lax'],
      ['AEGIS-SCAN-COOKIE-022', '__HOST-sid=[value hidden]; Path=/; Domain=app.example.com; Secure; HttpOnly; SameSite=Lax'],
    ]);
    expect(found('__Host-pref=1; Path=/; SameSite=Lax')).toEqual([['AEGIS-SCAN-COOKIE-018', '__Host-pref=[value hidden]; Path=/; SameSite=Lax']]);
  });

  it('reports __Secure- cookies without Secure or over http://', () => {
    expect(found('__Secure-pref=1; SameSite=Lax')).toEqual([['AEGIS-SCAN-COOKIE-019', '__Secure-pref=[value hidden]; SameSite=Lax']]);
    expect(found('__Secure-pref=1; Secure; SameSite=Lax', HTTP)).toEqual([
      ['AEGIS-SCAN-COOKIE-013', '__Secure-pref=[value hidden]; Secure; SameSite=Lax'],
      ['AEGIS-SCAN-COOKIE-019', '__Secure-pref=[value hidden]; Secure; SameSite=Lax'],
    ]);
    expect(found('__Secure-pref=1; Secure; SameSite=Lax')).toEqual([]);
  });
});

describe('Domain scope', () => {
  const secure = 'Secure; SameSite=Lax';
  it('reports a parent Domain: medium for session cookies, low for others', () => {
    expect(found(`sid=${VALUE}; Domain=.Example.com; ${secure}; HttpOnly`)).toEqual([['AEGIS-SCAN-COOKIE-020', 'sid=[value hidden]; Domain=.Example.com; Secure; SameSite=Lax; HttpOnly']]);
    expect(found(`lang=en; Domain=example.com; ${secure}`)).toEqual([['AEGIS-SCAN-COOKIE-021', 'lang=[value hidden]; Domain=example.com; Secure; SameSite=Lax']]);
  });

  it('reports a Domain equal to the host for session cookies only', () => {
    expect(found(`sid=${VALUE}; Domain=app.example.com; ${secure}; HttpOnly`)).toEqual([['AEGIS-SCAN-COOKIE-022', 'sid=[value hidden]; Domain=app.example.com; Secure; SameSite=Lax; HttpOnly']]);
    expect(found(`lang=en; Domain=app.example.com; ${secure}`)).toEqual([]);
  });

  it('reports a Domain browsers reject: not matching, top-level, or differing from an IP host', () => {
    expect(found(`lang=en; Domain=other.com; ${secure}`)).toEqual([['AEGIS-SCAN-COOKIE-023', 'lang=[value hidden]; Domain=other.com; Secure; SameSite=Lax']]);
    expect(found(`lang=en; Domain=ple.com; ${secure}`)).toEqual([['AEGIS-SCAN-COOKIE-023', 'lang=[value hidden]; Domain=ple.com; Secure; SameSite=Lax']]);
    expect(found(`lang=en; Domain=com; ${secure}`)).toEqual([['AEGIS-SCAN-COOKIE-024', 'lang=[value hidden]; Domain=com; Secure; SameSite=Lax']]);
    const ip: CookieContext = { url: new URL('https://192.0.2.10/'), https: true, now: NOW };
    expect(found(`lang=en; Domain=2.10; ${secure}`, ip)).toEqual([['AEGIS-SCAN-COOKIE-023', 'lang=[value hidden]; Domain=2.10; Secure; SameSite=Lax']]);
    expect(found(`lang=en; Domain=192.0.2.10; ${secure}`, ip)).toEqual([]);
  });

  it('classifies domains', () => {
    expect(domainScope(undefined, 'a.example.com')).toBe('host-only');
    expect(domainScope('a.example.com', 'A.Example.COM')).toBe('host-and-subdomains');
    expect(domainScope('example.com.', 'a.example.com')).toBe('parent');
    expect(domainScope('xample.com', 'a.example.com')).toBe('mismatch');
    expect(domainScope('b.a.example.com', 'a.example.com')).toBe('mismatch');
    expect(domainScope('localhost', 'app.localhost')).toBe('top-level');
    expect(domainScope('::1', '[::1]')).toBe('host-and-subdomains');
    expect(domainScope('xn--bcher-kva.example', 'www.bücher.example')).toBe('parent');
  });
});

describe('lifetime', () => {
  const attrs = 'Path=/; Secure; HttpOnly; SameSite=Lax';
  it('reports session cookies living over a day (info) and over 30 days (low)', () => {
    expect(found(`sid=${VALUE}; ${attrs}; Max-Age=86400`)).toEqual([]);
    expect(found(`sid=${VALUE}; ${attrs}; Max-Age=172800`)).toEqual([['AEGIS-SCAN-COOKIE-025', 'sid=[value hidden]; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=172800']]);
    expect(found(`sid=${VALUE}; ${attrs}; Max-Age=5184000`)).toEqual([['AEGIS-SCAN-COOKIE-026', 'sid=[value hidden]; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=5184000']]);
    expect(found(`sid=${VALUE}; ${attrs}; Expires=Sat, 03 Jan 2026 00:00:00 GMT`)).toEqual([['AEGIS-SCAN-COOKIE-025', 'sid=[value hidden]; Path=/; Secure; HttpOnly; SameSite=Lax; Expires=Sat, 03 Jan 2026 00:00:00 GMT']]);
  });

  it('reports any cookie asking for more than 400 days; Max-Age wins over Expires', () => {
    const evidence = 'sid=[value hidden]; Path=/; Secure; HttpOnly; SameSite=Lax; Expires=Wed, 01 Jan 2031 00:00:00 GMT';
    expect(found(`sid=${VALUE}; ${attrs}; Expires=Wed, 01 Jan 2031 00:00:00 GMT`)).toEqual([
      ['AEGIS-SCAN-COOKIE-026', evidence],
      ['AEGIS-SCAN-COOKIE-027', evidence],
    ]);
    expect(found('pref=1; Secure; SameSite=Lax; Max-Age=40000000')).toEqual([['AEGIS-SCAN-COOKIE-027', 'pref=[value hidden]; Secure; SameSite=Lax; Max-Age=40000000']]);
    expect(found('pref=1; Secure; SameSite=Lax; Expires=Wed, 01 Jan 2031 00:00:00 GMT; Max-Age=3600')).toEqual([]);
  });
});

describe('parseSetCookie', () => {
  const url = new URL('https://app.example.com/account/settings');

  it('splits name and value at the first "=", trims spaces and tabs, reads attributes case-insensitively', () => {
    const { cookie, findings } = parseSetCookie(' \tid = a=b=c \t; SECURE ; httponly;samesite=STRICT; domain=.App.Example.com; Max-Age=-5; Partitioned; Priority=High; ', url);
    expect(findings).toEqual([]);
    expect(cookie).toMatchObject({ name: 'id', value: 'a=b=c', secure: true, httpOnly: true, partitioned: true, sameSite: 'strict', domain: 'app.example.com', maxAge: -5, path: '/account', pathAttribute: false, unrecognised: 1 });
    expect(cookie && describeCookie(cookie)).toBe('id=[value hidden]; Secure; HttpOnly; SameSite=STRICT; Domain=.App.Example.com; Max-Age=-5; Partitioned; [1 unrecognised attribute]');
  });

  it('uses the default-path when Path is absent or does not start with "/"', () => {
    expect(parseSetCookie('a=1', url).cookie?.path).toBe('/account');
    expect(parseSetCookie('a=1', new URL('https://x.example/top')).cookie?.path).toBe('/');
    expect(parseSetCookie('a=1').cookie?.path).toBe('/');
    const relative = parseSetCookie('a=1; Path=docs', url);
    expect(relative.cookie?.path).toBe('/account');
    expect(relative.findings.map((f) => [f.id, f.evidence])).toEqual([['AEGIS-SCAN-COOKIE-002', 'a=[value hidden]; Path=docs']]);
    expect(parseSetCookie('a=1; Path=/docs', url).cookie).toMatchObject({ path: '/docs', pathAttribute: true });
  });

  it('reads a line without "=" as a nameless cookie, and reports it', () => {
    const { cookie, findings } = parseSetCookie(`${VALUE}; Secure`);
    expect(cookie).toMatchObject({ name: '', value: VALUE, secure: true });
    expect(findings.map((f) => [f.id, f.evidence])).toEqual([['AEGIS-SCAN-COOKIE-004', '[no name]=[value hidden]']]);
    expect(found(`${VALUE}; Secure; SameSite=Lax`)).toEqual([['AEGIS-SCAN-COOKIE-004', '[no name]=[value hidden]']]);
  });

  it('ignores whole lines with control characters, no name and value, or over 4096 bytes', () => {
    expect(found(`sid=${VALUE}\x01; Secure`)).toEqual([['AEGIS-SCAN-COOKIE-001', 'sid=[value hidden] (control character)']]);
    expect(found(`sid=${VALUE}\r\nSet-Cookie: x=1`)).toEqual([['AEGIS-SCAN-COOKIE-001', 'sid=[value hidden] (control character)']]);
    expect(found(`x${VALUE}\x00=1`)).toEqual([['AEGIS-SCAN-COOKIE-001', '[name hidden]=[value hidden] (control character)']]);
    expect(found(' = ; Secure')).toEqual([['AEGIS-SCAN-COOKIE-001', '[empty name and value]']]);
    expect(found(`big=${'x'.repeat(4094)}`)).toEqual([['AEGIS-SCAN-COOKIE-001', 'big=[value hidden] (4097 bytes)']]);
    expect(parseSetCookie(`big=${'x'.repeat(4093)}`).cookie?.name).toBe('big');
    expect(parseSetCookie('tab=a\tb').cookie?.value).toBe('a\tb');
  });

  it('reports attributes browsers ignore, and keeps the last valid one', () => {
    const line = `sid=${VALUE}; Secure; HttpOnly; SameSite=Lax; Expires=not a date; Max-Age=1.5; Domain=; Path=${'/x'.repeat(600)}`;
    const parsed = parseSetCookie(line, url, 3);
    expect(parsed.findings.map((f) => [f.id, f.header, f.evidence])).toEqual([
      ['AEGIS-SCAN-COOKIE-002', 3, 'sid=[value hidden]; Expires=not a date'],
      ['AEGIS-SCAN-COOKIE-002', 3, 'sid=[value hidden]; Max-Age=1.5'],
      ['AEGIS-SCAN-COOKIE-002', 3, 'sid=[value hidden]; Domain='],
      ['AEGIS-SCAN-COOKIE-002', 3, 'sid=[value hidden]; Path over 1024 bytes'],
    ]);
    expect(parsed.cookie).toMatchObject({ path: '/account', pathAttribute: false });
    expect(parsed.cookie?.expires).toBeUndefined();
    expect(parsed.cookie?.maxAge).toBeUndefined();
    expect(parsed.cookie?.domain).toBeUndefined();
  });

  it('reports repeated attributes; the last wins', () => {
    const parsed = parseSetCookie('a=1; SameSite=None; samesite=Lax; Max-Age=10; Max-Age=20');
    expect(parsed.cookie).toMatchObject({ sameSite: 'lax', maxAge: 20 });
    expect(parsed.findings.map((f) => [f.id, f.evidence])).toEqual([
      ['AEGIS-SCAN-COOKIE-003', 'a=[value hidden]; SameSite given more than once'],
      ['AEGIS-SCAN-COOKIE-003', 'a=[value hidden]; Max-Age given more than once'],
    ]);
  });

  it('numbers findings by header', () => {
    const findings = evaluateCookies(['theme=dark; Secure; SameSite=Lax', 'lang=en; SameSite=Lax'], HTTPS);
    expect(findings.map((f) => [f.id, f.header])).toEqual([['AEGIS-SCAN-COOKIE-011', 1]]);
  });
});

describe('parseCookieDate', () => {
  const iso = (text: string) => parseCookieDate(text)?.toISOString();
  it('reads the usual HTTP date forms', () => {
    expect(iso('Wed, 21 Oct 2026 07:28:00 GMT')).toBe('2026-10-21T07:28:00.000Z');
    expect(iso('Wednesday, 21-Oct-26 07:28:00 GMT')).toBe('2026-10-21T07:28:00.000Z');
    expect(iso('Wed Oct 21 07:28:00 2026')).toBe('2026-10-21T07:28:00.000Z');
    expect(iso('21 october 2026 7:8:9')).toBe('2026-10-21T07:08:09.000Z');
  });

  it('maps two-digit years: 70–99 to 19xx, 00–69 to 20xx', () => {
    expect(iso('01 Jan 70 00:00:00')).toBe('1970-01-01T00:00:00.000Z');
    expect(iso('01 Jan 69 00:00:00')).toBe('2069-01-01T00:00:00.000Z');
  });

  it('fails on missing parts and out-of-range values', () => {
    for (const text of ['', 'not a date', 'Wed, 21 Oct 2026', '31 Feb 2026 00:00:00', '21 Oct 1600 00:00:00', '21 Oct 2026 24:00:00', '32 Oct 2026 00:00:00', '21 Oct 2026 00:60:00']) {
      expect(parseCookieDate(text), text).toBeUndefined();
    }
  });
});

describe('isSessionLikeName', () => {
  it('matches session and auth names', () => {
    for (const name of ['sid', 'connect.sid', 'PHPSESSID', 'JSESSIONID', 'ASP.NET_SessionId', 'session', 'sessionid', 'laravel_session', '__Host-sid', '__Secure-next-auth.session-token', 'auth', '.ASPXAUTH', 'access_token', 'authToken', 'jwt', 'token', 'user_login', 'login', 'loginToken']) {
      expect(isSessionLikeName(name), name).toBe(true);
    }
  });

  it('does not match CSRF tokens or ordinary cookies', () => {
    for (const name of ['XSRF-TOKEN', 'csrftoken', '_csrf', 'csrf_token', 'theme', 'lang', '_ga', 'consider', 'assessment', 'inside']) {
      expect(isSessionLikeName(name), name).toBe(false);
    }
  });
});

describe('the finding table', () => {
  it('has unique ids in the AEGIS-SCAN-COOKIE-0NN form', () => {
    const ids = COOKIE_FINDING_TABLE.map((k) => k.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^AEGIS-SCAN-COOKIE-0\d\d$/);
  });

  it('never shows a cookie value in evidence, fix or title (every input above)', () => {
    expect(inputs.length).toBeGreaterThan(30);
    let count = 0;
    for (const [lines, context] of inputs) {
      for (const f of evaluateCookies(lines, context)) {
        count += 1;
        expect(`${f.evidence} ${f.fix} ${f.title}`).not.toContain(VALUE);
        expect(f.evidence).not.toContain('x'.repeat(100));
      }
    }
    expect(count).toBeGreaterThan(30);
  });
});
