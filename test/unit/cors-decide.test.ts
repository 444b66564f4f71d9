import { describe, expect, it } from 'vitest';
import { decideCors, resolveCorsOptions } from '../../src/cors/index.js';
import type { CorsRefusal, CorsRequest, ResolvedCors } from '../../src/cors/index.js';

function request(method: string, headers: Record<string, string> = {}): CorsRequest {
  return { method, header: (name) => headers[name] };
}

function preflight(origin: string, method: string, requestHeaders?: string): CorsRequest {
  return request('OPTIONS', { origin, 'access-control-request-method': method, ...(requestHeaders === undefined ? {} : { 'access-control-request-headers': requestHeaders }) });
}

const VARY_PREFLIGHT = ['Vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers'];
const refused = (reason: CorsRefusal) => ({ kind: 'refused', status: 403, reason, headers: [VARY_PREFLIGHT] });

const listed = resolveCorsOptions({ origins: ['https://app.example.com', 'https://*.example.com'], credentials: true, exposedHeaders: ['X-Request-Id', 'x-total-count'], maxAge: '1h' });
const plain = resolveCorsOptions({ origins: ['https://app.example.com'] });
const any = resolveCorsOptions({ origins: ['*'], exposedHeaders: ['x-request-id'] });

describe('decideCors: actual requests', () => {
  it('answers an allowed exact origin with the origin, credentials, exposed headers and Vary', () => {
    expect(decideCors(listed, request('GET', { origin: 'https://app.example.com' }))).toEqual({
      kind: 'actual',
      headers: [
        ['Access-Control-Allow-Origin', 'https://app.example.com'],
        ['Access-Control-Allow-Credentials', 'true'],
        ['Access-Control-Expose-Headers', 'x-request-id, x-total-count'],
        ['Vary', 'Origin'],
      ],
    });
  });

  it('answers an origin matched by a pattern with that origin', () => {
    expect(decideCors(listed, request('POST', { origin: 'https://a.b.example.com' }))).toEqual({
      kind: 'actual',
      headers: [
        ['Access-Control-Allow-Origin', 'https://a.b.example.com'],
        ['Access-Control-Allow-Credentials', 'true'],
        ['Access-Control-Expose-Headers', 'x-request-id, x-total-count'],
        ['Vary', 'Origin'],
      ],
    });
  });

  it('sends only the origin and Vary without credentials or exposed headers', () => {
    expect(decideCors(plain, request('GET', { origin: 'https://app.example.com' }))).toEqual({
      kind: 'actual',
      headers: [
        ['Access-Control-Allow-Origin', 'https://app.example.com'],
        ['Vary', 'Origin'],
      ],
    });
  });

  it.each([
    ['not listed', { origin: 'https://evil.test' }],
    ['a look-alike', { origin: 'https://evil-example.com' }],
    ['the apex of a pattern', { origin: 'https://example.com' }],
    ['a trailing slash', { origin: 'https://app.example.com/' }],
    ['upper case', { origin: 'https://APP.example.com' }],
    ['two origins', { origin: 'https://app.example.com, https://evil.test' }],
    ['null, not listed', { origin: 'null' }],
    ['no Origin', {}],
  ])('never sends Access-Control-Allow-Origin for %s, only Vary: Origin', (_label, headers) => {
    expect(decideCors(listed, request('GET', headers))).toEqual({ kind: 'actual', headers: [['Vary', 'Origin']] });
  });

  it('treats OPTIONS without Access-Control-Request-Method as an actual request', () => {
    expect(decideCors(plain, request('OPTIONS', { origin: 'https://app.example.com' }))).toEqual({
      kind: 'actual',
      headers: [
        ['Access-Control-Allow-Origin', 'https://app.example.com'],
        ['Vary', 'Origin'],
      ],
    });
  });

  it("answers every request with '*' and no Vary when origins is ['*']", () => {
    const expected = { kind: 'actual', headers: [['Access-Control-Allow-Origin', '*'], ['Access-Control-Expose-Headers', 'x-request-id']] };
    expect(decideCors(any, request('GET', { origin: 'https://anything.test' }))).toEqual(expected);
    expect(decideCors(any, request('GET'))).toEqual(expected);
    expect(decideCors(any, request('GET', { origin: 'null' }))).toEqual(expected);
    expect(decideCors(resolveCorsOptions({ origins: ['*'] }), request('GET', { origin: 'https://a.test' }))).toEqual({ kind: 'actual', headers: [['Access-Control-Allow-Origin', '*']] });
  });

  it("answers a listed 'null' with Access-Control-Allow-Origin: null", () => {
    const withNull = resolveCorsOptions({ origins: ['null'] });
    expect(decideCors(withNull, request('GET', { origin: 'null' }))).toEqual({
      kind: 'actual',
      headers: [
        ['Access-Control-Allow-Origin', 'null'],
        ['Vary', 'Origin'],
      ],
    });
  });

  it('reuses one frozen decision per exact origin', () => {
    const first = decideCors(listed, request('GET', { origin: 'https://app.example.com' }));
    expect(decideCors(listed, request('GET', { origin: 'https://app.example.com' }))).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first.kind === 'actual' && Object.isFrozen(first.headers) && Object.isFrozen(first.headers[0])).toBe(true);
  });
});

