import { describe, expect, it } from 'vitest';
import { AegisConfigError } from '../../src/core/config-error.js';
import { matchExemption, resolveCsrfOptions } from '../../src/csrf/index.js';
import type { CsrfOptions } from '../../src/csrf/index.js';

function problems(options: unknown): Array<[string, string]> {
  try {
    resolveCsrfOptions(options as CsrfOptions);
  } catch (err) {
    expect(err).toBeInstanceOf(AegisConfigError);
    return (err as AegisConfigError).problems.map((p) => [p.path, p.message]);
  }
  throw new Error('expected an AegisConfigError');
}

describe('resolveCsrfOptions', () => {
  it('has the documented defaults', () => {
    const r = resolveCsrfOptions();
    expect([...r.trustedOrigins]).toEqual([]);
    expect(r.allowSameSite).toBe(false);
    expect(r.exemptions).toEqual([]);
    expect(r.headerName).toBe('x-csrf-token');
    expect(r.fieldName).toBe('_csrf');
    expect(Object.isFrozen(r)).toBe(true);
  });

  it('lists every problem at once, exemptions named by index', () => {
    expect(
      problems({
        trustedOrigins: ['null', 'https://a.example.com/', 'ftp://files.example.com', 'https://ok.example.com'],
        allowSameSite: 'yes',
        exemptions: [
          { path: '/ok', reason: 'fine', protectedBy: 'HMAC' },
          { path: '/hooks', methods: ['POST'] },
          { route: '/api/*', reason: '   ' },
          { path: '/a', route: '/b', reason: 'both' },
          { path: '/users/:id', reason: 'pattern in path' },
          { route: '/x/*/y', methods: ['PO ST'], reason: 'bad' },
        ],
        headerName: 'x csrf',
        fieldName: '',
        headerNmae: 'x',
      }),
    ).toEqual([
      ['csrf.headerNmae', 'unknown option.'],
      ['csrf.trustedOrigins[0]', "'null' is the origin of sandboxed frames, file: pages and redirects: any site can produce it."],
      ['csrf.trustedOrigins[1]', '"https://a.example.com/" has a trailing "/"; an origin is scheme://host[:port] only.'],
      ['csrf.trustedOrigins[2]', '"ftp://files.example.com" uses the scheme "ftp:"; origins here are http: or https:.'],
      ['csrf.allowSameSite', 'expected true or false, got "yes".'],
      ['csrf.exemptions[1].reason', 'exemption 1 has no reason (got undefined).'],
      ['csrf.exemptions[2].reason', 'exemption 2 has no reason (got "   ").'],
      ['csrf.exemptions[3]', 'an exemption needs exactly one of path or route.'],
      ['csrf.exemptions[4].path', '"/users/:id" is not an exact path.'],
      ['csrf.exemptions[5].methods', 'an array is not a list of methods.'],
      ['csrf.exemptions[5].route', '"/x/*/y" has \'*\' before the end.'],
      ['csrf.headerName', '"x csrf" is not a header name.'],
      ['csrf.fieldName', '"" is not a form field name.'],
    ]);
  });

  it('gives fixes: the bare origin for a trailing slash, a way out for null', () => {
    try {
      resolveCsrfOptions({ trustedOrigins: ['https://a.example.com/', 'null'] });
    } catch (err) {
      const [slash, nul] = (err as AegisConfigError).problems;
      expect(slash?.fix).toBe('write "https://a.example.com".');
      expect(nul?.fix).toBe("remove it; list the real https:// origin of the page that posts to you.");
      expect((err as Error).message.split('\n')[0]).toBe('Invalid CSRF options (2 problems):');
      return;
    }
    throw new Error('expected an AegisConfigError');
  });

  it('takes exact origins only: a pattern or * is refused with a pointer to cors.origins', () => {
    expect(problems({ trustedOrigins: ['https://*.example.com', '*', 'https://Admin.Example.com:443'] })).toEqual([
      ['csrf.trustedOrigins[0]', '"https://*.example.com" is not one origin: trustedOrigins takes exact origins.'],
      ['csrf.trustedOrigins[1]', '"*" is not one origin: trustedOrigins takes exact origins.'],
    ]);
    expect([...resolveCsrfOptions({ trustedOrigins: ['https://Admin.Example.com:443'] }).trustedOrigins]).toEqual(['https://admin.example.com']);
  });

  it('refuses non-array lists and a non-object', () => {
    expect(problems({ trustedOrigins: 'https://a.example.com', exemptions: {} })).toEqual([
      ['csrf.trustedOrigins', 'expected an array of origins, got "https://a.example.com".'],
      ['csrf.exemptions', 'expected an array, got an object.'],
    ]);
    expect(problems('strict')).toEqual([['csrf', 'expected an object, got "strict".']]);
  });

  it('lower-cases the header name', () => {
    expect(resolveCsrfOptions({ headerName: 'X-XSRF-Token' }).headerName).toBe('x-xsrf-token');
  });
});

describe('matchExemption', () => {
  const { exemptions } = resolveCsrfOptions({
    exemptions: [
      { path: '/hooks/stripe', methods: ['post'], reason: 'Stripe webhook', protectedBy: 'Stripe-Signature HMAC' },
      { route: '/hooks/:provider/events', reason: 'generic webhooks' },
      { route: '/public-api/*', methods: ['POST', 'PUT'], reason: 'API key clients', protectedBy: 'Authorization: Bearer' },
    ],
  });

  const cases: Array<[string, string, number | undefined]> = [
    ['POST', '/hooks/stripe', 0],
    ['POST', '/HOOKS/Stripe/', 0],
    ['POST', '/%68ooks/stripe', 0],
    ['PUT', '/hooks/stripe', undefined],
    ['POST', '/hooks/stripe/extra', undefined],
    ['DELETE', '/hooks/github/events', 1],
    ['POST', '/hooks/github/events/x', undefined],
    ['PUT', '/public-api', 2],
    ['POST', '/public-api/orders/1', 2],
    ['DELETE', '/public-api/orders/1', undefined],
    ['POST', '/public-apix', undefined],
  ];
  for (const [method, path, index] of cases) {
    it(`${method} ${path} → ${index ?? 'none'}`, () => {
      expect(matchExemption(method, path, exemptions)?.index).toBe(index);
    });
  }
});
