import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/adapters/node/index.js';
import { CommandFailure, UsageError } from '../../src/cli/io.js';
import { loadExpectedPolicy } from '../../src/cli/policy-module.js';
import { aegis, type AegisOptions, type AegisPolicy } from '../../src/index.js';
import { fetchOnce } from '../../src/scan/fetch/index.js';
import { DRIFT_HEADERS, EXPECTED_NONCE, expectedHeaders, policyDrift } from '../../src/scan/drift/index.js';
import type { ReceivedHeader } from '../../src/scan/headers/header-list.js';

// Policy drift (`aegis scan --expect`): what the policy would send, and how a served response differs.

const CSP = "default-src 'self'; object-src 'none'; script-src 'nonce-{nonce}' 'strict-dynamic' https://cdn.example.com; frame-ancestors 'none'";

/** What a policy would send (a hand-written plan, so each rule is seen on its own). */
const EXPECTED: ReadonlyArray<[string, string]> = [
  ['Strict-Transport-Security', 'max-age=63072000; includeSubDomains'],
  ['X-Frame-Options', 'DENY'],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer, strict-origin-when-cross-origin'],
  ['Permissions-Policy', 'camera=(), geolocation=(self "https://maps.example.com")'],
  ['Content-Security-Policy', CSP],
];

/** What a site serves when it matches EXPECTED: lower-case names, a real nonce, and headers drift ignores. */
const SERVED: readonly ReceivedHeader[] = [
  ['date', 'Tue, 24 Nov 2026 10:00:00 GMT'],
  ['content-type', 'text/html; charset=utf-8'],
  ['set-cookie', 'session=abc; Secure; HttpOnly'],
  ['strict-transport-security', 'max-age=63072000; includeSubDomains'],
  ['x-frame-options', 'DENY'],
  ['x-content-type-options', 'nosniff'],
  ['referrer-policy', 'no-referrer, strict-origin-when-cross-origin'],
  ['permissions-policy', 'camera=(), geolocation=(self "https://maps.example.com")'],
  ['content-security-policy', CSP.replace(EXPECTED_NONCE, 'rAnd0mN0nce+/abcdefghij==')],
  ['server', 'nginx'],
  ['x-request-id', '42'],
];

/** SERVED with `name` replaced by `values` (none: removed; several: repeated fields). */
function servedWith(name: string, ...values: string[]): ReceivedHeader[] {
  const at = SERVED.findIndex(([key]) => key === name);
  const replaced = values.map((value): ReceivedHeader => [name, value]);
  return at === -1 ? [...SERVED, ...replaced] : [...SERVED.slice(0, at), ...replaced, ...SERVED.slice(at + 1)];
}

const servedCsp = (value: string) => servedWith('content-security-policy', value);

