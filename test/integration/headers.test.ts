import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { AegisOptions } from '../../src/index.js';
import { get, sendRaw, type RawResponse } from '../helpers/raw-http.js';
import { ADAPTERS, startServer, type AdapterName, type TestServer } from '../helpers/servers.js';

const PERMISSIONS =
  'accelerometer=(), browsing-topics=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), ' +
  'idle-detection=(), magnetometer=(), microphone=(), midi=(), payment=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()';

const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'content-length', 'content-type', 'transfer-encoding', 'etag']);

/** The headers Aegis is responsible for, as sent (lower-case names), failing on duplicates. */
function securityHeaders(response: RawResponse): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of response.lines) {
    const key = name.toLowerCase();
    if (TRANSPORT.has(key)) continue;
    if (key in result) throw new Error(`header ${name} sent twice`);
    result[key] = value;
  }
  return result;
}

function nonceOf(response: RawResponse): string {
  return (JSON.parse(response.body) as { nonce: string }).nonce;
}

/** The default CSP; `report-to` only on secure responses (browsers ignore it, and then skip report-uri, on plain ones). */
function productionCsp(nonce: string, upgrade = true, secure = false): string {
  return (
    "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; " +
    `script-src 'nonce-${nonce}' 'strict-dynamic'; ${upgrade ? 'upgrade-insecure-requests; ' : ''}report-uri /_aegis/csp-report${secure ? '; report-to csp-endpoint' : ''}`
  );
}

function defaults(nonce: string, upgrade = true, secure = false): Record<string, string> {
  return {
    ...(secure && { 'reporting-endpoints': 'csp-endpoint="/_aegis/csp-report"' }),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-site',
    'origin-agent-cluster': '?1',
    'x-dns-prefetch-control': 'off',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
    'permissions-policy': PERMISSIONS,
    'content-security-policy': productionCsp(nonce, upgrade, secure),
  };
}

const PRODUCTION: AegisOptions = { env: 'production', hosts: ['localhost'], httpsRedirect: false, proxy: { trust: ['loopback'] } };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function fetchHeaders(adapter: AdapterName, options: AegisOptions, path = '/', extra: string[] = []): Promise<{ headers: Record<string, string>; nonce: string; response: RawResponse }> {
  server = await startServer(adapter, options);
  const response = await sendRaw(server.port, get(path, 'localhost', extra));
  expect(response.status).toBe(200);
  return { headers: securityHeaders(response), nonce: nonceOf(response), response };
}

