/**
 * Hand-built `ScanReport`s shaped like real `aegis scan` output, shared by the report-format tests
 * (text, JSON, SARIF, HTML). Plain data on purpose: the formats must not depend on the scanner.
 * `test/unit/scan-report-json.test.ts` checks that every finding here matches its finding table
 * (id, severity, title) and that every grade is what `gradeScan` computes from the findings, so the
 * fixtures cannot drift from the real thing unnoticed.
 *
 * - {@link SCANNED_RESULT}: `https://shop.example.com/`, every category scanned, TLS with versions,
 *   ciphers and certificate, findings in six categories, two caps, HSTS preload eligibility, drift
 *   against `--expect`, one probe error.
 * - {@link HTTP_ONLY_RESULT}: `http://intranet.example.test/`, no TLS at all (tls not scanned, no
 *   `tls` block), caps that lower the grade from A to C.
 * - {@link UNREACHABLE_RESULT}: `https://gone.example.org/`, nothing could be fetched.
 */

import type { ScanReport, ScanResult } from '../../src/scan/result.js';

/** The tool block every fixture report carries. */
export const FIXTURE_TOOL = { name: 'aegis', version: '0.1.0' } as const;

/**
 * A fully scanned HTTPS site: TLS 1.1 still accepted (capped at B), CBC suites on TLS 1.2, a
 * certificate 21 days from expiry without OCSP stapling, a short HSTS max-age, a CSP with
 * `'unsafe-inline'` (capped at A-), missing nosniff, a version-disclosing `Server`, a session cookie
 * without HttpOnly, a CDN script without SRI, no security.txt; drift against the expected policy.
 */
