/**
 * Deliberately misconfigured sites for `aegis scan` tests, served by the tests themselves.
 *
 * `startMisconfiguredSite()`: one shop on node:https (plus its http:// entry point) with every
 * mistake the scanner is meant to catch; each one is commented with the finding id(s) it should
 * trigger. `startRedirectChains()`: a small site whose http:// paths redirect badly (another host,
 * a downgrade, a loop, too many hops, a dead target), for the TRANSPORT checks.
 *
 * Every host a test can reach is loopback, which browsers treat as a secure context; so the
 * fixture points its cleartext resources at `*.example` hosts (never fetched by the scanner).
 */

import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateFiles } from './certificates.js';
import { HOST } from './test-servers.js';

/** Values the site hands out that no scan report may ever contain. */
export const FIXTURE_SECRETS = {
  sessionCookie: 'sess-7f3a9c-never-in-a-report',
  authCookie: 'auth-51be02-never-in-a-report',
  databasePassword: 'db-pass-c0ffee-never-in-a-report',
  sessionSecret: 'env-secret-d15ea5e-never-in-a-report',
} as const;

/** The name the fixture's certificate is issued for (the scan targets `localhost`: TLS-013). */
export const CERTIFICATE_NAME = 'shop.example';

/** A running misconfigured site. */
export interface MisconfiguredSite {
  /** `https://localhost:<port>/`: the scan target. */
  readonly url: string;
  readonly httpsPort: number;
  /** The plain-HTTP entry point (pass it as the scan's `httpPort`). */
  readonly httpPort: number;
  /** The certificate served (self-signed RSA 1024, SHA-1, for {@link CERTIFICATE_NAME}, 10 days). */
  readonly certificate: X509Certificate;
  close(): Promise<void>;
}

type Headers = ReadonlyArray<readonly [string, string]>;

/** Sends `status` with `headers` (a name may repeat: it is sent as several fields) and `body`. */
function send(res: ServerResponse, status: number, headers: Headers, body: string | Buffer = ''): void {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of headers) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  for (const [name, values] of grouped) res.setHeader(name, values.length === 1 ? (values[0] as string) : values);
  res.writeHead(status).end(body);
}

// ---------------------------------------------------------------------------------------------
// The shop
// ---------------------------------------------------------------------------------------------

const CSP = [
  'default-src * data: blob:', // object-src falls back to it: CSP-014 (*), CSP-015 (data:)
  "script-src 'self' 'unsafe-inline' 'unsafe-eval'" + // CSP-011, CSP-013
    ' https://www.google.com/complete/search' + // JSONP endpoint: CSP-017
    ' https://cdn.example.com http://legacy.example.com', // host allowlist: CSP-018; http:// source: CSP-016
  'img-src self data: http:', // `self` without quotes: CSP-008
  'block-all-mixed-content', // retired: CSP-004
  "frame-ancestor 'self'", // misspelt, so unknown (CSP-003) and no frame-ancestors (CSP-025)
  'report-uri /csp-report',
  // no base-uri: CSP-024; no require-trusted-types-for: CSP-026
].join('; ');