describe.each(ADAPTERS)('%s adapter: response headers', (adapter) => {
  it('sends the production defaults on a plain request (no HSTS, no Reporting API on plain HTTP)', async () => {
    const { headers, nonce } = await fetchHeaders(adapter, PRODUCTION);
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{24}$/);
    expect(headers).toEqual(defaults(nonce));
  });

  it('adds HSTS when a trusted proxy says the client used HTTPS', async () => {
    const { headers, nonce } = await fetchHeaders(adapter, PRODUCTION, '/', ['X-Forwarded-Proto: https']);
    expect(headers).toEqual({ 'strict-transport-security': 'max-age=63072000; includeSubDomains', ...defaults(nonce, true, true) });
  });

  it('ignores X-Forwarded-Proto from a peer that is not a trusted proxy', async () => {
    const { headers } = await fetchHeaders(adapter, { ...PRODUCTION, proxy: { trust: ['10.0.0.0/8'] } }, '/', ['X-Forwarded-Proto: https']);
    expect(headers['strict-transport-security']).toBeUndefined();
  });

  it('relaxes HSTS and upgrade-insecure-requests in development, and only those', async () => {
    const { headers, nonce } = await fetchHeaders(adapter, { env: 'development', quiet: true, proxy: { trust: ['loopback'] } }, '/', ['X-Forwarded-Proto: https']);
    expect(headers).toEqual(defaults(nonce, false, true));
  });

  it('gives every request a fresh nonce and the same one to the application', async () => {
    server = await startServer(adapter, PRODUCTION);
    const nonces = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const response = await sendRaw(server.port, get('/', 'localhost'));
      const nonce = nonceOf(response);
      expect(response.headers['content-security-policy']).toBe(productionCsp(nonce));
      nonces.add(nonce);
    }
    expect(nonces.size).toBe(20);
  });

  it.each<[string, AegisOptions['headers'], Record<string, string | undefined>]>([
    ['HSTS with preload', { strictTransportSecurity: { maxAge: '1y', preload: true } }, { 'strict-transport-security': 'max-age=31536000; includeSubDomains; preload' }],
    ['HSTS without subdomains, in seconds', { strictTransportSecurity: { maxAge: 600, includeSubDomains: false } }, { 'strict-transport-security': 'max-age=600' }],
    ['HSTS off', { strictTransportSecurity: false }, { 'strict-transport-security': undefined }],
    ['nosniff off', { xContentTypeOptions: false }, { 'x-content-type-options': undefined }],
    ['referrer policy', { referrerPolicy: 'no-referrer' }, { 'referrer-policy': 'no-referrer' }],
    ['referrer policy fallbacks', { referrerPolicy: ['no-referrer', 'strict-origin-when-cross-origin'] }, { 'referrer-policy': 'no-referrer,strict-origin-when-cross-origin' }],
    ['referrer policy off', { referrerPolicy: false }, { 'referrer-policy': undefined }],
    ['COOP', { crossOriginOpenerPolicy: 'same-origin-allow-popups' }, { 'cross-origin-opener-policy': 'same-origin-allow-popups' }],
    ['CORP', { crossOriginResourcePolicy: 'cross-origin' }, { 'cross-origin-resource-policy': 'cross-origin' }],
    ['COEP opt-in', { crossOriginEmbedderPolicy: 'require-corp' }, { 'cross-origin-embedder-policy': 'require-corp' }],
    ['COEP credentialless', { crossOriginEmbedderPolicy: 'credentialless' }, { 'cross-origin-embedder-policy': 'credentialless' }],
    ['Origin-Agent-Cluster off', { originAgentCluster: false }, { 'origin-agent-cluster': undefined }],
    ['DNS prefetch on', { xDnsPrefetchControl: 'on' }, { 'x-dns-prefetch-control': 'on' }],
    ['cross-domain policies', { xPermittedCrossDomainPolicies: 'master-only' }, { 'x-permitted-cross-domain-policies': 'master-only' }],
    ['X-XSS-Protection off', { xXssProtection: false }, { 'x-xss-protection': undefined }],
    ['X-Frame-Options off', { xFrameOptions: false }, { 'x-frame-options': undefined }],
    ['Permissions-Policy off', { permissionsPolicy: false }, { 'permissions-policy': undefined }],
    [
      'Permissions-Policy allowlists',
      { permissionsPolicy: { geolocation: ['self', 'https://maps.example.com'], camera: false, fullscreen: ['*'], displayCapture: ['self'] } },
      {
        'permissions-policy':
          'accelerometer=(), browsing-topics=(), display-capture=(self), geolocation=(self "https://maps.example.com"), gyroscope=(), hid=(), ' +
          'idle-detection=(), magnetometer=(), microphone=(), midi=(), payment=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=(), fullscreen=*',
      },
    ],
    ['custom header', { custom: { 'X-Robots-Tag': 'noindex' } }, { 'x-robots-tag': 'noindex' }],
    ['CSP off', { contentSecurityPolicy: false }, { 'content-security-policy': undefined, 'reporting-endpoints': undefined, 'x-frame-options': 'DENY' }],
  ])('%s', async (_name, headerOptions, expected) => {
    const { headers } = await fetchHeaders(adapter, { ...PRODUCTION, headers: headerOptions }, '/', ['X-Forwarded-Proto: https']);
    for (const [name, value] of Object.entries(expected)) expect(headers[name]).toBe(value);
  });

  it.each<[string, AegisOptions['headers'], (nonce: string) => string, string | undefined]>([
    [
      'directives merged over the defaults, sandbox and trusted types',
      { contentSecurityPolicy: { directives: { imgSrc: ["'self'", 'data:', 'https://cdn.example.com'], objectSrc: false, sandbox: ['allow-scripts', 'allow-forms'], requireTrustedTypesFor: ["'script'"] } } },
      (n) =>
        "default-src 'self'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'; " +
        `script-src 'nonce-${n}' 'strict-dynamic'; upgrade-insecure-requests; img-src 'self' data: https://cdn.example.com; sandbox allow-scripts allow-forms; require-trusted-types-for 'script'; ` +
        'report-uri /_aegis/csp-report',
      'DENY',
    ],
    [
      'kebab-case names and a style nonce',
      { contentSecurityPolicy: { directives: { 'style-src': ["'self'"] }, nonce: { styles: true } } },
      (n) => `${productionCsp(n).replace('upgrade-insecure-requests; ', `upgrade-insecure-requests; style-src 'nonce-${n}' 'self'; `)}`,
      'DENY',
    ],
    [
      'frame-ancestors self gives X-Frame-Options SAMEORIGIN',
      { contentSecurityPolicy: { directives: { frameAncestors: ["'self'"] } } },
      (n) => productionCsp(n).replace("frame-ancestors 'none'", "frame-ancestors 'self'"),
      'SAMEORIGIN',
    ],
    [
      'frame-ancestors with another origin drops X-Frame-Options',
      { contentSecurityPolicy: { directives: { frameAncestors: ["'self'", 'https://partner.example'] } } },
      (n) => productionCsp(n).replace("frame-ancestors 'none'", "frame-ancestors 'self' https://partner.example"),
      undefined,
    ],
    [
      'no script nonce, scripts from self',
      { contentSecurityPolicy: { directives: { scriptSrc: ["'self'"] }, nonce: { scripts: false } } },
      () => productionCsp('x').replace("script-src 'nonce-x' 'strict-dynamic'", "script-src 'self'"),
      'DENY',
    ],
    [
      'from scratch, without upgrade-insecure-requests',
      { contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"] } } },
      (n) => `default-src 'none'; script-src 'nonce-${n}'; report-uri /_aegis/csp-report`,
      'DENY',
    ],
    ['upgrade-insecure-requests turned off', { contentSecurityPolicy: { directives: { upgradeInsecureRequests: false } } }, (n) => productionCsp(n, false), 'DENY'],
  ])('CSP: %s', async (_name, headerOptions, csp, frameOptions) => {
    const { headers, nonce } = await fetchHeaders(adapter, { ...PRODUCTION, headers: headerOptions });
    expect(headers['content-security-policy']).toBe(csp(nonce));
    expect(headers['x-frame-options']).toBe(frameOptions);
  });

  it('CSP report-only mode uses the report-only header', async () => {
    const { headers, nonce } = await fetchHeaders(adapter, { ...PRODUCTION, headers: { contentSecurityPolicy: { reportOnly: true } } });
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['content-security-policy-report-only']).toBe(productionCsp(nonce));
  });

  it('reporting to an external collector, or not at all', async () => {
    const external = await fetchHeaders(adapter, { ...PRODUCTION, reporting: { url: 'https://reports.example.com/csp', group: 'csp' } }, '/', ['X-Forwarded-Proto: https']);
    expect(external.headers['content-security-policy']).toBe(productionCsp(external.nonce, true, true).replace('report-uri /_aegis/csp-report; report-to csp-endpoint', 'report-uri https://reports.example.com/csp; report-to csp'));
    expect(external.headers['reporting-endpoints']).toBe('csp="https://reports.example.com/csp"');
    await server?.close();
    const none = await fetchHeaders(adapter, { ...PRODUCTION, reporting: false });
    expect(none.headers['content-security-policy']).toBe(productionCsp(none.nonce).replace('; report-uri /_aegis/csp-report', ''));
    expect(none.headers['reporting-endpoints']).toBeUndefined();
  });

  it('applies per-route overrides declared in the policy', async () => {
    server = await startServer(adapter, {
      ...PRODUCTION,
      routes: [{ path: '/embed/*', method: 'GET', headers: { xFrameOptions: false, contentSecurityPolicy: { directives: { frameAncestors: ['https://partner.example'] } }, custom: { 'X-Route': 'embed' } } }],
    });
    const embed = await sendRaw(server.port, get('/Embed/widget/', 'localhost'));
    expect(embed.headers['x-frame-options']).toBeUndefined();
    expect(embed.headers['x-route']).toBe('embed');
    expect(embed.headers['content-security-policy']).toBe(productionCsp(nonceOf(embed)).replace("frame-ancestors 'none'", 'frame-ancestors https://partner.example'));
    const other = await sendRaw(server.port, get('/embedded', 'localhost'));
    expect(other.headers['x-frame-options']).toBe('DENY');
    expect(other.headers['x-route']).toBeUndefined();
  });
});