export const SCANNED_RESULT: ScanResult = {
  target: 'https://shop.example.com/',
  outcome: 'scanned',
  startedAt: '2025-03-14T09:26:53.000Z',
  durationMs: 4210,
  categoriesScanned: ['tls', 'transport', 'headers', 'csp', 'cookies', 'cors', 'content', 'exposures'],
  grade: {
    overall: { grade: 'B', score: 79 },
    categories: {
      tls: { score: 65, grade: 'C', findings: { high: 0, medium: 2, low: 1, info: 1 } },
      transport: { score: 85, grade: 'A-', findings: { high: 0, medium: 1, low: 0, info: 0 } },
      headers: { score: 80, grade: 'B', findings: { high: 0, medium: 1, low: 1, info: 0 } },
      csp: { score: 55, grade: 'D', findings: { high: 1, medium: 1, low: 0, info: 0 } },
      cookies: { score: 85, grade: 'A-', findings: { high: 0, medium: 1, low: 0, info: 0 } },
      cors: { score: 100, grade: 'A+', findings: { high: 0, medium: 0, low: 0, info: 0 } },
      content: { score: 85, grade: 'A-', findings: { high: 0, medium: 1, low: 0, info: 0 } },
      exposures: { score: 95, grade: 'A+', findings: { high: 0, medium: 0, low: 1, info: 0 } },
    },
    caps: [
      { id: 'AEGIS-SCAN-TLS-003', grade: 'B', reason: 'the server accepts TLS 1.0 or 1.1' },
      { id: 'AEGIS-SCAN-CSP-011', grade: 'A-', reason: 'the Content-Security-Policy does not stop injected scripts' },
    ],
  },
  findings: [
    {
      id: 'AEGIS-SCAN-TLS-003',
      severity: 'medium',
      title: 'TLS 1.1 accepted',
      category: 'tls',
      evidence: 'TLSv1.1 handshake accepted',
      fix: 'set the minimum version to TLSv1.2 in the server or proxy TLS settings',
    },
    {
      id: 'AEGIS-SCAN-TLS-014',
      severity: 'medium',
      title: 'certificate expires within 30 days',
      category: 'tls',
      evidence: 'expires 2025-04-04T12:00:00.000Z',
      fix: 'renew the certificate (automate it, e.g. ACME)',
    },
    {
      id: 'AEGIS-SCAN-TLS-008',
      severity: 'low',
      title: 'CBC cipher suites accepted',
      category: 'tls',
      evidence: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
      fix: 'offer only AEAD suites (GCM, ChaCha20-Poly1305)',
    },
    {
      id: 'AEGIS-SCAN-TLS-017',
      severity: 'info',
      title: 'no OCSP stapling',
      category: 'tls',
      evidence: 'no OCSP response stapled',
      fix: 'enable OCSP stapling',
    },
    {
      id: 'AEGIS-SCAN-TRANSPORT-006',
      severity: 'medium',
      title: 'HSTS max-age under one year',
      category: 'transport',
      evidence: 'max-age=15552000',
      fix: "set headers.strictTransportSecurity.maxAge to at least '1y' (default '2y').",
    },
    {
      id: 'AEGIS-SCAN-HDR-031',
      severity: 'medium',
      title: 'header discloses a software version',
      category: 'headers',
      evidence: 'Server: nginx/1.18.0',
      fix: 'hide the version (nginx: server_tokens off).',
    },
    {
      id: 'AEGIS-SCAN-HDR-001',
      severity: 'low',
      title: 'no X-Content-Type-Options',
      category: 'headers',
      evidence: 'no X-Content-Type-Options',
      fix: 'send X-Content-Type-Options: nosniff (headers.xContentTypeOptions, on by default).',
    },
    {
      id: 'AEGIS-SCAN-CSP-011',
      severity: 'high',
      title: "'unsafe-inline' allows inline scripts",
      category: 'csp',
      evidence: "script-src 'self' 'unsafe-inline' https://cdn.example.net",
      fix: "remove 'unsafe-inline' and use nonces (headers.contentSecurityPolicy with nonce: true).",
    },
    {
      id: 'AEGIS-SCAN-CSP-024',
      severity: 'medium',
      title: 'no base-uri',
      category: 'csp',
      evidence: 'base-uri is not set (it does not fall back to default-src)',
      fix: "add base-uri 'none' (or 'self').",
    },
    {
      id: 'AEGIS-SCAN-COOKIE-014',
      severity: 'medium',
      title: 'session cookie readable by scripts (no HttpOnly)',
      category: 'cookies',
      evidence: 'sessionid=[value hidden]; Path=/; Secure; SameSite=Lax',
      fix: 'add HttpOnly to the session cookie.',
    },
    {
      id: 'AEGIS-SCAN-CONTENT-003',
      severity: 'medium',
      title: 'cross-origin script or stylesheet without Subresource Integrity',
      category: 'content',
      evidence: '<script src="https://cdn.example.net/lib/jquery-3.7.1.min.js">',
      fix: 'add integrity="sha384-…" and crossorigin="anonymous", or serve the file from your own origin.',
    },
    {
      id: 'AEGIS-SCAN-EXPOSE-010',
      severity: 'low',
      title: 'no security.txt (RFC 9116)',
      category: 'exposures',
      evidence: '/.well-known/security.txt: 404',
      fix: 'publish /.well-known/security.txt with Contact and Expires.',
    },
  ],
  redirects: [
    { url: 'http://shop.example.com/', status: 301, location: 'https://shop.example.com/' },
    { url: 'https://shop.example.com/', status: 200, hsts: ['max-age=15552000; includeSubDomains'] },
  ],
  hstsPreload: {
    eligible: false,
    reasons: ['https://shop.example.com/ sends max-age=15552000 (needs >= 31536000)', 'https://shop.example.com/ sends no preload directive'],
  },
  page: {
    url: 'https://shop.example.com/',
    status: 200,
    headers: [
      ['server', 'nginx/1.18.0'],
      ['x-powered-by', 'Express'],
      ['date', 'Fri, 14 Mar 2025 09:26:54 GMT'],
      ['content-type', 'text/html; charset=utf-8'],
      ['strict-transport-security', 'max-age=15552000; includeSubDomains'],
      ['content-security-policy', "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.example.net; object-src 'none'; frame-ancestors 'none'"],
      ['x-frame-options', 'DENY'],
      ['referrer-policy', 'strict-origin-when-cross-origin'],
      ['set-cookie', 'sessionid=[value hidden]; Path=/; Secure; SameSite=Lax'],
    ],
  },
  tls: {
    host: 'shop.example.com',
    port: 443,
    versions: {
      SSLv3: { accepted: false },
      'TLSv1.0': { accepted: false },
      'TLSv1.1': {
        accepted: true,
        preferred: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
        ciphers: ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA'],
        ciphersComplete: true,
      },
      'TLSv1.2': {
        accepted: true,
        preferred: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
        ciphers: [
          'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
          'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
          'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
          'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
          'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
        ],
        ciphersComplete: true,
      },
      'TLSv1.3': {
        accepted: true,
        preferred: 'TLS_AES_128_GCM_SHA256',
        ciphers: ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'],
        ciphersComplete: true,
      },
    },
    groups: { version: 'TLSv1.3', accepted: ['x25519', 'secp256r1', 'secp384r1'], complete: true },
    certificate: {
      trusted: true,
      hostnameMatch: true,
      subject: 'CN=shop.example.com',
      issuer: 'C=US, O=Let\'s Encrypt, CN=R11',
      validFrom: '2025-01-04T12:00:01.000Z',
      validTo: '2025-04-04T12:00:00.000Z',
      daysLeft: 21,
      keyType: 'RSA',
      keyBits: 2048,
      signatureAlgorithm: 'sha256WithRSAEncryption',
      ocspStapled: false,
      alpn: 'h2',
    },
  },
  drift: [
    {
      header: 'content-security-policy',
      kind: 'different',
      expected: "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
      served: "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.example.net; object-src 'none'; frame-ancestors 'none'",
      detail: "script-src: served has 'unsafe-inline' and lacks 'strict-dynamic'; base-uri: missing",
    },
    {
      header: 'strict-transport-security',
      kind: 'different',
      expected: 'max-age=63072000; includeSubDomains',
      served: 'max-age=15552000; includeSubDomains',
      detail: 'max-age: served 15552000, expected 63072000',
    },
    {
      header: 'x-content-type-options',
      kind: 'missing',
      expected: 'nosniff',
      detail: 'served lacks the header',
    },
    {
      header: 'x-powered-by',
      kind: 'unexpected',
      served: 'Express',
      detail: 'the policy does not send the header',
    },
  ],
  errors: ['GET /server-status: timed out after 10000 ms'],
};

