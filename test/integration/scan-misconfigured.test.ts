/**
 * `aegis scan` against a deliberately misconfigured site served by this test
 * (test/helpers/misconfigured-site.ts: old TLS, weak suites, a bad certificate, unsafe headers,
 * leaky cookies, permissive CORS, mixed content, exposed .git, .env and source maps): every
 * expected finding id, and no other, with its evidence; the grade and its caps; no secret in the
 * result. Then the redirect-chain site: each bad http:// chain gives its TRANSPORT findings.
 */

import { readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateCsp } from '../../src/scan/csp/evaluate.js';
import { fetchOnce } from '../../src/scan/fetch/index.js';
import { scan, type ScanCategory, type ScanResult } from '../../src/scan/index.js';
import { formatScanHtml, formatScanJson, formatScanSarif, formatScanText } from '../../src/scan/report/index.js';
import { rsaCertificateFiles } from '../helpers/certificates.js';
import { sarifErrors, scanReportErrors } from '../helpers/report-schemas.js';
import { CERTIFICATE_NAME, FIXTURE_SECRETS, startMisconfiguredSite, startRedirectChains, type MisconfiguredSite, type RedirectChains } from '../helpers/misconfigured-site.js';

let site: MisconfiguredSite;
let now: Date;
let result: ScanResult;

beforeAll(async () => {
  site = await startMisconfiguredSite();
  now = new Date();
  result = await scan(site.url, { httpPort: site.httpPort, now });
});

afterAll(async () => {
  await site.close();
});

/** `[id, evidence]` of every finding of `category`, in report order (worst first). */
function seen(category: ScanCategory, of: ScanResult = result): Array<[string, string]> {
  return of.findings.filter((finding) => finding.category === category).map((finding) => [finding.id, finding.evidence]);
}

const ids = (...numbers: string[]): string[] => numbers.map((n) => `AEGIS-SCAN-${n}`);