describe('policyDrift', () => {
  it('finds nothing when the site serves what the policy sends (cookies, Date, Server and other headers ignored)', () => {
    expect(policyDrift(SERVED, EXPECTED)).toEqual([]);
  });

  it('matches header names case-insensitively on both sides', () => {
    const shouting = SERVED.map(([name, value]): ReceivedHeader => [name.toUpperCase(), value]);
    expect(policyDrift(shouting, EXPECTED.map(([name, value]) => [name.toLowerCase(), value]))).toEqual([]);
  });

  it('reports a header the policy sends and the site does not as missing', () => {
    expect(policyDrift(servedWith('x-content-type-options'), EXPECTED)).toEqual([
      { header: 'x-content-type-options', kind: 'missing', expected: 'nosniff', detail: 'served lacks the header' },
    ]);
  });

  it('reports a security header the policy does not send as unexpected, sorted by name; other headers are not judged', () => {
    const served: ReceivedHeader[] = [...SERVED, ['X-Powered-By', 'Express'], ['Content-Security-Policy-Report-Only', "script-src 'none'"], ['X-Robots-Tag', 'noindex']];
    expect(policyDrift(served, EXPECTED)).toEqual([
      { header: 'content-security-policy-report-only', kind: 'unexpected', served: "script-src 'none'", detail: 'the policy does not send the header' },
      { header: 'x-powered-by', kind: 'unexpected', served: 'Express', detail: 'the policy does not send the header' },
    ]);
  });

  it('judges any header the policy sends, even outside the security set (a custom header)', () => {
    const expected: Array<[string, string]> = [...EXPECTED, ['X-Robots-Tag', 'noindex']];
    expect(policyDrift([...SERVED, ['x-robots-tag', 'index']], expected)).toEqual([
      { header: 'x-robots-tag', kind: 'different', expected: 'noindex', served: 'index', detail: 'expected noindex, served index' },
    ]);
  });

  it('never compares Set-Cookie, even when the policy lists one', () => {
    expect(policyDrift(SERVED, [...EXPECTED, ['Set-Cookie', 'other=1']])).toEqual([]);
  });

  describe('Content-Security-Policy, directive by directive', () => {
    it('names a directive the site lacks', () => {
      const served = CSP.replace("object-src 'none'; ", '').replace(EXPECTED_NONCE, 'abc');
      expect(policyDrift(servedCsp(served), EXPECTED)).toEqual([
        { header: 'content-security-policy', kind: 'different', expected: CSP, served, detail: 'object-src: served lacks the directive' },
      ]);
    });

    it('names an extra source, and an extra directive', () => {
      const served = CSP.replace("'strict-dynamic'", "'strict-dynamic' 'unsafe-inline'").replace(EXPECTED_NONCE, 'abc') + '; worker-src blob:';
      expect(policyDrift(servedCsp(served), EXPECTED)).toEqual([
        { header: 'content-security-policy', kind: 'different', expected: CSP, served, detail: "script-src: served adds 'unsafe-inline'; worker-src: served adds the directive" },
      ]);
    });

    it('names sources the site lacks and adds in one directive', () => {
      const served = "default-src 'self'; object-src 'none'; script-src 'nonce-abc' https://cdn.example.net; frame-ancestors 'none'";
      expect(policyDrift(servedCsp(served), EXPECTED)).toEqual([
        { header: 'content-security-policy', kind: 'different', expected: CSP, served, detail: "script-src: served lacks 'strict-dynamic' https://cdn.example.com, adds https://cdn.example.net" },
      ]);
    });

    it('treats any nonce as equal to any other (no drift)', () => {
      expect(policyDrift(servedCsp(CSP.replace(EXPECTED_NONCE, 'ZmlueA')), EXPECTED)).toEqual([]);
      expect(policyDrift(servedCsp(CSP.replace(`'nonce-${EXPECTED_NONCE}'`, "'NONCE-other'")), EXPECTED)).toEqual([]);
    });

    it('but a missing nonce is a difference', () => {
      const served = CSP.replace(`'nonce-${EXPECTED_NONCE}' `, '');
      expect(policyDrift(servedCsp(served), EXPECTED)).toEqual([
        { header: 'content-security-policy', kind: 'different', expected: CSP, served, detail: "script-src: served lacks 'nonce-{nonce}'" },
      ]);
    });

    it('ignores the order of sources and directives, and case where CSP ignores it (no drift)', () => {
      const served = "FRAME-ANCESTORS 'NONE'; script-src HTTPS://CDN.EXAMPLE.COM 'Strict-Dynamic' 'nonce-q1w2e3' 'strict-dynamic'; object-src 'none'; default-src 'self';";
      expect(policyDrift(servedCsp(served), EXPECTED)).toEqual([]);
    });

    it('keeps paths and hashes case-sensitive', () => {
      const expected: Array<[string, string]> = [['Content-Security-Policy', "script-src https://cdn.example.com/Lib/ 'sha256-AbC='"]];
      const served: ReceivedHeader[] = [['Content-Security-Policy', "script-src https://cdn.example.com/lib/ 'SHA256-abc='"]];
      expect(policyDrift(served, expected)[0]?.detail).toBe("script-src: served lacks https://cdn.example.com/Lib/ 'sha256-AbC=', adds https://cdn.example.com/lib/ 'SHA256-abc='");
    });

    it('compares several policies one by one, and a repeated header as one comma-joined value', () => {
      const expected: Array<[string, string]> = [['Content-Security-Policy', "script-src 'self', object-src 'none'"]];
      expect(policyDrift([['content-security-policy', "script-src 'self'"], ['content-security-policy', "object-src 'none'"]], expected)).toEqual([]);
      expect(policyDrift([['content-security-policy', "script-src 'self'"]], expected)).toEqual([
        { header: 'content-security-policy', kind: 'different', expected: "script-src 'self', object-src 'none'", served: "script-src 'self'", detail: 'policy 2: served lacks the policy' },
      ]);
    });
  });

  describe('Strict-Transport-Security, by parsed directives', () => {
    it('names a different max-age', () => {
      expect(policyDrift(servedWith('strict-transport-security', 'max-age=31536000; includeSubDomains'), EXPECTED)).toEqual([
        {
          header: 'strict-transport-security',
          kind: 'different',
          expected: 'max-age=63072000; includeSubDomains',
          served: 'max-age=31536000; includeSubDomains',
          detail: 'max-age: expected 63072000, served 31536000',
        },
      ]);
    });

    it('ignores directive order, case and quoting (no drift)', () => {
      expect(policyDrift(servedWith('strict-transport-security', 'includesubdomains;MAX-AGE="63072000";'), EXPECTED)).toEqual([]);
    });

    it('names a flag the site lacks or adds', () => {
      expect(policyDrift(servedWith('strict-transport-security', 'max-age=63072000; preload'), EXPECTED)[0]?.detail).toBe('served lacks includeSubDomains; served adds preload');
    });

    it('says when browsers ignore the served value', () => {
      expect(policyDrift(servedWith('strict-transport-security', 'max-age=63072000; includeSubDomains; max-age=1'), EXPECTED)[0]?.detail).toBe(
        'served value is ignored by browsers (max-age appears more than once)',
      );
    });
  });

  describe('Permissions-Policy, by members', () => {
    it('names a feature whose allowlist differs', () => {
      expect(policyDrift(servedWith('permissions-policy', 'camera=(self), geolocation=(self "https://maps.example.com")'), EXPECTED)).toEqual([
        {
          header: 'permissions-policy',
          kind: 'different',
          expected: 'camera=(), geolocation=(self "https://maps.example.com")',
          served: 'camera=(self), geolocation=(self "https://maps.example.com")',
          detail: 'camera: expected (), served (self)',
        },
      ]);
    });

    it('names features the site lacks and adds', () => {
      expect(policyDrift(servedWith('permissions-policy', 'geolocation=(self "https://maps.example.com"), usb=()'), EXPECTED)[0]?.detail).toBe(
        'camera: served lacks the feature; usb: served adds the feature',
      );
    });

    it('ignores member order, list order, a single item without parentheses and origin spelling (no drift)', () => {
      expect(policyDrift(servedWith('permissions-policy', 'geolocation=("HTTPS://Maps.Example.com:443" self)', 'camera=()'), EXPECTED)).toEqual([]);
      const expected: Array<[string, string]> = [['Permissions-Policy', 'camera=(self)']];
      expect(policyDrift([['permissions-policy', 'camera=self']], expected)).toEqual([]);
    });

    it('says when the served value does not parse', () => {
      expect(policyDrift(servedWith('permissions-policy', 'camera=(), geolocation=self)'), EXPECTED)[0]?.detail).toBe(
        'served value does not parse (expected \',\' at character 28, found ")"), so browsers ignore it',
      );
    });
  });

  describe('token headers', () => {
    it('ignores case and surrounding space in X-Frame-Options (no drift)', () => {
      expect(policyDrift(servedWith('x-frame-options', '  deny '), EXPECTED)).toEqual([]);
    });

    it('names a different X-Frame-Options', () => {
      expect(policyDrift(servedWith('x-frame-options', 'SAMEORIGIN'), EXPECTED)).toEqual([
        { header: 'x-frame-options', kind: 'different', expected: 'DENY', served: 'SAMEORIGIN', detail: 'expected DENY, served SAMEORIGIN' },
      ]);
    });

    it('compares Referrer-Policy as a list: spacing, case and repeated fields do not matter, order does', () => {
      expect(policyDrift(servedWith('referrer-policy', 'No-Referrer,STRICT-ORIGIN-WHEN-CROSS-ORIGIN'), EXPECTED)).toEqual([]);
      expect(policyDrift(servedWith('referrer-policy', 'no-referrer', 'strict-origin-when-cross-origin'), EXPECTED)).toEqual([]);
      expect(policyDrift(servedWith('referrer-policy', 'strict-origin-when-cross-origin, no-referrer'), EXPECTED)[0]?.detail).toBe(
        'expected no-referrer, strict-origin-when-cross-origin, served strict-origin-when-cross-origin, no-referrer',
      );
    });

    it('keeps other values case-sensitive (Origin-Agent-Cluster is a structured boolean)', () => {
      expect(policyDrift([['origin-agent-cluster', '?1 ']], [['Origin-Agent-Cluster', '?1']])).toEqual([]);
      expect(policyDrift([['x-robots-tag', 'NoIndex']], [['X-Robots-Tag', 'noindex']])[0]?.kind).toBe('different');
    });
  });

  it('has the documented security set', () => {
    expect(DRIFT_HEADERS).toEqual([
      'content-security-policy',
      'content-security-policy-report-only',
      'cross-origin-embedder-policy',
      'cross-origin-opener-policy',
      'cross-origin-resource-policy',
      'origin-agent-cluster',
      'permissions-policy',
      'referrer-policy',
      'reporting-endpoints',
      'strict-transport-security',
      'x-content-type-options',
      'x-dns-prefetch-control',
      'x-frame-options',
      'x-permitted-cross-domain-policies',
      'x-powered-by',
      'x-xss-protection',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

const PERMISSIONS =
  'accelerometer=(), browsing-topics=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), ' +
  'idle-detection=(), magnetometer=(), microphone=(), midi=(), payment=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()';

const POLICY_A: AegisOptions = { env: 'production', hosts: ['app.example.test'], httpsRedirect: false, proxy: { trust: ['loopback'] } };

describe('expectedHeaders', () => {
  const policy = aegis(POLICY_A);
  const fixed: Array<[string, string]> = [
    ['X-Frame-Options', 'DENY'],
    ['X-Content-Type-Options', 'nosniff'],
    ['Referrer-Policy', 'strict-origin-when-cross-origin'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Cross-Origin-Resource-Policy', 'same-site'],
    ['Origin-Agent-Cluster', '?1'],
    ['X-DNS-Prefetch-Control', 'off'],
    ['X-Permitted-Cross-Domain-Policies', 'none'],
    ['X-XSS-Protection', '0'],
    ['Permissions-Policy', PERMISSIONS],
  ];
  const csp =
    "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; " +
    "script-src 'nonce-{nonce}' 'strict-dynamic'; upgrade-insecure-requests; report-uri /_aegis/csp-report";

  it('lists the plan of a secure response, the CSP last with the nonce placeholder', () => {
    expect(expectedHeaders(policy, { https: true })).toEqual([
      ['Strict-Transport-Security', 'max-age=63072000; includeSubDomains'],
      ['Reporting-Endpoints', 'csp-endpoint="/_aegis/csp-report"'],
      ...fixed,
      ['Content-Security-Policy', `${csp}; report-to csp-endpoint`],
    ]);
  });

  it('lists the plan of a plain response: no HSTS, no Reporting API', () => {
    expect(expectedHeaders(policy, { https: false })).toEqual([...fixed, ['Content-Security-Policy', csp]]);
  });

  it("applies the route's header rules for a path", () => {
    const routed = aegis({ ...POLICY_A, reporting: false, routes: [{ path: '/embed/*', headers: { contentSecurityPolicy: { reportOnly: true }, xFrameOptions: false } }] });
    const names = (headers: Array<[string, string]>) => headers.map(([name]) => name);
    expect(names(expectedHeaders(routed, { https: false, path: '/embed/video?autoplay=1' }))).toEqual([...names(fixed).slice(1), 'Content-Security-Policy-Report-Only']);
    expect(names(expectedHeaders(routed, { https: false, path: '/' }))).toEqual([...names(fixed), 'Content-Security-Policy']);
  });
});

// ---------------------------------------------------------------------------------------------
// Through the real node adapter: a server runs policy A; the scan's fetch reads what it serves.

describe('policy drift against a live node:http server', () => {
  let server: Server;
  let url = '';

  async function start(policy: AegisPolicy): Promise<void> {
    server = createServer(policy, (_req, res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Set-Cookie', 'session=abc; Secure; HttpOnly');
      res.end('<!doctype html><title>ok</title>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function served(https: boolean): Promise<readonly ReceivedHeader[]> {
    const outcome = await fetchOnce(url, { timeoutMs: 5000, headers: { host: 'app.example.test', ...(https && { 'x-forwarded-proto': 'https' }) } });
    if ('error' in outcome) throw new Error(outcome.error);
    expect(outcome.status).toBe(200);
    return outcome.headers;
  }

  const policyA = aegis(POLICY_A);
  const policyB = aegis({ ...POLICY_A, headers: { contentSecurityPolicy: { directives: { frameAncestors: ["'self'"], scriptSrc: ["'self'"] } } } });

  it('finds no drift against the policy it runs, on plain and secure requests', async () => {
    await start(policyA);
    expect(policyDrift(await served(false), expectedHeaders(policyA, { https: false }))).toEqual([]);
    expect(policyDrift(await served(true), expectedHeaders(policyA, { https: true }))).toEqual([]);
  });

  it('lists exactly the CSP and frame-option differences against policy B', async () => {
    const headers = await served(true);
    const servedCspValue = headers.find(([name]) => name.toLowerCase() === 'content-security-policy')?.[1] ?? '';
    expect(servedCspValue).toMatch(/script-src 'nonce-[A-Za-z0-9+/]{24}' 'strict-dynamic'/);
    const expectedCsp =
      "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'self'; form-action 'self'; " +
      "script-src 'nonce-{nonce}' 'self'; upgrade-insecure-requests; report-uri /_aegis/csp-report; report-to csp-endpoint";
    expect(policyDrift(headers, expectedHeaders(policyB, { https: true }))).toEqual([
      {
        header: 'content-security-policy',
        kind: 'different',
        expected: expectedCsp,
        served: servedCspValue,
        detail: "frame-ancestors: served lacks 'self', adds 'none'; script-src: served lacks 'self', adds 'strict-dynamic'",
      },
      { header: 'x-frame-options', kind: 'different', expected: 'SAMEORIGIN', served: 'DENY', detail: 'expected SAMEORIGIN, served DENY' },
    ]);
  });

  it('sees what a plain response lacks compared with a secure one', async () => {
    const drift = policyDrift(await served(false), expectedHeaders(policyA, { https: true }));
    expect(drift.map(({ header, kind, detail }) => [header, kind, detail])).toEqual([
      ['content-security-policy', 'different', 'report-to: served lacks the directive'],
      ['reporting-endpoints', 'missing', 'served lacks the header'],
      ['strict-transport-security', 'missing', 'served lacks the header'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('loadExpectedPolicy', () => {
  const root = mkdtempSync(join(tmpdir(), 'aegis-drift-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const POLICIES = fileURLToPath(new URL('../fixtures/policies/', import.meta.url));

  function moduleFile(name: string, source: string): string {
    const file = join(root, name);
    writeFileSync(file, source);
    return file;
  }

  it('compiles exported options under the given AEGIS_ENV', async () => {
    const file = moduleFile('options.mjs', "export const policy = { hosts: ['app.example.test'], headers: { xFrameOptions: 'SAMEORIGIN', contentSecurityPolicy: false } };\n");
    const policy = await loadExpectedPolicy(file, { AEGIS_ENV: 'production' });
    expect(policy.profile).toBe('production');
    expect(expectedHeaders(policy, { https: true }).slice(0, 2)).toEqual([
      ['Strict-Transport-Security', 'max-age=63072000; includeSubDomains'],
      ['X-Frame-Options', 'SAMEORIGIN'],
    ]);
  });

  it('accepts a default export', async () => {
    const file = moduleFile('default.mjs', "export default { hosts: ['app.example.test'] };\n");
    expect((await loadExpectedPolicy(file, { AEGIS_ENV: 'test' })).profile).toBe('test');
  });

  it('throws a UsageError for a module without a policy', async () => {
    const error = await loadExpectedPolicy(join(POLICIES, 'not-a-policy.mjs'), {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe('the policy module exports no policy: export `policy` (from aegis()) or its options, or a default export.');
  });

  it('throws a CommandFailure for a module that fails to load', async () => {
    const file = join(POLICIES, 'throws.mjs');
    const error = await loadExpectedPolicy(file, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandFailure);
    expect((error as Error).message).toBe(`could not load ${file}: the database is not reachable`);
  });

  it('throws a CommandFailure listing every problem of invalid options', async () => {
    const file = moduleFile('invalid.mjs', "export const policy = { hosts: ['app.example.test'], headers: { referrerPolicy: 'unsafe' } };\n");
    const error = await loadExpectedPolicy(file, { AEGIS_ENV: 'production' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandFailure);
    expect((error as Error).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: Invalid Aegis policy \\(1 problem\\):\\n  - headers\\.referrerPolicy: "unsafe" is not a referrer policy\\.`));
  });
});
