import { describe, expect, it } from 'vitest';
import { Problems } from '../../src/core/config-error.js';
import { checkRequestOrigin, resolveCsrfOptions } from '../../src/csrf/index.js';
import { compileCsrfOptions } from '../../src/csrf/options.js';
import type { OriginCheckInput } from '../../src/csrf/index.js';

const strict = resolveCsrfOptions();
const sameSite = resolveCsrfOptions({ allowSameSite: true });
const trusted = resolveCsrfOptions({ trustedOrigins: ['https://Admin.Example.com:443'] });

function input(extra: Partial<OriginCheckInput>): OriginCheckInput {
  return { method: 'POST', secFetchSite: undefined, origin: undefined, host: 'shop.example.com', https: true, ...extra };
}

describe('checkRequestOrigin: Sec-Fetch-Site × method', () => {
  const sites = ['cross-site', 'same-site', 'same-origin', 'none'] as const;
  const expected: Record<(typeof sites)[number], object> = {
    'cross-site': { ok: false, reason: 'cross-site' },
    'same-site': { ok: false, reason: 'same-site' },
    'same-origin': { ok: true },
    none: { ok: true },
  };
  for (const method of ['GET', 'HEAD', 'OPTIONS']) {
    for (const site of sites) {
      it(`${method} with Sec-Fetch-Site: ${site} passes (safe method)`, () => {
        expect(checkRequestOrigin(input({ method, secFetchSite: site }), strict)).toEqual({ ok: true });
      });
    }
  }
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    for (const site of sites) {
      it(`${method} with Sec-Fetch-Site: ${site}`, () => {
        expect(checkRequestOrigin(input({ method, secFetchSite: site }), strict)).toEqual(expected[site]);
      });
    }
    it(`${method} same-site passes with allowSameSite`, () => {
      expect(checkRequestOrigin(input({ method, secFetchSite: 'same-site' }), sameSite)).toEqual({ ok: true });
    });
    it(`${method} cross-site still rejected with allowSameSite`, () => {
      expect(checkRequestOrigin(input({ method, secFetchSite: 'cross-site' }), sameSite)).toEqual({ ok: false, reason: 'cross-site' });
    });
  }

  it('a lower-case method is not the safe GET', () => {
    expect(checkRequestOrigin(input({ method: 'get', secFetchSite: 'cross-site' }), strict)).toEqual({ ok: false, reason: 'cross-site' });
  });

  it('Sec-Fetch-Site wins over a matching Origin', () => {
    expect(checkRequestOrigin(input({ secFetchSite: 'cross-site', origin: 'https://shop.example.com' }), strict)).toEqual({ ok: false, reason: 'cross-site' });
  });

  it('an unknown Sec-Fetch-Site value falls back to Origin', () => {
    expect(checkRequestOrigin(input({ secFetchSite: 'bogus', origin: 'https://evil.test' }), strict)).toEqual({ ok: false, reason: 'bad-origin' });
    expect(checkRequestOrigin(input({ secFetchSite: 'bogus', origin: 'https://shop.example.com' }), strict)).toEqual({ ok: true });
  });
});