describe('decideCors: preflights', () => {
  it('answers an allowed preflight with 204 and the configured lists, never the requested ones', () => {
    expect(decideCors(listed, preflight('https://app.example.com', 'PUT', 'Content-Type,  X-CSRF-Token ,'))).toEqual({
      kind: 'preflight',
      status: 204,
      headers: [
        ['Access-Control-Allow-Origin', 'https://app.example.com'],
        ['Access-Control-Allow-Credentials', 'true'],
        ['Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, PATCH, DELETE'],
        ['Access-Control-Allow-Headers', 'content-type, x-csrf-token, accept, accept-language, content-language'],
        ['Access-Control-Max-Age', '3600'],
        VARY_PREFLIGHT,
      ],
    });
  });

  it('answers a pattern-matched origin with that origin, and accepts a preflight without requested headers', () => {
    expect(decideCors(plain, preflight('https://app.example.com', 'DELETE'))).toEqual({
      kind: 'preflight',
      status: 204,
      headers: [
        ['Access-Control-Allow-Origin', 'https://app.example.com'],
        ['Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, PATCH, DELETE'],
        ['Access-Control-Allow-Headers', 'content-type, x-csrf-token, accept, accept-language, content-language'],
        ['Access-Control-Max-Age', '600'],
        VARY_PREFLIGHT,
      ],
    });
    const matched = decideCors(listed, preflight('https://a.example.com', 'PATCH', 'accept-language'));
    expect(matched.kind === 'preflight' && matched.headers[0]).toEqual(['Access-Control-Allow-Origin', 'https://a.example.com']);
  });

  it("answers with '*' under origins ['*'], still with the full Vary", () => {
    expect(decideCors(resolveCorsOptions({ origins: ['*'], methods: ['GET', 'POST'], allowedHeaders: ['*'], maxAge: '5m' }), preflight('https://x.test', 'POST', 'x-anything'))).toEqual({
      kind: 'preflight',
      status: 204,
      headers: [
        ['Access-Control-Allow-Origin', '*'],
        ['Access-Control-Allow-Methods', 'GET, POST'],
        ['Access-Control-Allow-Headers', '*'],
        ['Access-Control-Max-Age', '300'],
        VARY_PREFLIGHT,
      ],
    });
  });

  it.each<[string, ResolvedCors, CorsRequest, CorsRefusal]>([
    ['an origin not listed', listed, preflight('https://evil.test', 'GET'), 'origin-not-allowed'],
    ['a look-alike of a pattern', listed, preflight('https://example.com.evil.test', 'GET'), 'origin-not-allowed'],
    ['another scheme', listed, preflight('http://a.example.com', 'GET'), 'origin-not-allowed'],
    ['another port', listed, preflight('https://a.example.com:8443', 'GET'), 'origin-not-allowed'],
    ['a path', listed, preflight('https://app.example.com/x', 'GET'), 'origin-not-allowed'],
    ['Origin: null, not listed', listed, preflight('null', 'GET'), 'null-origin'],
    ["Origin: null under '*'", any, preflight('null', 'GET'), 'null-origin'],
    ['two origins', listed, preflight('https://app.example.com, https://evil.test', 'GET'), 'malformed'],
    ['two origins under *', any, preflight('https://a.test,https://b.test', 'GET'), 'malformed'],
    ['an empty origin', listed, preflight('', 'GET'), 'malformed'],
    ['an empty method', listed, preflight('https://app.example.com', ''), 'malformed'],
    ['a method that is not a token', listed, preflight('https://app.example.com', 'GE T'), 'malformed'],
    ['a method not listed', listed, preflight('https://app.example.com', 'PROPFIND'), 'method-not-allowed'],
    ['a lower-case method', listed, preflight('https://app.example.com', 'patch'), 'method-not-allowed'],
    ['a header not listed', listed, preflight('https://app.example.com', 'POST', 'content-type, x-evil'), 'header-not-allowed'],
    ['authorization under allowedHeaders *', resolveCorsOptions({ origins: ['*'], allowedHeaders: ['*'] }), preflight('https://a.test', 'GET', 'x-ok, Authorization'), 'header-not-allowed'],
    ['a header list with a bad name', listed, preflight('https://app.example.com', 'POST', 'content-type, x bad'), 'malformed'],
    ['a method not listed from a pattern origin', listed, preflight('https://a.example.com', 'OPTIONS'), 'method-not-allowed'],
  ])('refuses a preflight with %s, with Vary only', (_label, resolved, req, reason) => {
    expect(decideCors(resolved, req)).toEqual(refused(reason));
  });

  it("allows authorization under allowedHeaders ['*'] when listed too", () => {
    const resolved = resolveCorsOptions({ origins: ['*'], allowedHeaders: ['*', 'authorization'] });
    const decision = decideCors(resolved, preflight('https://a.test', 'GET', 'authorization, x-other'));
    expect(decision.kind === 'preflight' && decision.headers[2]).toEqual(['Access-Control-Allow-Headers', '*, authorization']);
  });

  it("answers a preflight from a listed 'null' with Access-Control-Allow-Origin: null", () => {
    const decision = decideCors(resolveCorsOptions({ origins: ['null'] }), preflight('null', 'GET'));
    expect(decision.kind === 'preflight' && decision.headers[0]).toEqual(['Access-Control-Allow-Origin', 'null']);
  });

  it('never sends an allow header on a refusal, nor * with credentials', () => {
    for (const origin of ['https://evil.test', 'null', 'https://a.example.com', 'https://app.example.com']) {
      for (const method of ['GET', 'PROPFIND']) {
        const decision = decideCors(listed, preflight(origin, method, 'x-evil'));
        const names = 'headers' in decision ? decision.headers.map(([name]) => name) : [];
        expect(names).toEqual(['Vary']);
      }
    }
  });
});
