import { describe, expect, it } from 'vitest';
import { aegis, AegisConfigError, type AegisOptions, type ConfigProblem } from '../../src/index.js';

/** Builds a policy that must fail and returns its problems. Inputs the types forbid are cast on purpose. */
function problemsOf(options: unknown, env: AegisOptions['env'] = 'test'): ConfigProblem[] {
  try {
    aegis({ env, ...(options as AegisOptions) });
  } catch (error) {
    expect(error).toBeInstanceOf(AegisConfigError);
    return [...(error as AegisConfigError).problems];
  }
  throw new Error('expected an AegisConfigError');
}

const paths = (options: unknown, env?: AegisOptions['env']) => problemsOf(options, env).map((p) => p.path);

describe('AegisConfigError', () => {
  it('lists every problem at once, each with its path and fix, in one message', () => {
    let error: AegisConfigError | undefined;
    try {
      aegis({ env: 'test', hosts: ['exa mple.com'], proxy: { trust: ['10.0.0.0/33'] }, headers: { contentSecurityPolicy: { directives: { scriptSrc: ['self'] } } } });
    } catch (caught) {
      error = caught as AegisConfigError;
    }
    expect(error?.name).toBe('AegisConfigError');
    expect(error?.problems).toEqual([
      { path: 'hosts[0]', message: '"exa mple.com" is not a host pattern.', fix: "use 'example.com', 'example.com:8443', '*.example.com' or an IP such as '127.0.0.1' or '[::1]'." },
      { path: 'proxy.trust[0]', message: 'prefix "/33" must be a whole number from 0 to 32.', fix: "write a block such as '10.0.0.0/8', '2001:db8::/32', an address, or 'loopback' / 'private' / 'linklocal'." },
      {
        path: 'headers.contentSecurityPolicy.directives.scriptSrc[0]',
        message: '"self" is a keyword and must be quoted, or browsers read it as a host name.',
        fix: `write "'self'".`,
      },
    ]);
    expect(error?.message).toBe(
      'Invalid Aegis policy (3 problems):\n' +
        `  - hosts[0]: "exa mple.com" is not a host pattern. Fix: use 'example.com', 'example.com:8443', '*.example.com' or an IP such as '127.0.0.1' or '[::1]'.\n` +
        `  - proxy.trust[0]: prefix "/33" must be a whole number from 0 to 32. Fix: write a block such as '10.0.0.0/8', '2001:db8::/32', an address, or 'loopback' / 'private' / 'linklocal'.\n` +
        `  - headers.contentSecurityPolicy.directives.scriptSrc[0]: "self" is a keyword and must be quoted, or browsers read it as a host name. Fix: write "'self'".`,
    );
  });

  it('suggests the option a typo meant', () => {
    expect(problemsOf({ host: ['example.com'] })).toEqual([{ path: 'options.host', message: 'unknown option.', fix: 'did you mean "hosts"?' }]);
    expect(problemsOf({ headers: { contentSecurityPolicy: { directives: { scriptSource: ["'self'"] } } } })).toEqual([
      { path: 'headers.contentSecurityPolicy.directives.scriptSource', message: 'unknown CSP directive "scriptSource".', fix: 'did you mean "script-src"?' },
    ]);
    expect(problemsOf({ headers: { xFrameOption: 'DENY' } })[0]).toEqual({ path: 'headers.xFrameOption', message: 'unknown option.', fix: 'did you mean "xFrameOptions"?' });
  });
});

