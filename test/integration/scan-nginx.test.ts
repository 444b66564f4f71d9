/**
 * `aegis scan` against a second real server: Debian's nginx (nginx-light, OpenSSL 3), once
 * configured well and once badly. The TLS verdicts of the raw ClientHello probe are checked against
 * `openssl s_client` talking to the same nginx, an independent implementation.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/scan/index.js';
import type { ScanResult } from '../../src/scan/result.js';
import { scanTls, type TlsScan } from '../../src/scan/tls/index.js';
import { certificateFiles, rsaCertificateFiles } from '../helpers/certificates.js';
import { nginxHasHttp2Directive, nginxVersion, startNginx, type NginxServer } from '../helpers/nginx.js';

const HOST = '127.0.0.1';
const DAY = 86_400_000;
const ec = certificateFiles({});
const rsa = rsaCertificateFiles();
let goodNginx: NginxServer | undefined;
let badNginx: NginxServer | undefined;
let good: ScanResult;
let bad: ScanResult;
let noSeclevel: TlsScan;

// What the good server serves (suites by OpenSSL name in nginx.conf; the scan reports IANA names).
const GOOD_TLS12 = ['ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES128-GCM-SHA256'];
const GOOD_TLS13 = ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256'];
const CSP = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
// The bad server: one ECDHE-GCM suite first, then ECDHE-CBC, RSA-CBC and RSA-GCM. OpenSSL 3 at its
// default security level (Debian: 2) refuses TLS 1.0/1.1 handshakes (no SHA-1/MD5 signatures):
// @SECLEVEL=0 is what lets nginx actually serve them (the third server below shows the difference).
const BAD_SUITES = 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA:AES128-SHA:AES256-SHA:AES128-GCM-SHA256';

beforeAll(async () => {
  const h2 = nginxHasHttp2Directive();
  goodNginx = await startNginx({
    ports: 2,
    files: () => ({
      'www/index.html': '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>nginx</title></head><body><p>Hello from nginx.</p></body></html>\n',
      // Expires half a year ahead: in the future, and less than a year away (RFC 9116 §2.5.5).
      'www/.well-known/security.txt': `Contact: mailto:security@example.com\nExpires: ${new Date(Date.now() + 180 * DAY).toISOString().replace(/\.\d+Z$/, 'Z')}\n`,
    }),
    http: ({ dir, ports: [tls, http] }) => `
server_tokens off;
server {
  listen ${HOST}:${tls} ssl${h2 ? '' : ' http2'};
  ${h2 ? 'http2 on;' : '# http2 is a listen parameter before nginx 1.25.1'}
  server_name localhost;
  ssl_certificate ${ec.cert};
  ssl_certificate_key ${ec.key};
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_ciphers ${GOOD_TLS12.join(':')};
  ssl_conf_command Ciphersuites ${GOOD_TLS13.join(':')};
  ssl_prefer_server_ciphers on;
  root ${dir}/www;
  add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
  add_header Content-Security-Policy "${CSP}" always;
  add_header X-Content-Type-Options nosniff always;
  add_header Referrer-Policy strict-origin-when-cross-origin always;
  add_header Permissions-Policy "camera=(), microphone=(), geolocation=()" always;
  add_header Cross-Origin-Opener-Policy same-origin always;
  add_header Cross-Origin-Resource-Policy same-origin always;
}
server {
  listen ${HOST}:${http};
  server_name localhost;
  return 308 https://localhost:${tls}$request_uri;
}`,
  });
  badNginx = await startNginx({
    ports: 3,
    files: () => ({
      // No index.html: with autoindex on, / is a listing of the web root.
      'www/about.html': '<!doctype html>\n<title>About</title><p>About us.</p>\n',
      'www/.git/HEAD': 'ref: refs/heads/main\n',
    }),
    http: ({ dir, ports: [tls, http, legacy] }) => `
server_tokens on;
server {
  listen ${HOST}:${tls} ssl;
  listen ${HOST}:${http};
  server_name localhost;
  ssl_certificate ${rsa.cert};
  ssl_certificate_key ${rsa.key};
  ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
  ssl_ciphers ${BAD_SUITES}:@SECLEVEL=0;
  ssl_prefer_server_ciphers on;
  root ${dir}/www;
  autoindex on;
}
server {
  listen ${HOST}:${legacy} ssl;
  server_name localhost;
  ssl_certificate ${rsa.cert};
  ssl_certificate_key ${rsa.key};
  ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
  ssl_ciphers ${BAD_SUITES};
  ssl_prefer_server_ciphers on;
  root ${dir}/www;
}`,
  });
  const [goodTls, goodHttp] = goodNginx.ports;
  const [badTls, badHttp, legacy] = badNginx.ports;
  [good, bad, noSeclevel] = await Promise.all([
    scan(`https://localhost:${goodTls}/`, { ca: readFileSync(ec.cert), httpPort: goodHttp, timeoutMs: 3000 }),
    scan(`https://localhost:${badTls}/`, { ca: readFileSync(rsa.cert), httpPort: badHttp, timeoutMs: 3000 }),
    scanTls(HOST, legacy ?? 0, { servername: 'localhost', ca: readFileSync(rsa.cert), timeoutMs: 3000 }),
  ]);
});

afterAll(async () => {
  await Promise.all([goodNginx?.stop(), badNginx?.stop()]);
  for (const dir of [ec.dir, rsa.dir]) rmSync(dir, { recursive: true, force: true });
});

const port = (server: NginxServer | undefined, index: number): number => server?.ports[index] ?? 0;
const accepted = (versions: Record<string, { accepted: boolean }> | undefined): Record<string, boolean> => Object.fromEntries(Object.entries(versions ?? {}).map(([name, version]) => [name, version.accepted]));
const ciphersOf = (result: ScanResult): Record<string, readonly string[] | undefined> => Object.fromEntries(Object.entries(result.tls?.versions ?? {}).map(([name, version]) => [name, version.ciphers]));

/** OpenSSL name → IANA name, from `openssl ciphers -stdname` (every suite this OpenSSL knows). */
const IANA = new Map(
  execFileSync('openssl', ['ciphers', '-stdname', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^(\S+)\s+-\s+(\S+)/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => [match[2] ?? '', match[1] ?? '']),
);
const TLS13_ALL = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256'];
type OpensslVersion = 'tls1' | 'tls1_1' | 'tls1_2' | 'tls1_3';

/**
 * The suites `openssl s_client -<version>` gets from `127.0.0.1:<port>`, by IANA name, in the order
 * the server chose them: offer everything, note the choice, offer the rest again, until the
 * handshake fails. Empty when the version is refused.
 */
function opensslSuites(serverPort: number, version: OpensslVersion): string[] {
  const chosen: string[] = [];
  for (;;) {
    const offer =
      version === 'tls1_3'
        ? ['-ciphersuites', TLS13_ALL.filter((name) => !chosen.includes(name)).join(':')]
        : ['-cipher', ['ALL:COMPLEMENTOFALL', ...chosen.map((name) => `!${name}`), '@SECLEVEL=0'].join(':')];
    if (version === 'tls1_3' && chosen.length === TLS13_ALL.length) break;
    // spawnSync, not execFileSync: -brief prints the outcome on stderr, which execFileSync drops on success.
    const run = spawnSync('openssl', ['s_client', '-connect', `${HOST}:${serverPort}`, '-servername', 'localhost', '-brief', `-${version}`, ...offer], { input: '', encoding: 'utf8', timeout: 5000 });
    const suite = /^Ciphersuite: (\S+)$/m.exec(`${run.stdout}${run.stderr}`)?.[1];
    if (run.status !== 0 || suite === undefined) break;
    chosen.push(suite);
  }
  return chosen.map((name) => IANA.get(name) ?? name);
}

/** What openssl s_client sees, per version, shaped like the scan's `ciphers` (undefined: refused). */
function opensslView(serverPort: number): Record<string, string[] | undefined> {
  const view: Record<string, string[] | undefined> = {};
  for (const [name, flag] of [['TLSv1.0', 'tls1'], ['TLSv1.1', 'tls1_1'], ['TLSv1.2', 'tls1_2'], ['TLSv1.3', 'tls1_3']] as const) {
    const suites = opensslSuites(serverPort, flag);
    view[name] = suites.length === 0 ? undefined : suites;
  }
  return view;
}

describe('aegis scan of a well-configured nginx (TLS 1.2+1.3, ECDHE-AEAD, HSTS, strict CSP, 308 from http)', () => {
  it('grades A+ 100 with exactly four info findings', () => {
    // TLS-017: no OCSP stapling, because a self-signed certificate has no OCSP responder to staple.
    // HDR-024: no COEP, on purpose (it breaks ordinary pages that embed cross-origin resources).
    // HDR-029: `server_tokens off` drops the version, but stock nginx cannot drop `Server: nginx` itself.
    // CSP-026: no require-trusted-types-for (the nonce-less CSP above is otherwise complete).
    // Not reported: h2 (ALPN chose h2), HSTS (2 years, includeSubDomains), the redirect (308 to the
    // same host over https), security.txt, framing (frame-ancestors 'none'), nosniff, Referrer-Policy,
    // Permissions-Policy, COOP, CORP, CORS (nginx sends no CORS headers), TRACE (nginx answers 405).
    expect(good.findings.map((finding) => [finding.id, finding.evidence])).toEqual([
      ['AEGIS-SCAN-TLS-017', 'no OCSP response stapled'],
      ['AEGIS-SCAN-HDR-024', 'no Cross-Origin-Embedder-Policy'],
      ['AEGIS-SCAN-HDR-029', 'Server: nginx'],
      ['AEGIS-SCAN-CSP-026', 'no require-trusted-types-for'],
    ]);
    expect(good.outcome).toBe('scanned');
    expect(good.grade?.overall).toEqual({ grade: 'A+', score: 100 });
    expect(good.grade?.caps).toEqual([]);
    expect(good.errors).toEqual([]);
  });

  it('accepts TLS 1.2 and 1.3 only, with exactly the configured suites in nginx.conf order, and a trusted EC certificate over h2', () => {
    expect(accepted(good.tls?.versions)).toEqual({ SSLv3: false, 'TLSv1.0': false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true });
    expect(ciphersOf(good)).toEqual({
      SSLv3: undefined,
      'TLSv1.0': undefined,
      'TLSv1.1': undefined,
      'TLSv1.2': ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
      'TLSv1.3': GOOD_TLS13,
    });
    expect(good.tls?.versions['TLSv1.2']).toMatchObject({ preferred: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', ciphersComplete: true });
    expect(good.tls?.versions['TLSv1.3']).toMatchObject({ preferred: 'TLS_AES_256_GCM_SHA384', ciphersComplete: true });
    expect(good.tls?.certificate).toMatchObject({ trusted: true, hostnameMatch: true, keyType: 'ec', keyBits: 256, ocspStapled: false, alpn: 'h2' });
  });

  it('followed one 308 from the http port to the https page, which sends the HSTS header', () => {
    const tls = port(goodNginx, 0);
    const http = port(goodNginx, 1);
    expect(good.redirects).toEqual([
      { url: `http://localhost:${http}/`, status: 308, location: `https://localhost:${tls}/` },
      { url: `https://localhost:${tls}/`, status: 200, hsts: ['max-age=63072000; includeSubDomains'] },
    ]);
    expect(good.hstsPreload).toEqual({ eligible: false, reasons: [`https://localhost:${tls}/ sends no preload directive`] });
    expect(good.page?.headers.find(([name]) => name.toLowerCase() === 'content-security-policy')?.[1]).toBe(CSP);
  });

  it('agrees with openssl s_client on every version and suite', () => {
    const { SSLv3: _sslv3, ...scanned } = ciphersOf(good);
    expect(opensslView(port(goodNginx, 0))).toEqual(scanned);
  });
});

describe('aegis scan of a misconfigured nginx (TLS 1.0/1.1, RSA and CBC suites, version in Server, autoindex, /.git, no HSTS/CSP/redirect)', () => {
  it('reports exactly the expected findings', () => {
    const version = nginxVersion().join('.');
    const expires = new Date(new X509Certificate(readFileSync(rsa.cert)).validTo).toISOString();
    expect(bad.findings.map((finding) => [finding.id, finding.evidence])).toEqual([
      ['AEGIS-SCAN-TLS-002', 'TLSv1.0 handshake accepted'],
      ['AEGIS-SCAN-TLS-003', 'TLSv1.1 handshake accepted'],
      ['AEGIS-SCAN-TLS-009', 'TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_256_CBC_SHA, TLS_RSA_WITH_AES_128_GCM_SHA256'],
      // rsaCertificateFiles() makes a 2-day certificate.
      ['AEGIS-SCAN-TLS-014', `expires ${expires}`],
      ['AEGIS-SCAN-TLS-005', 'TLSv1.3 handshake refused'],
      ['AEGIS-SCAN-TLS-008', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_256_CBC_SHA'],
      ['AEGIS-SCAN-TLS-017', 'no OCSP response stapled'],
      ['AEGIS-SCAN-TLS-018', 'ALPN chose http/1.1 when offered h2, http/1.1'],
      // No TLS-010: at TLS 1.2 nginx prefers ECDHE-RSA-AES128-GCM-SHA256, a strong suite.
      ['AEGIS-SCAN-TRANSPORT-001', 'no Strict-Transport-Security header'],
      ['AEGIS-SCAN-TRANSPORT-010', `http://localhost:${port(badNginx, 1)}/ answered 200 without a redirect`],
      ['AEGIS-SCAN-HDR-005', 'no X-Frame-Options, no frame-ancestors'],
      ['AEGIS-SCAN-HDR-031', `Server: nginx/${version}`],
      ['AEGIS-SCAN-HDR-001', 'no X-Content-Type-Options'],
      ['AEGIS-SCAN-HDR-011', 'no Referrer-Policy'],
      ['AEGIS-SCAN-HDR-016', 'no Permissions-Policy'],
      ['AEGIS-SCAN-HDR-022', 'no Cross-Origin-Opener-Policy'],
      ['AEGIS-SCAN-HDR-024', 'no Cross-Origin-Embedder-Policy'],
      ['AEGIS-SCAN-HDR-025', 'no Cross-Origin-Resource-Policy'],
      ['AEGIS-SCAN-CSP-030', 'no Content-Security-Policy header or <meta> policy'],
      ['AEGIS-SCAN-EXPOSE-001', 'GET /.git/HEAD → 200, "ref: refs/heads/main"'],
      ['AEGIS-SCAN-EXPOSE-004', 'GET / → 200, "<title>Index of /"'],
      ['AEGIS-SCAN-EXPOSE-010', 'GET /.well-known/security.txt → 404'],
    ]);
    expect(bad.errors).toEqual([]);
  });

  it('grades D 57, under every cap it triggers (C for /.git, B for http, TLS 1.0/1.1 and RSA kx, A- for HSTS and no CSP)', () => {
    // Category scores: tls 100-4×15-2×5 = 30, transport 100-2×30 = 40, headers 100-2×15-5 = 65,
    // csp 70, exposures 100-30-15-5 = 50, cors/content 100. The page sets no cookie, so cookies is
    // left out (docs/scan-grading.md §1: never a silent 100). Weighted over the other 90:
    // (30×20 + 40×15 + 65×10 + 70×15 + 100×10 + 100×5 + 50×15) / 90 = 57.2 → 57, D (50–64),
    // already worse than the worst cap (C).
    expect(bad.categoriesScanned).toEqual(['tls', 'transport', 'headers', 'csp', 'cors', 'content', 'exposures']);
    expect(bad.grade?.overall).toEqual({ grade: 'D', score: 57 });
    expect(bad.grade?.caps.map((cap) => [cap.id, cap.grade])).toEqual([
      ['AEGIS-SCAN-EXPOSE-001', 'C'],
      ['AEGIS-SCAN-TRANSPORT-010', 'B'],
      ['AEGIS-SCAN-TLS-002', 'B'],
      ['AEGIS-SCAN-TLS-003', 'B'],
      ['AEGIS-SCAN-TLS-009', 'B'],
      ['AEGIS-SCAN-TRANSPORT-001', 'A-'],
      ['AEGIS-SCAN-CSP-030', 'A-'],
    ]);
    expect(bad.redirects).toEqual([{ url: `http://localhost:${port(badNginx, 1)}/`, status: 200 }]);
  });

  it('saw TLS 1.0, 1.1 and 1.2, not 1.3, with the configured suites each version allows, in nginx.conf order', () => {
    expect(accepted(bad.tls?.versions)).toEqual({ SSLv3: false, 'TLSv1.0': true, 'TLSv1.1': true, 'TLSv1.2': true, 'TLSv1.3': false });
    // The GCM suites are TLS 1.2-only, so 1.0 and 1.1 get the three SHA-1 CBC suites.
    const legacy = ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_256_CBC_SHA'];
    expect(ciphersOf(bad)).toEqual({
      SSLv3: undefined,
      'TLSv1.0': legacy,
      'TLSv1.1': legacy,
      'TLSv1.2': ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', ...legacy, 'TLS_RSA_WITH_AES_128_GCM_SHA256'],
      'TLSv1.3': undefined,
    });
    expect(bad.tls?.certificate).toMatchObject({ trusted: true, hostnameMatch: true, keyType: 'rsa', keyBits: 2048, alpn: 'http/1.1' });
  });

  it('agrees with openssl s_client on every version and suite', () => {
    const { SSLv3: _sslv3, ...scanned } = ciphersOf(bad);
    expect(opensslView(port(badNginx, 0))).toEqual(scanned);
  });
});

describe('nginx listing TLS 1.0/1.1 without @SECLEVEL=0 (what Debian OpenSSL 3 really serves)', () => {
  it('counts the internal_error alert nginx answers to TLS 1.0/1.1 as refused, like openssl s_client', () => {
    expect(accepted(noSeclevel.versions)).toEqual({ SSLv3: false, 'TLSv1.0': false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': false });
    expect(Object.values(noSeclevel.versions).every((version) => version.error === undefined)).toBe(true);
    const scanned = Object.fromEntries(Object.entries(noSeclevel.ciphers).map(([name, list]) => [name, list?.ciphers.map((suite) => suite.name)]));
    expect(opensslView(port(badNginx, 2))).toEqual({ 'TLSv1.0': undefined, 'TLSv1.1': undefined, 'TLSv1.3': undefined, ...scanned });
    expect(scanned).toEqual({ 'TLSv1.2': ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_256_CBC_SHA', 'TLS_RSA_WITH_AES_128_GCM_SHA256'] });
    expect(noSeclevel.findings.map((finding) => finding.id)).toEqual(['AEGIS-SCAN-TLS-005', 'AEGIS-SCAN-TLS-008', 'AEGIS-SCAN-TLS-009', 'AEGIS-SCAN-TLS-014', 'AEGIS-SCAN-TLS-017', 'AEGIS-SCAN-TLS-018']);
  });
});