describe('aegis scan of the misconfigured site', () => {
  it('reports exactly the expected finding ids (a new false positive fails here)', () => {
    expect(result.outcome).toBe('scanned');
    expect(result.errors).toEqual([]);
    expect(result.categoriesScanned).toEqual(['tls', 'transport', 'headers', 'csp', 'cookies', 'cors', 'content', 'exposures']);
    expect([...new Set(result.findings.map((finding) => finding.id))].sort()).toEqual(
      ids(
        'CONTENT-001', 'CONTENT-002', 'CONTENT-003', 'CONTENT-004', 'CONTENT-005', 'CONTENT-006', 'CONTENT-008', 'CONTENT-009',
        'COOKIE-002', 'COOKIE-003', 'COOKIE-010', 'COOKIE-011', 'COOKIE-014', 'COOKIE-015', 'COOKIE-016', 'COOKIE-017', 'COOKIE-018',
        'COOKIE-019', 'COOKIE-022', 'COOKIE-023', 'COOKIE-026', 'COOKIE-027', 'COOKIE-028',
        'CORS-001', 'CORS-004', 'CORS-006', 'CORS-007', 'CORS-008',
        'CSP-003', 'CSP-004', 'CSP-008', 'CSP-011', 'CSP-013', 'CSP-014', 'CSP-015', 'CSP-016', 'CSP-017', 'CSP-018', 'CSP-024',
        'CSP-025', 'CSP-026', 'CSP-028',
        'EXPOSE-001', 'EXPOSE-002', 'EXPOSE-003', 'EXPOSE-004', 'EXPOSE-005', 'EXPOSE-006', 'EXPOSE-011', 'EXPOSE-014', 'EXPOSE-017', 'EXPOSE-018',
        'EXPOSE-020', 'EXPOSE-030', 'EXPOSE-040', 'EXPOSE-041',
        'HDR-001', 'HDR-006', 'HDR-012', 'HDR-015', 'HDR-018', 'HDR-020', 'HDR-021', 'HDR-023', 'HDR-026', 'HDR-027', 'HDR-028',
        'HDR-030', 'HDR-031',
        'TLS-002', 'TLS-003', 'TLS-005', 'TLS-006', 'TLS-008', 'TLS-009', 'TLS-010', 'TLS-011', 'TLS-013', 'TLS-014', 'TLS-015',
        'TLS-016', 'TLS-017', 'TLS-018',
        'TRANSPORT-004', 'TRANSPORT-006', 'TRANSPORT-007', 'TRANSPORT-008', 'TRANSPORT-009', 'TRANSPORT-010',
      ),
    );
  });

  it('TLS: 1.0 to 1.2 accepted with NULL, anonymous, RSA and CBC suites, the weakest preferred, on a weak untrusted certificate', () => {
    expect(result.tls?.versions).toEqual({
      SSLv3: { accepted: false },
      'TLSv1.0': {
        accepted: true,
        preferred: 'TLS_RSA_WITH_AES_128_CBC_SHA',
        ciphers: ['TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_RSA_WITH_NULL_SHA', 'TLS_ECDH_anon_WITH_AES_128_CBC_SHA'],
        ciphersComplete: true,
      },
      'TLSv1.1': {
        accepted: true,
        preferred: 'TLS_RSA_WITH_AES_128_CBC_SHA',
        ciphers: ['TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_RSA_WITH_NULL_SHA', 'TLS_ECDH_anon_WITH_AES_128_CBC_SHA'],
        ciphersComplete: true,
      },
      'TLSv1.2': {
        accepted: true,
        preferred: 'TLS_RSA_WITH_AES_128_CBC_SHA',
        ciphers: [
          'TLS_RSA_WITH_AES_128_CBC_SHA',
          'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
          'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
          'TLS_RSA_WITH_AES_256_GCM_SHA384',
          'TLS_ECDHE_RSA_WITH_NULL_SHA',
          'TLS_ECDH_anon_WITH_AES_128_CBC_SHA',
        ],
        ciphersComplete: true,
      },
      'TLSv1.3': { accepted: false },
    });
    const validTo = new Date(site.certificate.validTo);
    expect(result.tls?.certificate).toEqual({
      trusted: false,
      authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      hostnameMatch: false,
      subject: `CN=${CERTIFICATE_NAME}`,
      issuer: `CN=${CERTIFICATE_NAME}`,
      validFrom: new Date(site.certificate.validFrom).toISOString(),
      validTo: validTo.toISOString(),
      daysLeft: 9,
      keyType: 'rsa',
      keyBits: 1024,
      signatureAlgorithm: 'sha1WithRSAEncryption',
      ocspStapled: false,
      alpn: 'http/1.1',
    });
    expect(seen('tls')).toEqual([
      ['AEGIS-SCAN-TLS-006', 'TLS_ECDHE_RSA_WITH_NULL_SHA, TLS_ECDH_anon_WITH_AES_128_CBC_SHA'],
      ['AEGIS-SCAN-TLS-011', `DEPTH_ZERO_SELF_SIGNED_CERT (issuer CN=${CERTIFICATE_NAME})`],
      ['AEGIS-SCAN-TLS-013', `localhost is not covered by the certificate (subjectAltName: DNS:${CERTIFICATE_NAME})`],
      ['AEGIS-SCAN-TLS-015', 'rsa 1024 bits'],
      ['AEGIS-SCAN-TLS-016', 'sha1WithRSAEncryption'],
      ['AEGIS-SCAN-TLS-002', 'TLSv1.0 handshake accepted'],
      ['AEGIS-SCAN-TLS-003', 'TLSv1.1 handshake accepted'],
      ['AEGIS-SCAN-TLS-009', 'TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_256_GCM_SHA384'],
      ['AEGIS-SCAN-TLS-010', 'TLSv1.2: chose TLS_RSA_WITH_AES_128_CBC_SHA while offered TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 first'],
      ['AEGIS-SCAN-TLS-014', `expires ${validTo.toISOString()}`],
      ['AEGIS-SCAN-TLS-005', 'TLSv1.3 handshake refused'],
      ['AEGIS-SCAN-TLS-008', 'TLS_RSA_WITH_AES_128_CBC_SHA, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'],
      ['AEGIS-SCAN-TLS-017', 'no OCSP response stapled'],
      ['AEGIS-SCAN-TLS-018', 'ALPN chose http/1.1 when offered h2, http/1.1'],
    ]);
  });

  it('transport: http:// serves the site, and the HSTS header is short, doubled and asks for preload it cannot get', () => {
    const entry = `http://localhost:${site.httpPort}/`;
    expect(result.redirects).toEqual([{ url: entry, status: 200, hsts: ['max-age=300; preload; always', 'max-age=31536000; includeSubDomains'] }]);
    expect(result.hstsPreload).toEqual({ eligible: false, reasons: [`${entry} answered 200 instead of redirecting to https://localhost/`] });
    expect(seen('transport')).toEqual([
      ['AEGIS-SCAN-TRANSPORT-010', `${entry} answered 200 without a redirect`],
      ['AEGIS-SCAN-TRANSPORT-006', 'max-age=300'],
      ['AEGIS-SCAN-TRANSPORT-007', 'Strict-Transport-Security: max-age=300; preload; always'],
      ['AEGIS-SCAN-TRANSPORT-008', 'preload with max-age=300 (needs >= 31536000), no includeSubDomains'],
      ['AEGIS-SCAN-TRANSPORT-004', '2 header fields; only the first is processed'],
      ['AEGIS-SCAN-TRANSPORT-009', 'always: unknown directive, ignored'],
    ]);
  });

  it('headers: versions and internals advertised, framing, referrer, permissions, cross-origin and caching mistakes', () => {
    expect(seen('headers')).toEqual([
      ['AEGIS-SCAN-HDR-006', 'X-Frame-Options: ALLOWALL'],
      ['AEGIS-SCAN-HDR-012', 'Referrer-Policy: always, unsafe-url (effective: unsafe-url)'],
      ['AEGIS-SCAN-HDR-021', 'Permissions-Policy camera=*'],
      ['AEGIS-SCAN-HDR-028', 'Cache-Control: public, max-age=600 with Set-Cookie'],
      ['AEGIS-SCAN-HDR-031', 'Server: Apache/2.4.41 (Ubuntu)'],
      ['AEGIS-SCAN-HDR-031', 'X-Powered-By: Express/4.17.1'],
      ['AEGIS-SCAN-HDR-001', 'no X-Content-Type-Options'],
      ['AEGIS-SCAN-HDR-020', 'Permissions-Policy geolocation=(self "maps.example.com")'],
      ['AEGIS-SCAN-HDR-023', 'Cross-Origin-Opener-Policy: unsafe-none'],
      ['AEGIS-SCAN-HDR-027', 'Cross-Origin-Embedder-Policy: require_corp'],
      ['AEGIS-SCAN-HDR-030', 'X-Runtime: 0.012873'],
      ['AEGIS-SCAN-HDR-015', 'Referrer-Policy token always'],
      ['AEGIS-SCAN-HDR-018', 'Permissions-Policy interest-cohort'],
      ['AEGIS-SCAN-HDR-026', 'Cross-Origin-Resource-Policy: cross-origin'],
    ]);
  });

  it('CSP: the header policy lets injected and gadget scripts run; frame-ancestors only in <meta>', () => {
    expect(seen('csp')).toEqual([
      ['AEGIS-SCAN-CSP-011', "script-src 'unsafe-inline'"],
      ['AEGIS-SCAN-CSP-017', 'script-src https://www.google.com/complete/search'],
      ['AEGIS-SCAN-CSP-014', 'default-src *'],
      ['AEGIS-SCAN-CSP-015', 'default-src data:'],
      ['AEGIS-SCAN-CSP-013', "script-src 'unsafe-eval'"],
      ['AEGIS-SCAN-CSP-016', 'img-src http:'],
      ['AEGIS-SCAN-CSP-016', 'script-src http://legacy.example.com'],
      ['AEGIS-SCAN-CSP-024', 'no base-uri'],
      ['AEGIS-SCAN-CSP-025', 'no frame-ancestors'],
      ['AEGIS-SCAN-CSP-008', 'img-src self'],
      ['AEGIS-SCAN-CSP-003', "frame-ancestor 'self'"],
      ['AEGIS-SCAN-CSP-018', 'script-src https://cdn.example.com http://legacy.example.com'],
      ['AEGIS-SCAN-CSP-028', "frame-ancestors 'none'"],
      ['AEGIS-SCAN-CSP-004', 'block-all-mixed-content'],
      ['AEGIS-SCAN-CSP-026', 'no require-trusted-types-for'],
    ]);
  });

  it('cookies: the session cookie leaks every way, the others break their prefix, SameSite or Domain rules', () => {
    const session = 'sessionid=[value hidden]; Domain=localhost; Path=/; Max-Age=43200000';
    expect(seen('cookies')).toEqual([
      ['AEGIS-SCAN-COOKIE-010', session],
      ['AEGIS-SCAN-COOKIE-014', session],
      ['AEGIS-SCAN-COOKIE-018', '__Host-auth=[value hidden]; Secure; HttpOnly; SameSite=Lax; Path=/account'],
      ['AEGIS-SCAN-COOKIE-019', '__Secure-prefs=[value hidden]; SameSite=Strict; Path=/'],
      ['AEGIS-SCAN-COOKIE-017', 'ad_id=[value hidden]; SameSite=None; Path=/'],
      ['AEGIS-SCAN-COOKIE-011', 'currency=[value hidden]; SameSite=Lax; Path=/'],
      ['AEGIS-SCAN-COOKIE-023', 'lang=[value hidden]; Secure; SameSite=Lax; Domain=shop.example; Path=/'],
      ['AEGIS-SCAN-COOKIE-028', 'embed=[value hidden]; Partitioned; SameSite=Lax; Path=/'],
      ['AEGIS-SCAN-COOKIE-026', session],
      ['AEGIS-SCAN-COOKIE-016', 'theme=[value hidden]; Secure; Secure; SameSite=Lox; Path=/'],
      ['AEGIS-SCAN-COOKIE-002', 'visited=[value hidden]; Expires=tomorrow'],
      ['AEGIS-SCAN-COOKIE-015', session],
      ['AEGIS-SCAN-COOKIE-022', session],
      ['AEGIS-SCAN-COOKIE-027', session],
      ['AEGIS-SCAN-COOKIE-003', 'theme=[value hidden]; Secure given more than once'],
    ]);
  });

  it('CORS: any origin and null reflected with credentials, preflights copied, no Vary', () => {
    const foreign = 'GET with Origin: https://aegis-scan.invalid → Access-Control-Allow-Origin: https://aegis-scan.invalid → Access-Control-Allow-Credentials: true';
    expect(seen('cors')).toEqual([
      ['AEGIS-SCAN-CORS-001', foreign],
      ['AEGIS-SCAN-CORS-004', 'GET with Origin: null → Access-Control-Allow-Origin: null → Access-Control-Allow-Credentials: true'],
      ['AEGIS-SCAN-CORS-008', `${foreign}; no Vary: Origin`],
      ['AEGIS-SCAN-CORS-006', 'OPTIONS with Access-Control-Request-Method: AEGISPROBE → Access-Control-Allow-Methods: AEGISPROBE'],
      ['AEGIS-SCAN-CORS-007', 'OPTIONS with Access-Control-Request-Headers: x-aegis-scan-probe → Access-Control-Allow-Headers: x-aegis-scan-probe'],
    ]);
  });

  it('content: mixed content, missing or useless SRI, inline handlers, forms to http: and to another site', () => {
    expect(seen('content')).toEqual([
      ['AEGIS-SCAN-CONTENT-001', '<script src="http://legacy.example.com/widget.js">'],
      ['AEGIS-SCAN-CONTENT-008', '<form action="http://pay.example.com/checkout">'],
      ['AEGIS-SCAN-CONTENT-003', '<script src="https://cdn.example.com/jquery-3.4.1.min.js">'],
      ['AEGIS-SCAN-CONTENT-004', '<link href="https://cdn.example.com/theme.css"> integrity="sha1-Ve3kdn6ZYJ5rk5DpYGLcKhBjMjE="'],
      ['AEGIS-SCAN-CONTENT-006', '2 inline event handlers: <body onload="init()">, <button onclick="addToCart(42)">'],
      ['AEGIS-SCAN-CONTENT-002', '<img src="http://images.example.com/logo.png">'],
      ['AEGIS-SCAN-CONTENT-009', '<form action="https://newsletter.example.net/subscribe">'],
      ['AEGIS-SCAN-CONTENT-005', '<script src="https://cdn.example.com/analytics.js">'],
    ]);
  });

  it('exposures: .git, .env, status page, a listing of /static/, .DS_Store, backup, source map, TRACE, Host reflection, a sloppy expired security.txt', () => {
    expect(seen('exposures')).toEqual([
      ['AEGIS-SCAN-EXPOSE-001', 'GET /.git/HEAD → 200, "ref: refs/heads/main"'],
      ['AEGIS-SCAN-EXPOSE-002', 'GET /.env → 200, 3 KEY=value line(s): DATABASE_URL, SESSION_SECRET, DEBUG'],
      ['AEGIS-SCAN-EXPOSE-006', 'GET /backup.zip → 200, ZIP signature'],
      ['AEGIS-SCAN-EXPOSE-040', 'Host: aegis-scan.invalid → 302, Location: https://aegis-scan.invalid/login'],
      ['AEGIS-SCAN-EXPOSE-003', 'GET /server-status → 200, "<title>Apache Status</title>"'],
      ['AEGIS-SCAN-EXPOSE-014', `line 3: Expires: 2020-01-01T00:00:00Z (now ${now.toISOString()})`],
      ['AEGIS-SCAN-EXPOSE-030', 'TRACE / → 200, "TRACE / HTTP/1.1"'],
      ['AEGIS-SCAN-EXPOSE-041', 'Host: aegis-scan.invalid → 302, body: "<a href="https://aegis-scan.invalid/login">Sign in</a>"'],
      ['AEGIS-SCAN-EXPOSE-020', `GET https://localhost:${site.httpsPort}/static/app.js.map → 200, version 3, 2 source(s), sourcesContent included`],
      ['AEGIS-SCAN-EXPOSE-004', 'GET /static/ → 200, "<title>Index of /"'],
      ['AEGIS-SCAN-EXPOSE-005', 'GET /.DS_Store → 200, Bud1 signature'],
      ['AEGIS-SCAN-EXPOSE-011', 'line 5: "Please report problems to the webmaster."'],
      ['AEGIS-SCAN-EXPOSE-018', 'line 2: Contact: http://shop.example/security (http://, not https://)'],
      ['AEGIS-SCAN-EXPOSE-017', 'Expires appears 2 times (lines 3, 4)'],
    ]);
  });

  it('grades F 9: only transport (45) and CORS (25) keep points, and every cap is listed worst first', () => {
    // tls: 5 high, 5 medium, 2 low → 0; transport: 100 − 30 − 15 − 2×5 = 45; cors: 100 − 2×30 − 3×5 = 25;
    // every other category loses more than 100. (45 × 15 + 25 × 10) / 100 = 9.25 → 9.
    expect(result.grade?.overall).toEqual({ grade: 'F', score: 9 });
    expect(result.grade?.categories).toEqual({
      tls: { score: 0, grade: 'F', findings: { high: 5, medium: 5, low: 2, info: 2 } },
      transport: { score: 45, grade: 'E', findings: { high: 1, medium: 1, low: 2, info: 2 } },
      headers: { score: 0, grade: 'F', findings: { high: 0, medium: 6, low: 5, info: 3 } },
      csp: { score: 0, grade: 'F', findings: { high: 4, medium: 5, low: 4, info: 2 } },
      cookies: { score: 0, grade: 'F', findings: { high: 1, medium: 7, low: 3, info: 4 } },
      cors: { score: 25, grade: 'F', findings: { high: 2, medium: 0, low: 3, info: 0 } },
      content: { score: 0, grade: 'F', findings: { high: 2, medium: 3, low: 2, info: 1 } },
      exposures: { score: 0, grade: 'F', findings: { high: 4, medium: 6, low: 4, info: 0 } },
    });
    const untrusted = 'browsers do not trust the certificate';
    const exposure = 'a file or endpoint that must not be public is reachable';
    const legacy = 'the server accepts TLS 1.0 or 1.1';
    const keyExchange = 'no forward secrecy, or a weak key';
    const tlsHigh = 'a high-severity TLS finding';
    const csp = 'the Content-Security-Policy does not stop injected scripts';
    expect(result.grade?.caps.map((cap) => [cap.id, cap.grade, cap.reason])).toEqual([
      ['AEGIS-SCAN-TLS-011', 'F', untrusted],
      ['AEGIS-SCAN-TLS-013', 'F', 'the certificate does not name this host'],
      ['AEGIS-SCAN-TLS-006', 'C', 'the server accepts a broken cipher suite'],
      ['AEGIS-SCAN-EXPOSE-001', 'C', exposure],
      ['AEGIS-SCAN-EXPOSE-002', 'C', exposure],
      ['AEGIS-SCAN-EXPOSE-006', 'C', exposure],
      ['AEGIS-SCAN-EXPOSE-040', 'C', exposure],
      ['AEGIS-SCAN-TRANSPORT-010', 'B', 'http:// serves the site instead of redirecting to HTTPS'],
      ['AEGIS-SCAN-COOKIE-010', 'B', 'a session cookie without Secure can leak over HTTP'],
      ['AEGIS-SCAN-TLS-002', 'B', legacy],
      ['AEGIS-SCAN-TLS-003', 'B', legacy],
      ['AEGIS-SCAN-TLS-015', 'B', keyExchange],
      ['AEGIS-SCAN-TLS-009', 'B', keyExchange],
      ['AEGIS-SCAN-TLS-006', 'B', tlsHigh],
      ['AEGIS-SCAN-TLS-011', 'B', tlsHigh],
      ['AEGIS-SCAN-TLS-013', 'B', tlsHigh],
      ['AEGIS-SCAN-TLS-015', 'B', tlsHigh],
      ['AEGIS-SCAN-TLS-016', 'B', tlsHigh],
      ['AEGIS-SCAN-CSP-011', 'A-', csp],
      ['AEGIS-SCAN-CSP-014', 'A-', csp],
      ['AEGIS-SCAN-CSP-015', 'A-', csp],
    ]);
  });

  it('gives a JSON report valid against docs/scan-result.schema.json, and a valid SARIF 2.1.0 log', () => {
    const report = { schemaVersion: '1.0' as const, tool: { name: 'aegis' as const, version: 'test' }, results: [result] };
    expect(scanReportErrors(JSON.parse(formatScanJson(report)))).toEqual([]);
    expect(sarifErrors(JSON.parse(formatScanSarif(report)))).toEqual([]);
  });

  it('never puts a cookie value or a .env value in the result or any report format', async () => {
    // The secrets really were served: otherwise their absence below would prove nothing.
    const env = await fetchOnce(new URL('/.env', site.url).href, { timeoutMs: 5000 });
    const page = await fetchOnce(site.url, { timeoutMs: 5000 });
    const served = [env, page].map((answer) => ('error' in answer ? answer.error : `${JSON.stringify(answer.headers)}${Buffer.from(answer.body).toString('utf8')}`)).join('');
    const secrets = Object.values(FIXTURE_SECRETS);
    expect(secrets.filter((secret) => served.includes(secret))).toEqual(secrets);

    const report = { schemaVersion: '1.0' as const, tool: { name: 'aegis' as const, version: 'test' }, results: [result] };
    const outputs = [JSON.stringify(result), formatScanJson(report), formatScanSarif(report), formatScanText(report, { color: false }), formatScanHtml(report)];
    for (const output of outputs) expect(secrets.filter((secret) => output.includes(secret))).toEqual([]);
    expect(result.page?.headers.filter(([name]) => name === 'Set-Cookie').slice(0, 2)).toEqual([
      ['Set-Cookie', 'sessionid=[value hidden]; Domain=localhost; Path=/; Max-Age=43200000'],
      ['Set-Cookie', '__Host-auth=[value hidden]; Secure; HttpOnly; SameSite=Lax; Path=/account'],
    ]);
  });
});