describe('Content-Security-Policy options', () => {
  const csp = (directives: unknown, extra: object = {}) => ({ headers: { contentSecurityPolicy: { directives, ...extra } } });
  const at = 'headers.contentSecurityPolicy.directives';

  it.each([
    [{ scriptSrc: ['self'] }, `${at}.scriptSrc[0]`, '"self" is a keyword and must be quoted, or browsers read it as a host name.'],
    [{ defaultSrc: ['none'] }, `${at}.defaultSrc[0]`, '"none" is a keyword and must be quoted, or browsers read it as a host name.'],
    [{ styleSrc: ['unsafe-inline'] }, `${at}.styleSrc[0]`, '"unsafe-inline" is a keyword and must be quoted, or browsers read it as a host name.'],
    [{ imgSrc: ["'self'; script-src *"] }, `${at}.imgSrc[0]`, `"'self'; script-src *" contains ";", which would end or split the policy.`],
    [{ imgSrc: ['https://a.example\nX-Injected: 1'] }, `${at}.imgSrc[0]`, '"https://a.example\\nX-Injected: 1" contains whitespace, which would end or split the policy.'],
    [{ imgSrc: ['https://a.example, default-src *'] }, `${at}.imgSrc[0]`, '"https://a.example, default-src *" contains ",", which would end or split the policy.'],
    [{ imgSrc: ["'self' https:"] }, `${at}.imgSrc[0]`, `"'self' https:" contains whitespace, which would end or split the policy.`],
    [{ scriptSrc: ["'nonce-abc123'"] }, `${at}.scriptSrc[0]`, `"'nonce-abc123'" is a fixed nonce; a nonce that never changes protects nothing.`],
    [{ scriptSrc: ["'selff'"] }, `${at}.scriptSrc[0]`, `"'selff'" is not a CSP keyword or hash.`],
    [{ scriptSrc: ["'self"] }, `${at}.scriptSrc[0]`, `"'self" has an unbalanced quote.`],
    [{ connectSrc: ['http://exa mple'] }, `${at}.connectSrc[0]`, '"http://exa mple" contains whitespace, which would end or split the policy.'],
    [{ connectSrc: ['ht!tp://x'] }, `${at}.connectSrc[0]`, '"ht!tp://x" is not a CSP source (a quoted keyword, a scheme like "https:", or a host like "https://cdn.example.com").'],
    [{ imgSrc: [42] }, `${at}.imgSrc[0]`, 'number is not a CSP source.'],
    [{ imgSrc: [''] }, `${at}.imgSrc[0]`, 'an empty source.'],
    [{ imgSrc: 'self' }, `${at}.imgSrc`, 'expected an array of strings, got "self".'],
    [{ imgSrc: [] }, `${at}.imgSrc`, 'an empty source list.'],
    [{ objectSrc: ["'none'", "'self'"] }, `${at}.objectSrc`, "'none' is combined with other sources, so browsers ignore it."],
    [{ upgradeInsecureRequests: 'yes' }, `${at}.upgradeInsecureRequests`, 'expected true or false, got "yes".'],
    [{ sandbox: ['allow-everything'] }, `${at}.sandbox[0]`, '"allow-everything" is not a sandbox flag.'],
    [{ requireTrustedTypesFor: ['script'] }, `${at}.requireTrustedTypesFor[0]`, '"script" is not allowed here.'],
    [{ 'frame-ancestor': ["'none'"] }, `${at}.frame-ancestor`, 'unknown CSP directive "frame-ancestor".'],
    [{ blockAllMixedContent: true }, `${at}.blockAllMixedContent`, '"block-all-mixed-content" is no longer part of CSP.'],
    [{ reportUri: ['/x'] }, `${at}.reportUri`, '"report-uri" is managed by Aegis.'],
  ])('%j is refused at its path', (directives, path, message) => {
    expect(problemsOf(csp(directives)).map((p) => [p.path, p.message])).toEqual([[path, message]]);
  });

  it('refuses a non-object, unknown options and wrong types', () => {
    expect(paths({ headers: { contentSecurityPolicy: 'strict' } })).toEqual(['headers.contentSecurityPolicy']);
    expect(paths(csp({}, { reportonly: true }))).toEqual(['headers.contentSecurityPolicy.reportonly']);
    expect(paths(csp({}, { reportOnly: 'yes' }))).toEqual(['headers.contentSecurityPolicy.reportOnly']);
    expect(paths(csp({}, { nonce: { scripts: 1 } }))).toEqual(['headers.contentSecurityPolicy.nonce.scripts']);
    expect(paths(csp({}, { nonce: { style: true } }))).toEqual(['headers.contentSecurityPolicy.nonce.style']);
    expect(paths(csp(['default-src']))).toEqual(['headers.contentSecurityPolicy.directives']);
  });

  it('refuses a policy left with no directives', () => {
    expect(problemsOf(csp({}, { useDefaults: false, nonce: { scripts: false } }))).toEqual([
      { path: `${at}`, message: 'the policy has no directives left.', fix: 'keep useDefaults: true, add directives, or set the header to false.' },
    ]);
  });

  it('refuses a nonce with nowhere to go', () => {
    expect(problemsOf(csp({ defaultSrc: false, scriptSrc: false }))).toEqual([
      {
        path: 'headers.contentSecurityPolicy.nonce.scripts',
        message: 'the nonce goes into script-src, but neither script-src nor default-src is set.',
        fix: 'set script-src in directives, or turn this nonce off.',
      },
    ]);
  });
});