/**
 * A site scanned at its http:// URL that answers there without redirecting: the page is never
 * fetched over https://, so `tls` is not scanned and there is no `tls` block. Score 91 (A), capped at C by a session cookie set over HTTP
 * and at B by the missing redirect.
 */
export const HTTP_ONLY_RESULT: ScanResult = {
  target: 'http://intranet.example.test/',
  outcome: 'scanned',
  startedAt: '2025-03-14T09:27:01.500Z',
  durationMs: 1873,
  categoriesScanned: ['transport', 'headers', 'csp', 'cookies', 'cors', 'content', 'exposures'],
  grade: {
    overall: { grade: 'C', score: 91 },
    categories: {
      transport: { score: 70, grade: 'C', findings: { high: 1, medium: 0, low: 0, info: 0 } },
      headers: { score: 100, grade: 'A+', findings: { high: 0, medium: 0, low: 0, info: 1 } },
      csp: { score: 100, grade: 'A+', findings: { high: 0, medium: 0, low: 0, info: 0 } },
      cookies: { score: 70, grade: 'C', findings: { high: 1, medium: 0, low: 0, info: 0 } },
      cors: { score: 100, grade: 'A+', findings: { high: 0, medium: 0, low: 0, info: 0 } },
      content: { score: 100, grade: 'A+', findings: { high: 0, medium: 0, low: 0, info: 0 } },
      exposures: { score: 100, grade: 'A+', findings: { high: 0, medium: 0, low: 0, info: 0 } },
    },
    caps: [
      { id: 'AEGIS-SCAN-COOKIE-012', grade: 'C', reason: 'a session cookie is set over plain HTTP' },
      { id: 'AEGIS-SCAN-TRANSPORT-010', grade: 'B', reason: 'http:// serves the site instead of redirecting to HTTPS' },
    ],
  },
  findings: [
    {
      id: 'AEGIS-SCAN-TRANSPORT-010',
      severity: 'high',
      title: 'http:// answers without redirecting to HTTPS',
      category: 'transport',
      evidence: 'http://intranet.example.test/: 200',
      fix: 'redirect every http:// request to https:// (serve({ redirectHttp: true }) or the proxy).',
    },
    {
      id: 'AEGIS-SCAN-HDR-011',
      severity: 'info',
      title: 'no Referrer-Policy (browser default applies)',
      category: 'headers',
      evidence: 'no Referrer-Policy',
      fix: 'send Referrer-Policy: no-referrer or strict-origin-when-cross-origin (headers.referrerPolicy).',
    },
    {
      id: 'AEGIS-SCAN-COOKIE-012',
      severity: 'high',
      title: 'session cookie set over plain HTTP',
      category: 'cookies',
      evidence: 'JSESSIONID=[value hidden]; Path=/; HttpOnly (over http://)',
      fix: 'serve the site over HTTPS only and mark the cookie Secure.',
    },
  ],
  redirects: [{ url: 'http://intranet.example.test/', status: 200 }],
  hstsPreload: { eligible: false, reasons: ['http://intranet.example.test/ answered 200 instead of redirecting to https://intranet.example.test/'] },
  page: {
    url: 'http://intranet.example.test/',
    status: 200,
    headers: [
      ['content-type', 'text/html;charset=UTF-8'],
      ['content-security-policy', "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"],
      ['x-content-type-options', 'nosniff'],
      ['set-cookie', 'JSESSIONID=[value hidden]; Path=/; HttpOnly'],
    ],
  },
  errors: ['CORS preflight: socket hang up', 'GET /.well-known/security.txt: timed out after 10000 ms'],
};