describe('aegis scan of bad redirect chains from http://', () => {
  let chains: RedirectChains;
  beforeAll(async () => {
    chains = await startRedirectChains();
  });
  afterAll(async () => {
    await chains.close();
  });

  /** Scans `https://localhost:<https>/<path>` (TLS not probed) with the chain site's http:// entry point. */
  const scanChain = (path: string, httpPort = chains.httpPort): Promise<ScanResult> => scan(`https://localhost:${chains.httpsPort}/${path}`, { httpPort, tls: false });
  /** The https:// pages send no HSTS: every https target also gets TRANSPORT-001. */
  const noHsts: [string, string] = ['AEGIS-SCAN-TRANSPORT-001', 'no Strict-Transport-Security header'];

  it('through http:// on another host before https:// there: TRANSPORT-011, -012, -016', async () => {
    const { httpPort, httpsPort } = chains;
    const chained = await scanChain('other-host');
    expect(chained.redirects.map((hop) => ('error' in hop ? hop.error : `${hop.status} ${hop.url}`))).toEqual([
      `301 http://localhost:${httpPort}/other-host`,
      `301 http://127.0.0.1:${httpPort}/other-host`,
      `200 https://127.0.0.1:${httpsPort}/other-host`,
    ]);
    expect(seen('transport', chained)).toEqual([
      noHsts,
      ['AEGIS-SCAN-TRANSPORT-011', `http://localhost:${httpPort}/other-host 301 → http://127.0.0.1:${httpPort}/other-host`],
      ['AEGIS-SCAN-TRANSPORT-012', `http://localhost:${httpPort}/other-host → https://127.0.0.1:${httpsPort}/other-host (first https:// hop)`],
      ['AEGIS-SCAN-TRANSPORT-016', `http://localhost:${httpPort}/other-host → https://127.0.0.1:${httpsPort}/other-host`],
    ]);
    expect(chained.hstsPreload).toEqual({ eligible: false, reasons: [`the first redirect goes to http://127.0.0.1:${httpPort}/other-host, not to https:// on localhost`] });
    expect(chained.grade?.caps.map((cap) => cap.id)).not.toContain('AEGIS-SCAN-TRANSPORT-013');
  });

  it('to https:// and back to http://: TRANSPORT-013, capped at C', async () => {
    const { httpPort, httpsPort } = chains;
    const chained = await scanChain('downgrade');
    expect(seen('transport', chained)).toEqual([noHsts, ['AEGIS-SCAN-TRANSPORT-013', `https://localhost:${httpsPort}/checkout 302 → http://localhost:${httpPort}/checkout`]]);
    expect(chained.grade?.caps.filter((cap) => cap.id.includes('TRANSPORT'))).toEqual([
      { id: 'AEGIS-SCAN-TRANSPORT-013', grade: 'C', reason: 'a redirect sends visitors from HTTPS back to cleartext HTTP' },
      { id: 'AEGIS-SCAN-TRANSPORT-001', grade: 'A-', reason: 'no HSTS policy in force: a first visit or a typed URL can be downgraded' },
    ]);
  });

  it('into an https:// page that redirects to itself: TRANSPORT-014', async () => {
    const { httpPort, httpsPort } = chains;
    const chained = await scanChain('loop');
    const spin = `https://localhost:${httpsPort}/spin`;
    expect(seen('transport', chained)).toEqual([noHsts, ['AEGIS-SCAN-TRANSPORT-014', `${spin} requested twice: http://localhost:${httpPort}/loop → ${spin} → ${spin}`]]);
    expect(chained.grade?.caps.map((cap) => cap.id)).toContain('AEGIS-SCAN-TRANSPORT-014');
  });

  it('through seven redirects: TRANSPORT-015', async () => {
    const chained = await scanChain('long');
    expect(chained.redirects).toHaveLength(8);
    expect(seen('transport', chained)).toEqual([noHsts, ['AEGIS-SCAN-TRANSPORT-015', '7 redirects']]);
  });

  it('to an https:// port that does not answer: TRANSPORT-018', async () => {
    const chained = await scanChain('dead');
    const dead = `https://localhost:${chains.closedPort}/`;
    expect(seen('transport', chained)).toEqual([noHsts, ['AEGIS-SCAN-TRANSPORT-018', `${dead}: connect ECONNREFUSED 127.0.0.1:${chains.closedPort}`]]);
  });

  it('judges the cookies a redirect sets (the page sets none), and grades the cookie category', async () => {
    const chained = await scanChain('cookie-redirect');
    const hop = `http://localhost:${chains.httpPort}/cookie-redirect`;
    expect(chained.categoriesScanned).toContain('cookies');
    // localhost is a secure context for browsers, so the cleartext finding (012) does not apply
    // here; the session cookie still lacks HttpOnly (014) and SameSite (015).
    expect(seen('cookies', chained)).toEqual([
      ['AEGIS-SCAN-COOKIE-014', `${hop}: PHPSESSID=[value hidden]; Path=/`],
      ['AEGIS-SCAN-COOKIE-015', `${hop}: PHPSESSID=[value hidden]; Path=/`],
    ]);
    expect(JSON.stringify(chained)).not.toContain(FIXTURE_SECRETS.sessionCookie);
  });

  it('with nothing on the http:// port: TRANSPORT-017 (info only)', async () => {
    const chained = await scanChain('', chains.closedPort);
    const entry = `http://localhost:${chains.closedPort}/`;
    expect(seen('transport', chained)).toEqual([noHsts, ['AEGIS-SCAN-TRANSPORT-017', `${entry}: connect ECONNREFUSED 127.0.0.1:${chains.closedPort}`]]);
  });

  it('an http:// target that answers without a redirect, with HSTS browsers ignore: TRANSPORT-010, -002, no TLS graded', async () => {
    const plain = await scan(`http://localhost:${chains.httpPort}/plain`);
    expect(plain.categoriesScanned).not.toContain('tls');
    expect(seen('transport', plain)).toEqual([
      ['AEGIS-SCAN-TRANSPORT-010', `http://localhost:${chains.httpPort}/plain answered 200 without a redirect`],
      ['AEGIS-SCAN-TRANSPORT-002', 'Strict-Transport-Security: max-age=63072000; includeSubDomains (over http://)'],
    ]);
  });
});