/** The home page's headers (CORS headers are added per request, see `corsHeaders`). */
const PAGE_HEADERS: Headers = [
  ['Content-Type', 'text/html; charset=utf-8'],
  ['Server', 'Apache/2.4.41 (Ubuntu)'], // version: HDR-031
  ['X-Powered-By', 'Express/4.17.1'], // version: HDR-031
  ['X-Runtime', '0.012873'], // internals: HDR-030
  // no X-Content-Type-Options: HDR-001
  ['X-Frame-Options', 'ALLOWALL'], // not a value browsers know, and no frame-ancestors: HDR-006
  ['Referrer-Policy', 'always, unsafe-url'], // legacy token skipped: HDR-015; full URL to every site: HDR-012
  ['Permissions-Policy', 'camera=*, geolocation=(self "maps.example.com"), interest-cohort=()'], // HDR-021, HDR-020, HDR-018
  ['Cross-Origin-Opener-Policy', 'unsafe-none'], // HDR-023
  ['Cross-Origin-Embedder-Policy', 'require_corp'], // misspelt: HDR-027
  ['Cross-Origin-Resource-Policy', 'cross-origin'], // HDR-026
  ['Cache-Control', 'public, max-age=600'], // cacheable response that sets cookies: HDR-028
  // HSTS for 5 minutes, preload asked, an unknown directive, and a second field:
  // TRANSPORT-006, -007, -008, -009, -004
  ['Strict-Transport-Security', 'max-age=300; preload; always'],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
  ['Content-Security-Policy', CSP],
  // session cookie: no Secure (COOKIE-010), no HttpOnly (-014), no SameSite (-015), Domain of the
  // host itself so every subdomain gets it (-022), 500 days (-026, and over the 400-day cap: -027)
  ['Set-Cookie', `sessionid=${FIXTURE_SECRETS.sessionCookie}; Domain=localhost; Path=/; Max-Age=43200000`],
  // __Host- with a Path other than /: browsers reject it (COOKIE-018)
  ['Set-Cookie', `__Host-auth=${FIXTURE_SECRETS.authCookie}; Secure; HttpOnly; SameSite=Lax; Path=/account`],
  ['Set-Cookie', '__Secure-prefs=compact; SameSite=Strict; Path=/'], // __Secure- without Secure: COOKIE-019
  ['Set-Cookie', 'ad_id=42; SameSite=None; Path=/'], // SameSite=None without Secure: COOKIE-017
  ['Set-Cookie', 'currency=EUR; SameSite=Lax; Path=/'], // no Secure: COOKIE-011
  ['Set-Cookie', 'lang=en; Secure; SameSite=Lax; Domain=shop.example; Path=/'], // Domain of another site: COOKIE-023
  ['Set-Cookie', 'theme=dark; Secure; Secure; SameSite=Lox; Path=/'], // Secure twice: COOKIE-003; SameSite typo: COOKIE-016
  ['Set-Cookie', 'embed=1; Partitioned; SameSite=Lax; Path=/'], // Partitioned without Secure: COOKIE-028
  ['Set-Cookie', 'visited=1; Secure; SameSite=Lax; Path=/; Expires=tomorrow'], // unparsable Expires: COOKIE-002
];

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<!-- frame-ancestors is ignored in <meta>: CSP-028 -->
<meta http-equiv="Content-Security-Policy" content="frame-ancestors 'none'">
<title>Misconfigured shop</title>
<!-- cross-origin stylesheet whose integrity uses sha1, which browsers ignore: CONTENT-004 -->
<link rel="stylesheet" href="https://cdn.example.com/theme.css" integrity="sha1-Ve3kdn6ZYJ5rk5DpYGLcKhBjMjE=" crossorigin="anonymous">
<!-- script over http: on an https page: CONTENT-001 -->
<script src="http://legacy.example.com/widget.js"></script>
<!-- cross-origin script without integrity: CONTENT-003 -->
<script src="https://cdn.example.com/jquery-3.4.1.min.js"></script>
<!-- integrity without crossorigin: the check fails and the script is not loaded: CONTENT-005 -->
<script src="https://cdn.example.com/analytics.js" integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"></script>
<!-- same-origin script with a source map: EXPOSE-020 -->
<script src="/static/app.js"></script>
</head>
<body onload="init()">
<!-- image over http: CONTENT-002 -->
<img src="http://images.example.com/logo.png" alt="Shop">
<!-- inline handlers that the CSP ('unsafe-inline') lets run: CONTENT-006 -->
<button onclick="addToCart(42)">Add to cart</button>
<!-- card details posted over http: CONTENT-008 -->
<form action="http://pay.example.com/checkout" method="post"><input name="card"><button>Pay</button></form>
<!-- a form to another origin: CONTENT-009 -->
<form action="https://newsletter.example.net/subscribe" method="post"><input name="email"><button>Subscribe</button></form>
</body>
</html>
`;

const APP_JS = 'function init() {}\nfunction addToCart(id) { return id; }\n//# sourceMappingURL=app.js.map\n';
const APP_JS_MAP = JSON.stringify({
  version: 3,
  file: 'app.js',
  sources: ['../src/app.ts', '../src/admin-routes.ts'],
  sourcesContent: ['export function init(): void {}\n', "export const ADMIN = '/internal/admin';\n"],
  names: [],
  mappings: 'AAAA',
});

/** Files that should never be served, each recognised by its content. */
const EXPOSED: Readonly<Record<string, readonly [string, string | Buffer]>> = {
  '/.git/HEAD': ['text/plain', 'ref: refs/heads/main\n'], // EXPOSE-001
  // EXPOSE-002 (the evidence names the keys, never the values)
  '/.env': ['text/plain', `# production\nDATABASE_URL=postgres://shop:${FIXTURE_SECRETS.databasePassword}@db.internal:5432/shop\nSESSION_SECRET=${FIXTURE_SECRETS.sessionSecret}\nDEBUG=false\n`],
  '/server-status': ['text/html', '<html><head><title>Apache Status</title></head><body><h1>Apache Server Status for localhost</h1></body></html>'], // EXPOSE-003
  '/.DS_Store': ['application/octet-stream', Buffer.concat([Buffer.from('\0\0\0\u0001Bud1', 'latin1'), Buffer.alloc(32)])], // EXPOSE-005
  '/backup.zip': ['application/zip', Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), Buffer.alloc(26)])], // EXPOSE-006
  // an http:// Contact (EXPOSE-018), expired (EXPOSE-014), Expires twice (EXPOSE-017), a line that is not a field (EXPOSE-011)
  '/.well-known/security.txt': ['text/plain', '# Security contact\nContact: http://shop.example/security\nExpires: 2020-01-01T00:00:00Z\nExpires: 2030-01-01T00:00:00Z\nPlease report problems to the webmaster.\n'],
  // an automatic index of the directory the page's script lives in: EXPOSE-004 (the scan asks for it)
  '/static/': ['text/html', '<html><head><title>Index of /static/</title></head><body><h1>Index of /static/</h1><a href="app.js">app.js</a></body></html>'],
  '/static/app.js': ['text/javascript', APP_JS],
  '/static/app.js.map': ['application/json', APP_JS_MAP], // version 3 with sources: EXPOSE-020
};