describe.each(['express', 'express-plain'] as const)('header semantics for the application (%s)', (adapter) => {
  it('the application can read, override, remove and append Aegis headers, one response at a time', async () => {
    server = await startServer(adapter, PRODUCTION, (app) => {
      app.get('/changed', (_req, res) => {
        res.setHeader('X-Seen-Frame-Options', String(res.getHeader('x-frame-options')));
        res.setHeader('X-Frame-Options', 'SAMEORIGIN');
        res.removeHeader('Referrer-Policy');
        res.appendHeader('Permissions-Policy', 'fullscreen=(self)');
        res.send('changed');
      });
    });
    const response = await sendRaw(server.port, get('/changed', 'localhost'));
    const lines = (name: string) => response.lines.filter(([n]) => n.toLowerCase() === name).map(([, value]) => value);
    expect(lines('x-seen-frame-options')).toEqual(['DENY']);
    expect(lines('x-frame-options')).toEqual(['SAMEORIGIN']);
    expect(lines('referrer-policy')).toEqual([]);
    expect(lines('permissions-policy')).toEqual([PERMISSIONS, 'fullscreen=(self)']);
    expect(lines('x-content-type-options')).toEqual(['nosniff']);
    expect(lines('content-security-policy')).toHaveLength(1);
    // The next response is untouched by what this one changed.
    const next = await sendRaw(server.port, get('/', 'localhost'));
    expect(securityHeaders(next)).toEqual(defaults(nonceOf(next)));
  });

  it('removes X-Powered-By, and route() overrides headers for one route only', async () => {
    server = await startServer(adapter, PRODUCTION, (app, security) => {
      const embeddable = security.route({ headers: { contentSecurityPolicy: { directives: { frameAncestors: ["'self'", 'https://partner.example'] } }, custom: { 'X-Route': 'embed' } } });
      app.get('/embed', embeddable, (_req, res) => res.json({ nonce: res.locals.cspNonce }));
    });
    const plain = await sendRaw(server.port, get('/', 'localhost'));
    expect(plain.headers['x-powered-by']).toBeUndefined();
    expect(securityHeaders(plain)).toEqual(defaults(nonceOf(plain)));
    const embed = await sendRaw(server.port, get('/embed', 'localhost'));
    const nonce = nonceOf(embed);
    expect(securityHeaders(embed)).toEqual({
      ...defaults(nonce),
      'x-frame-options': undefined,
      'content-security-policy': productionCsp(nonce).replace("frame-ancestors 'none'", "frame-ancestors 'self' https://partner.example"),
      'x-route': 'embed',
    });
  });

  it('route() refuses a body limit above the policy-wide one, at declaration', async () => {
    server = await startServer(adapter, PRODUCTION);
    const security = (await import('../../src/adapters/express/index.js')).aegisMiddleware(server.policy);
    expect(() => security.route({ limits: { body: '2mb' } })).toThrow(
      "route.limits.body: 2097152 bytes is above the policy-wide limit (1048576), which has already been enforced when route middleware runs. Fix: declare the larger limit in the policy: routes: [{ path: '/upload', limits: { body: '10mb' } }].",
    );
  });
});

describe.each(['createServer', 'http.createServer'])('header semantics for the application (node:http, %s)', (kind) => {
  it('an application header set after Aegis wins; Server set by the app is kept', async () => {
    const { createServer, withAegis } = await import('../../src/adapters/node/index.js');
    const { createServer: createPlainServer } = await import('node:http');
    const { aegis } = await import('../../src/index.js');
    const policy = aegis(PRODUCTION);
    const listener = (_req: unknown, res: ServerResponse) => {
      res.setHeader('Content-Security-Policy', "default-src 'none'");
      res.setHeader('Server', 'app');
      res.end('ok');
    };
    const http = kind === 'createServer' ? createServer(policy, listener) : createPlainServer(withAegis(policy, listener));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as { port: number }).port;
    try {
      const response = await sendRaw(port, get('/', 'localhost'));
      expect(response.lines.filter(([n]) => n === 'Content-Security-Policy')).toEqual([['Content-Security-Policy', "default-src 'none'"]]);
      expect(response.headers.server).toBe('app');
      expect(response.headers['x-frame-options']).toBe('DENY');
    } finally {
      http.closeAllConnections();
      http.close();
    }
  });
});