describe('scanner verdicts found wrong while building the fixture', () => {
  // Regression: several enforced policies (header + <meta>, or a header with two policies) were
  // combined only for missing directives and 'unsafe-inline'/'unsafe-eval', not for script host
  // allowlists. Here the second policy allows 'self' only, so no external script can load (a script
  // must pass every policy), yet the first policy's hosts were reported as a JSONP gadget host
  // (CSP-017, high) and an http:// script source (CSP-016).
  it('does not report script hosts another enforced policy blocks (CSP-016, CSP-017)', () => {
    const policy = "script-src https://www.google.com/complete/search http://legacy.example.com; object-src 'none'; base-uri 'none', script-src 'self'";
    const reported = evaluateCsp(policy).map((finding) => finding.id);
    expect(reported.filter((id) => id === 'AEGIS-SCAN-CSP-016' || id === 'AEGIS-SCAN-CSP-017')).toEqual([]);
  });

  // Regression: a site that speaks only TLS 1.0/1.1 came out as "unreachable" with no finding and
  // no grade: the page was fetched with Node's default client (TLS 1.2 at least), that handshake
  // failed ("tlsv1 alert protocol version"), and scan() returned before the TLS sweep ran. The page
  // fetch now accepts what the site serves (LENIENT_CLIENT_TLS); the sweep judges it.
  it('reports TLS 1.0/1.1 accepted and TLS 1.2 missing on a server that speaks only TLS 1.0 and 1.1', async () => {
    const files = rsaCertificateFiles();
    const cert = readFileSync(files.cert);
    const legacy = createHttpsServer({ cert, key: readFileSync(files.key), minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0' }, (_req, res) => res.end('<!doctype html><title>legacy</title>'));
    legacy.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => legacy.listen(0, '127.0.0.1', resolve));
    try {
      const scanned = await scan(`https://localhost:${(legacy.address() as AddressInfo).port}/`, { ca: cert, httpPort: false });
      expect(scanned.findings.map((finding) => finding.id).filter((id) => /TLS-00[234]$/.test(id)).sort()).toEqual(ids('TLS-002', 'TLS-003', 'TLS-004'));
    } finally {
      legacy.close();
      rmSync(files.dir, { recursive: true, force: true });
    }
  });
});