describe('checkRequestOrigin: Origin without Fetch Metadata', () => {
  const cases: Array<[string, Partial<OriginCheckInput>, object]> = [
    ['own origin', { origin: 'https://shop.example.com' }, { ok: true }],
    ['own origin, explicit default port 443', { origin: 'https://shop.example.com:443' }, { ok: true }],
    ['own origin, Host with default port', { origin: 'https://shop.example.com', host: 'shop.example.com:443' }, { ok: true }],
    ['own origin, upper-case host', { origin: 'https://SHOP.Example.com' }, { ok: true }],
    ['own origin over http with a port', { origin: 'http://localhost:3000', host: 'localhost:3000', https: false }, { ok: true }],
    ['http origin on an https request', { origin: 'http://shop.example.com' }, { ok: false, reason: 'bad-origin' }],
    ['other port', { origin: 'https://shop.example.com:8443' }, { ok: false, reason: 'bad-origin' }],
    ['http on port 80 vs host:3000', { origin: 'http://localhost', host: 'localhost:3000', https: false }, { ok: false, reason: 'bad-origin' }],
    ['trailing slash', { origin: 'https://shop.example.com/' }, { ok: false, reason: 'bad-origin' }],
    ['with a path', { origin: 'https://shop.example.com/x' }, { ok: false, reason: 'bad-origin' }],
    ['null', { origin: 'null' }, { ok: false, reason: 'bad-origin' }],
    ['empty', { origin: '' }, { ok: false, reason: 'bad-origin' }],
    ['another site', { origin: 'https://evil.test' }, { ok: false, reason: 'bad-origin' }],
    ['suffix trick', { origin: 'https://shop.example.com.evil.test' }, { ok: false, reason: 'bad-origin' }],
    ['credentials trick', { origin: 'https://shop.example.com@evil.test' }, { ok: false, reason: 'bad-origin' }],
    ['no Host', { origin: 'https://shop.example.com', host: undefined }, { ok: false, reason: 'bad-origin' }],
    ['Referer of own origin', { referer: 'https://shop.example.com/cart?x=1' }, { ok: true }],
    ['Referer of another site', { referer: 'https://evil.test/shop.example.com' }, { ok: false, reason: 'bad-origin' }],
    ['neither header: token decides', {}, { ok: true, weak: true }],
  ];
  for (const [name, extra, result] of cases) {
    it(name, () => {
      expect(checkRequestOrigin(input(extra), strict)).toEqual(result);
    });
  }

  it('a trusted extra origin is accepted, normalised from its configured form', () => {
    expect(trusted.trustedOrigins).toEqual(new Set(['https://admin.example.com']));
    expect(checkRequestOrigin(input({ origin: 'https://admin.example.com' }), trusted)).toEqual({ ok: true });
    expect(checkRequestOrigin(input({ origin: 'https://admin.example.com' }), strict)).toEqual({ ok: false, reason: 'bad-origin' });
    expect(checkRequestOrigin(input({ origin: 'http://admin.example.com' }), trusted)).toEqual({ ok: false, reason: 'bad-origin' });
  });
});

describe('checkRequestOrigin: cross-site requests from a trusted origin', () => {
  it('a trusted Origin passes even with Sec-Fetch-Site cross-site or same-site; any other does not', () => {
    for (const site of ['cross-site', 'same-site']) {
      expect(checkRequestOrigin(input({ secFetchSite: site, origin: 'https://admin.example.com' }), trusted), site).toEqual({ ok: true });
      expect(checkRequestOrigin(input({ secFetchSite: site, origin: 'https://evil.example.com' }), trusted), site).toEqual({ ok: false, reason: site });
      expect(checkRequestOrigin(input({ secFetchSite: site, origin: 'null' }), trusted), site).toEqual({ ok: false, reason: site });
      expect(checkRequestOrigin(input({ secFetchSite: site }), trusted), site).toEqual({ ok: false, reason: site });
    }
  });

  it('trustsOrigin can come from another part of the policy (CORS)', () => {
    const problems = new Problems();
    const fromCors = compileCsrfOptions({}, problems, 'csrf', (origin) => origin === 'https://app.example.net');
    expect(problems.count).toBe(0);
    expect(checkRequestOrigin(input({ secFetchSite: 'cross-site', origin: 'https://app.example.net' }), fromCors)).toEqual({ ok: true });
    expect(checkRequestOrigin(input({ origin: 'https://app.example.net' }), fromCors)).toEqual({ ok: true });
    expect(checkRequestOrigin(input({ secFetchSite: 'cross-site', origin: 'https://app.example.org' }), fromCors)).toEqual({ ok: false, reason: 'cross-site' });
  });
});

describe('csrf.tokenEndpoint', () => {
  it('defaults to /_aegis/csrf-token, can be moved or turned off, and must be an exact path', () => {
    expect(resolveCsrfOptions().tokenEndpoint).toBe('/_aegis/csrf-token');
    expect(resolveCsrfOptions({ tokenEndpoint: '/api/csrf' }).tokenEndpoint).toBe('/api/csrf');
    expect(resolveCsrfOptions({ tokenEndpoint: false }).tokenEndpoint).toBeUndefined();
    for (const bad of ['api/csrf', '/api/*', '/users/:id', '/x?y', 7]) {
      expect(() => resolveCsrfOptions({ tokenEndpoint: bad as string }), String(bad)).toThrow(/csrf\.tokenEndpoint: .* is not an exact path\. Fix: write tokenEndpoint: '\/_aegis\/csrf-token', or false to turn it off\./);
    }
  });
});