describe('other header options', () => {
  it.each([
    [{ strictTransportSecurity: { maxAge: '1y', preload: true, includeSubDomains: false } }, 'headers.strictTransportSecurity.preload', 'preload lists require max-age of at least one year and includeSubDomains.'],
    [{ strictTransportSecurity: { maxAge: '30d', preload: true } }, 'headers.strictTransportSecurity.preload', 'preload lists require max-age of at least one year and includeSubDomains.'],
    [{ strictTransportSecurity: { maxAge: 'forever' } }, 'headers.strictTransportSecurity.maxAge', '"forever" is not a duration.'],
    [{ strictTransportSecurity: { maxAge: -1 } }, 'headers.strictTransportSecurity.maxAge', '-1 is not a duration.'],
    [{ xFrameOptions: 'ALLOW-FROM https://a.example' }, 'headers.xFrameOptions', '"ALLOW-FROM https://a.example" is not one of the allowed values.'],
    [{ xFrameOptions: 'SAMEORIGIN' }, 'headers.xFrameOptions', "X-Frame-Options SAMEORIGIN contradicts CSP frame-ancestors 'none', so old and new browsers would behave differently."],
    [{ referrerPolicy: 'no-referer' }, 'headers.referrerPolicy', '"no-referer" is not a referrer policy.'],
    [{ referrerPolicy: [] }, 'headers.referrerPolicy', 'an array is not a referrer policy.'],
    [{ crossOriginOpenerPolicy: 'same-site' }, 'headers.crossOriginOpenerPolicy', '"same-site" is not one of the allowed values.'],
    [{ crossOriginEmbedderPolicy: true }, 'headers.crossOriginEmbedderPolicy', 'true is not one of the allowed values.'],
    [{ originAgentCluster: '?1' }, 'headers.originAgentCluster', 'expected true or false, got "?1".'],
    [{ permissionsPolicy: { camra: [] } }, 'headers.permissionsPolicy.camra', 'unknown feature "camra".'],
    [{ permissionsPolicy: { camera: 'self' } }, 'headers.permissionsPolicy.camera', 'expected an array, got "self".'],
    [{ permissionsPolicy: { geolocation: ['https://maps.example/path'] } }, 'headers.permissionsPolicy.geolocation[0]', `"https://maps.example/path" is not 'self', '*', 'src' or an origin.`],
    [{ permissionsPolicy: { geolocation: ['*', 'self'] } }, 'headers.permissionsPolicy.geolocation', "'*' already allows every origin; the other entries are ignored by browsers."],
    [{ custom: { 'X-Frame-Options': 'DENY' } }, 'headers.custom.X-Frame-Options', 'X-Frame-Options has its own option.'],
    [{ custom: { 'Bad Name': 'x' } }, 'headers.custom.Bad Name', 'not a valid header name.'],
    [{ custom: { 'X-Note': 'a\r\nSet-Cookie: x=1' } }, 'headers.custom.X-Note', '"a\\r\\nSet-Cookie: x=1" is not a valid header value (control characters or line breaks).'],
    [{ removed: ['Content-Length'] }, 'headers.removed', 'content-length cannot be removed here: the server manages it.'],
    [{ removed: 'Server' }, 'headers.removed', 'expected an array of header names, got "Server".'],
  ])('%j is refused', (headers, path, message) => {
    expect(problemsOf({ headers }).map((p) => [p.path, p.message])).toEqual([[path, message]]);
  });
});