/** A target that could not be fetched at all: no grade, no findings. */
export const UNREACHABLE_RESULT: ScanResult = {
  target: 'https://gone.example.org/',
  outcome: 'unreachable',
  error: 'getaddrinfo ENOTFOUND gone.example.org',
  startedAt: '2025-03-14T09:27:03.400Z',
  durationMs: 38,
  categoriesScanned: [],
  findings: [],
  redirects: [],
  errors: ['getaddrinfo ENOTFOUND gone.example.org'],
};

/** `aegis scan` of the three targets above, in that order. */
export const MULTI_TARGET_REPORT: ScanReport = {
  schemaVersion: '1.0',
  tool: FIXTURE_TOOL,
  results: [SCANNED_RESULT, HTTP_ONLY_RESULT, UNREACHABLE_RESULT],
};

/** One fully scanned target (TLS, drift, caps). */
export const SCANNED_REPORT: ScanReport = { schemaVersion: '1.0', tool: FIXTURE_TOOL, results: [SCANNED_RESULT] };

/** One cleartext-only target (no TLS). */
export const HTTP_ONLY_REPORT: ScanReport = { schemaVersion: '1.0', tool: FIXTURE_TOOL, results: [HTTP_ONLY_RESULT] };

/** One unreachable target. */
export const UNREACHABLE_REPORT: ScanReport = { schemaVersion: '1.0', tool: FIXTURE_TOOL, results: [UNREACHABLE_RESULT] };

/** Every fixture report, by name (for table-driven tests). */
export const FIXTURE_REPORTS: Readonly<Record<string, ScanReport>> = {
  scanned: SCANNED_REPORT,
  'http-only': HTTP_ONLY_REPORT,
  unreachable: UNREACHABLE_REPORT,
  'multi-target': MULTI_TARGET_REPORT,
};