/**
 * CORS as a careless `cors({ origin: true, credentials: true })` does it: any Origin (`null`
 * included) copied back with credentials (CORS-001, CORS-004), the preflight's method and headers
 * copied too (CORS-006, CORS-007), and no `Vary: Origin` (CORS-008).
 */
function corsHeaders(req: IncomingMessage): Headers {
  const origin = req.headers.origin;
  if (origin === undefined) return [];
  const headers: Array<[string, string]> = [
    ['Access-Control-Allow-Origin', origin],
    ['Access-Control-Allow-Credentials', 'true'],
  ];
  const method = req.headers['access-control-request-method'];
  const requested = req.headers['access-control-request-headers'];
  if (typeof method === 'string') headers.push(['Access-Control-Allow-Methods', method]);
  if (typeof requested === 'string') headers.push(['Access-Control-Allow-Headers', requested]);
  return headers;
}

/** The shop, the same over https:// and http:// (the http:// entry point never redirects: TRANSPORT-010). */
const shop: RequestListener = (req, res) => {
  const path = new URL(req.url ?? '/', 'http://fixture.invalid').pathname;
  const host = req.headers.host ?? '';
  const cors = corsHeaders(req);
  if (req.method === 'TRACE') {
    // TRACE echoes the request: EXPOSE-030
    const echo = [`TRACE ${req.url ?? '/'} HTTP/${req.httpVersion}`, ...Object.entries(req.headers).map(([name, value]) => `${name}: ${String(value)}`)].join('\r\n');
    send(res, 200, [['Content-Type', 'message/http']], `${echo}\r\n\r\n`);
  } else if (req.method === 'OPTIONS') {
    send(res, 204, cors);
  } else if (!/^(?:localhost|127\.0\.0\.1)(?::\d+)?$/.test(host)) {
    // an unknown Host is "canonicalised" into the redirect and the link: EXPOSE-040, EXPOSE-041
    const login = `https://${host}/login`;
    send(res, 302, [['Location', login], ['Content-Type', 'text/html']], `<a href="${login}">Sign in</a>`);
  } else if (path === '/') {
    send(res, 200, [...PAGE_HEADERS, ...cors], PAGE);
  } else if (EXPOSED[path] !== undefined) {
    const [type, body] = EXPOSED[path];
    send(res, 200, [['Content-Type', type], ...cors], body);
  } else {
    send(res, 404, [['Content-Type', 'text/html']], '<h1>Not found</h1>');
  }
};

/**
 * The certificate: self-signed (TLS-011), for another name (TLS-013), expiring in 10 days (TLS-014),
 * RSA 1024 (TLS-015), signed with SHA-1 (TLS-016).
 */
function weakCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const name = CERTIFICATE_NAME;
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:1024', '-sha1', '-nodes', '-keyout', key, '-out', cert, '-days', '10', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`], { stdio: 'ignore' });
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return (server.address() as AddressInfo).port;
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Starts the misconfigured shop on free loopback ports. Call `close()` when done. */
export async function startMisconfiguredSite(): Promise<MisconfiguredSite> {
  const dir = mkdtempSync(join(tmpdir(), 'aegis-misconfigured-'));
  const pem = weakCertificate(dir);
  const https = createHttpsServer(
    {
      ...pem,
      minVersion: 'TLSv1', // TLS 1.0 and 1.1 accepted: TLS-002, TLS-003
      maxVersion: 'TLSv1.2', // no TLS 1.3: TLS-005
      honorCipherOrder: true, // and the server's first choice is the weakest: TLS-010
      // RSA key exchange (TLS-009), CBC (TLS-008), NULL encryption and anonymous ECDH (TLS-006);
      // SECLEVEL=0 lets OpenSSL use those, TLS 1.0/1.1 and the 1024-bit key
      ciphers: 'AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA:AES256-GCM-SHA384:ECDHE-RSA-NULL-SHA:AECDH-AES128-SHA:@SECLEVEL=0',
      // no ALPN (TLS-018), no OCSP stapling (TLS-017)
    },
    shop,
  );
  https.on('tlsClientError', () => undefined);
  const http = createHttpServer(shop);
  const [httpsPort, httpPort] = [await listen(https), await listen(http)];
  return {
    url: `https://localhost:${httpsPort}/`,
    httpsPort,
    httpPort,
    certificate: new X509Certificate(pem.cert),
    close: async () => {
      await Promise.all([stop(https), stop(http)]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Redirect chains
// ---------------------------------------------------------------------------------------------

/** A running redirect-chain site. */
export interface RedirectChains {
  readonly httpsPort: number;
  readonly httpPort: number;
  /** A port nothing listens on. */
  readonly closedPort: number;
  close(): Promise<void>;
}

/**
 * Starts the redirect-chain site. Its https:// pages answer 200 with a plain page and no HSTS
 * (TRANSPORT-001 on every https target). Scan `https://localhost:<httpsPort>/<chain>` with
 * `httpPort` to follow `http://localhost:<httpPort>/<chain>`:
 *
 * - `/other-host`: to http:// on 127.0.0.1, then https:// there (TRANSPORT-011, -012, -016);
 * - `/downgrade`: to https://, which sends the visitor back to http:// (TRANSPORT-013);
 * - `/loop`: to an https:// page that redirects to itself (TRANSPORT-014);
 * - `/long`: seven redirects (TRANSPORT-015);
 * - `/dead`: to https:// on a closed port (TRANSPORT-018);
 * - `/plain` (scanned as an http:// target): answers without a redirect, with HSTS (TRANSPORT-010, -002).
 */
export async function startRedirectChains(): Promise<RedirectChains> {
  const closer = createHttpServer();
  const closedPort = await listen(closer);
  await stop(closer);
  const page = (res: ServerResponse, headers: Headers = []): void => send(res, 200, [['Content-Type', 'text/html'], ...headers], '<!doctype html><title>chain</title>');
  const moved = (res: ServerResponse, location: string): void => send(res, 301, [['Location', location]]);
  let httpsPort = 0;
  let httpPort = 0;
  const { cert, key } = certificateFiles({}).pem;
  const https = createHttpsServer({ cert, key }, (req, res) => {
    const path = req.url ?? '/';
    const hop = /^\/hop\/(\d+)$/.exec(path)?.[1];
    if (path === '/checkout') send(res, 302, [['Location', `http://localhost:${httpPort}/checkout`]]);
    else if (path === '/spin') send(res, 302, [['Location', '/spin']]);
    else if (hop !== undefined) send(res, 302, [['Location', Number(hop) < 6 ? `/hop/${Number(hop) + 1}` : '/']]);
    else page(res);
  });
  const http = createHttpServer((req, res) => {
    const path = req.url ?? '/';
    const [host] = (req.headers.host ?? '').split(':');
    if (path === '/other-host') moved(res, host === 'localhost' ? `http://127.0.0.1:${httpPort}/other-host` : `https://127.0.0.1:${httpsPort}/other-host`);
    else if (path === '/downgrade') moved(res, `https://localhost:${httpsPort}/checkout`);
    else if (path === '/loop') moved(res, `https://localhost:${httpsPort}/spin`);
    else if (path === '/long') moved(res, `https://localhost:${httpsPort}/hop/1`);
    else if (path === '/dead') moved(res, `https://localhost:${closedPort}/`);
    // a session cookie set on the cleartext redirect itself: COOKIE-012 (the scan judges the hops' cookies too)
    else if (path === '/cookie-redirect') send(res, 301, [['Location', `https://localhost:${httpsPort}/cookie-redirect`], ['Set-Cookie', `PHPSESSID=${FIXTURE_SECRETS.sessionCookie}; Path=/`]]);
    else page(res, [['Strict-Transport-Security', 'max-age=63072000; includeSubDomains']]);
  });
  [httpsPort, httpPort] = [await listen(https), await listen(http)];
  return { httpsPort, httpPort, closedPort, close: async () => void (await Promise.all([stop(https), stop(http)])) };
}