describe('hosts, proxies, limits, redirects, reporting, routes', () => {
  it.each([
    [{ hosts: ['*'] }, 'hosts[0]', 'a bare wildcard allows every host, which defeats the allowlist.'],
    [{ hosts: ['*.*.example.com'] }, 'hosts[0]', '"*.*.example.com" is not a host pattern.'],
    [{ hosts: ['example.*'] }, 'hosts[0]', '"example.*" is not a host pattern.'],
    [{ hosts: ['https://example.com'] }, 'hosts[0]', '"https://example.com" is not a host pattern.'],
    [{ hosts: ['example.com:99999'] }, 'hosts[0]', '"example.com:99999" is not a host pattern.'],
    [{ hosts: ['*.10.0.0.1'] }, 'hosts[0]', '"*.10.0.0.1" is not a host pattern.'],
    [{ hosts: [7] }, 'hosts[0]', '7 is not a host name.'],
    [{ hosts: [] }, 'hosts', 'expected a non-empty array of host names, got an array.'],
    [{ hosts: 'example.com' }, 'hosts', 'expected a non-empty array of host names, got "example.com".'],
    [{ proxy: { trust: ['10.0.0.0/8'], hops: 1 } }, 'proxy', 'both trust and hops are set.'],
    [{ proxy: {} }, 'proxy', 'neither trust nor hops is set.'],
    [{ proxy: { hops: 0 } }, 'proxy.hops', '0 is not a positive whole number.'],
    [{ proxy: { trust: '10.0.0.0/8' } }, 'proxy.trust', 'expected a non-empty array of addresses or CIDR blocks, got "10.0.0.0/8".'],
    [{ proxy: { trust: ['10.0.0.300'] } }, 'proxy.trust[0]', '"10.0.0.300" is not an IPv4 or IPv6 address.'],
    [{ proxy: { trust: ['fe80::/129'] } }, 'proxy.trust[0]', 'prefix "/129" must be a whole number from 0 to 128.'],
    [{ proxy: { trust: ['loopback'], header: 'x-real-ip' } }, 'proxy.header', '"x-real-ip" is not one of the allowed values.'],
    [{ limits: { body: 'huge' } }, 'limits.body', '"huge" is not a size.'],
    [{ limits: { headerCount: 0 } }, 'limits.headerCount', '0 is not a positive whole number.'],
    [{ limits: { headerSize: 100 } }, 'limits.headerSize', 'below 1kb, ordinary browser requests would be refused.'],
    [{ limits: { headersTimeout: '2m', requestTimeout: '1m' } }, 'limits.headersTimeout', 'is longer than requestTimeout, which Node.js refuses.'],
    [{ limits: { requestTimeout: 'later' } }, 'limits.requestTimeout', '"later" is not a duration.'],
    [{ httpsRedirect: { status: 302 } }, 'httpsRedirect.status', '"302" is not one of the allowed values.'],
    [{ httpsRedirect: { port: 70000 } }, 'httpsRedirect.port', '70000 is not a port.'],
    [{ httpsRedirect: { host: 'https://www.example.com' } }, 'httpsRedirect.host', '"https://www.example.com" is not a host name.'],
    [{ hosts: false, httpsRedirect: true }, 'httpsRedirect', 'the host allowlist is off, so the redirect would follow any Host header (an open redirect).'],
    [{ reporting: { url: 'http://collector.example/csp' } }, 'reporting.url', '"http://collector.example/csp" is not an absolute https URL.'],
    [{ reporting: { path: 'csp-report' } }, 'reporting.path', '"csp-report" is not a path.'],
    [{ reporting: { rate: 'lots' } }, 'reporting.rate', '"lots" is not a rate.'],
    [{ reporting: { group: 'csp endpoint' } }, 'reporting.group', '"csp endpoint" is not an endpoint name.'],
    [{ routes: [{ path: 'upload' }] }, 'routes[0].path', '"upload" is not a path pattern.'],
    [{ routes: [{ path: '/a/*/b' }] }, 'routes[0].path', '"/a/*/b" has \'*\' before the end.'],
    [{ routes: [{ path: '/upload', method: 'P0ST' }] }, 'routes[0].method', '"P0ST" is not a method or list of methods.'],
    [{ routes: [{ path: '/upload', limits: { body: 'big' } }] }, 'routes[0].limits.body', '"big" is not a size.'],
    [{ routes: [{ path: '/embed', headers: { xFrameOptions: 'ALLOWALL' } }] }, 'routes[0].headers.xFrameOptions', '"ALLOWALL" is not one of the allowed values.'],
    [{ routes: { path: '/x' } }, 'routes', 'expected an array, got an object.'],
  ])('%j is refused', (options, path, message) => {
    expect(problemsOf(options).map((p) => [p.path, p.message])).toEqual([[path, message]]);
  });

  it('requires hosts in production and says how to opt out', () => {
    expect(problemsOf({}, 'production')).toEqual([
      {
        path: 'hosts',
        message: 'the production profile needs the host names this service answers for (a forged Host header can poison links and caches).',
        fix: "set hosts: ['example.com', '*.example.com'], or hosts: false to turn the check off on purpose.",
      },
    ]);
  });

  it('refuses an unknown profile instead of relaxing anything', () => {
    expect(problemsOf({}, 'staging' as AegisOptions['env'])).toEqual([
      { path: 'env', message: '"staging" is not a profile.', fix: 'use one of: development, test, production.' },
      {
        path: 'hosts',
        message: 'the production profile needs the host names this service answers for (a forged Host header can poison links and caches).',
        fix: "set hosts: ['example.com', '*.example.com'], or hosts: false to turn the check off on purpose.",
      },
    ]);
  });

  it('checks profile overrides like the rest', () => {
    expect(paths({ profiles: { development: { hosts: ['bad host'] } } }, 'development')).toEqual(['hosts[0]']);
    expect(paths({ profiles: { staging: {} } })).toEqual(['profiles.staging']);
    expect(paths({ profiles: { test: { env: 'production' } } })).toEqual(['profiles.test.env']);
  });

  it('refuses options that are not an object', () => {
    expect(() => aegis('production' as unknown as AegisOptions)).toThrow(AegisConfigError);
  });
});
