import { describe, expect, it } from 'vitest';
import { AegisConfigError, Problems } from '../../src/core/config-error.js';
import { compileCors, resolveCorsOptions } from '../../src/cors/index.js';
import type { CorsOptions } from '../../src/cors/index.js';

/** Resolves and returns the thrown problems as [path, message, fix]. Inputs the types forbid are cast on purpose. */
function problems(options: unknown): Array<[string, string, string]> {
  try {
    resolveCorsOptions(options as CorsOptions);
  } catch (err) {
    expect(err).toBeInstanceOf(AegisConfigError);
    expect((err as AegisConfigError).message).toMatch(/^Invalid CORS options \(\d+ problems?\):/);
    return (err as AegisConfigError).problems.map((p) => [p.path, p.message, p.fix]);
  }
  throw new Error('expected an AegisConfigError');
}

const ANY_WITH_CREDENTIALS: [string, string, string] = [
  'cors.credentials',
  "credentials: true cannot be combined with origins: ['*']: browsers refuse 'Access-Control-Allow-Origin: *' on credentialed requests, and allowing any origin with credentials would expose signed-in responses to every site.",
  "list the origins that may send credentials, e.g. origins: ['https://app.example.com'], or set credentials: false.",
];

describe('resolveCorsOptions', () => {
  it('has the documented defaults, normalises origins and freezes the result', () => {
    const r = resolveCorsOptions({ origins: ['HTTPS://App.Example.com:443', 'https://*.Example.com', 'https://app.example.com'] });
    expect([...r.exact]).toEqual(['https://app.example.com']);
    expect(r.patterns).toEqual([{ kind: 'pattern', text: 'https://*.example.com', prefix: 'https://', suffix: '.example.com' }]);
    expect(r.allowAny).toBe(false);
    expect(r.allowNull).toBe(false);
    expect(r.credentials).toBe(false);
    expect(r.methods).toEqual(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
    expect(r.allowedHeaders).toEqual(['content-type', 'x-csrf-token']);
    expect(r.exposedHeaders).toEqual([]);
    expect(r.maxAgeSeconds).toBe(600);
    expect(Object.isFrozen(r)).toBe(true);
    expect(Object.isFrozen(r.methods)).toBe(true);
    expect(Object.isFrozen(r.patterns[0])).toBe(true);
  });

  it('upper-cases methods, lower-cases headers, drops duplicates and reads maxAge', () => {
    const r = resolveCorsOptions({ origins: ['https://a.com'], methods: ['get', 'Post', 'GET'], allowedHeaders: ['Authorization', 'X-Api-Key', 'authorization'], exposedHeaders: ['X-Request-Id'], maxAge: '2h' });
    expect(r.methods).toEqual(['GET', 'POST']);
    expect(r.allowedHeaders).toEqual(['authorization', 'x-api-key']);
    expect(r.exposedHeaders).toEqual(['x-request-id']);
    expect(r.maxAgeSeconds).toBe(7200);
    expect(resolveCorsOptions({ origins: ['https://a.com'], maxAge: 90_500 }).maxAgeSeconds).toBe(90);
    expect(resolveCorsOptions({ origins: ['https://a.com'], maxAge: 0 }).maxAgeSeconds).toBe(0);
    expect(resolveCorsOptions({ origins: ['https://a.com'], maxAge: '24h' }).maxAgeSeconds).toBe(86_400);
  });

  it("accepts '*' alone without credentials, and 'null' without credentials", () => {
    const any = resolveCorsOptions({ origins: ['*'], allowedHeaders: ['*'], exposedHeaders: ['*'] });
    expect(any.allowAny).toBe(true);
    expect(any.allowedHeaders).toEqual(['*']);
    expect(resolveCorsOptions({ origins: ['null', 'https://a.com'] }).allowNull).toBe(true);
  });

  it.each([
    [undefined, ['cors', 'expected an object, got undefined.', "write { origins: ['https://app.example.com'] }."]],
    [{}, ['cors.origins', 'is required: no origin is allowed by default.', "list the origins that may read responses, e.g. origins: ['https://app.example.com']."]],
    [{ origins: [] }, ['cors.origins', 'is empty: no origin would be allowed.', "list the origins, e.g. origins: ['https://app.example.com'], or leave CORS off."]],
    [{ origins: 'https://a.com' }, ['cors.origins', 'expected an array of origins, got "https://a.com".', 'write origins: ["https://a.com"].']],
    [{ origins: ['*'], credentials: true }, ANY_WITH_CREDENTIALS],
    [{ origins: ['https://a.com', 'null'], credentials: true }, ['cors.origins[1]', "'null' with credentials: true would let any site read signed-in responses: every page can produce Origin: null from a sandboxed iframe.", "remove 'null' and list the real https:// origins, or set credentials: false."]],
    [{ origins: ['https://a.com'], credentials: 'yes' }, ['cors.credentials', 'expected true or false, got "yes".', 'write credentials: false.']],
    [{ origins: ['https://a.com'], methods: [] }, ['cors.methods', 'is empty: no cross-origin request would pass a preflight.', "list the methods, e.g. methods: ['GET', 'POST'], or leave the option out for the default."]],
    [{ origins: ['https://a.com'], methods: 'GET' }, ['cors.methods', 'expected an array of methods, got "GET".', "write methods: ['GET', 'POST']."]],
    [{ origins: ['https://a.com'], methods: ['*'] }, ['cors.methods[0]', "'*' would allow every method.", "list the methods, e.g. methods: ['GET', 'POST', 'DELETE']."]],
    [{ origins: ['https://a.com'], methods: ['GET', 'PO ST'] }, ['cors.methods[1]', '"PO ST" is not a method name.', "write a method such as 'POST'."]],
    [{ origins: ['https://a.com'], methods: ['trace'] }, ['cors.methods[0]', '"trace" is a method browsers never send from a page.', 'remove it.']],
    [{ origins: ['https://a.com'], allowedHeaders: ['x-ok', 'x bad'] }, ['cors.allowedHeaders[1]', '"x bad" is not a header name.', "write a header name such as 'x-request-id'."]],
    [{ origins: ['https://a.com'], allowedHeaders: 'content-type' }, ['cors.allowedHeaders', 'expected an array of header names, got "content-type".', "write allowedHeaders: ['content-type', 'x-csrf-token']."]],
    [{ origins: ['https://a.com'], credentials: true, allowedHeaders: ['*'] }, ['cors.allowedHeaders[0]', '\'*\' is not a wildcard on credentialed requests: browsers read it as a header named "*".', "list the header names, e.g. allowedHeaders: ['content-type', 'x-csrf-token']."]],
    [{ origins: ['https://a.com'], credentials: true, exposedHeaders: ['*'] }, ['cors.exposedHeaders[0]', '\'*\' is not a wildcard on credentialed requests: browsers read it as a header named "*".', "list the header names, e.g. exposedHeaders: ['x-request-id']."]],
    [{ origins: ['https://a.com'], exposedHeaders: ['Set-Cookie'] }, ['cors.exposedHeaders[0]', '"Set-Cookie" is never exposed to scripts by browsers.', 'remove it.']],
    [{ origins: ['https://a.com'], maxAge: -1 }, ['cors.maxAge', '-1 is not a duration.', "give milliseconds (30000) or a duration string ('30s', '5m')."]],
    [{ origins: ['https://a.com'], maxAge: 'soon' }, ['cors.maxAge', '"soon" is not a duration.', "give milliseconds (30000) or a duration string ('30s', '5m')."]],
    [{ origins: ['https://a.com'], maxAge: '2d' }, ['cors.maxAge', '"2d" is more than 24 hours; browsers cap the preflight cache (Firefox at 24 h, Chromium at 2 h).', "write maxAge: '2h' or less."]],
    [{ origins: ['https://a.com'], maxAge: 600 }, ['cors.maxAge', '600 is less than a second and would be sent as 0 seconds; maxAge is in milliseconds, not seconds.', "write maxAge: '600s' if you meant seconds, or '10m'."]],
    [{ origins: ['https://a.com'], maxage: '10m' }, ['cors.maxage', 'unknown option.', 'did you mean "maxAge"?']],
  ])('refuses %j', (options, expected) => {
    expect(problems(options)).toEqual([expected]);
  });

  it('lists every problem at once, origins named by index', () => {
    expect(
      problems({
        origins: ['https://ok.example.com', 'https://a.com/', 'https://u:secret@a.com', 'ftp://a.com', 'https://a.*.com', 'https://*', '*.example.com', 5, '*'],
        credentials: true,
        methods: ['GET', ''],
        unknown: 1,
      }).map(([path, message]) => [path, message]),
    ).toEqual([
      ['cors.unknown', 'unknown option.'],
      ['cors.origins[1]', '"https://a.com/" has a trailing "/"; an origin is scheme://host[:port] only.'],
      ['cors.origins[2]', 'an entry holds a user name or password (not repeated here); an origin never has one.'],
      ['cors.origins[3]', '"ftp://a.com" uses the scheme "ftp:"; origins here are http: or https:.'],
      ['cors.origins[4]', '"https://a.*.com" has a wildcard that is not the whole first label.'],
      ['cors.origins[5]', '"https://*" has no domain after \'*\'.'],
      ['cors.origins[6]', '"*.example.com" has no scheme; an origin starts with https:// or http://.'],
      ['cors.origins[7]', '5 is not an origin.'],
      ['cors.origins[8]', "'*' allows every origin, so it cannot be combined with other entries."],
      ['cors.methods[1]', '"" is not a method name.'],
    ]);
  });

  it('never shows a password from an origin entry in the error', () => {
    try {
      resolveCorsOptions({ origins: ['https://admin:hunter2@a.com'] });
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
      return;
    }
    throw new Error('expected an AegisConfigError');
  });
});

describe('compileCors', () => {
  it('adds problems under the given path and returns undefined', () => {
    const found = new Problems();
    expect(compileCors({ origins: ['https://a.com/'] }, found, 'policy.cors')).toBeUndefined();
    expect(found.list.map((p) => p.path)).toEqual(['policy.cors.origins[0]']);
  });

  it('returns the compiled options and adds nothing when they are valid', () => {
    const found = new Problems();
    expect(compileCors({ origins: ['https://a.com'] }, found, 'cors')?.exact.has('https://a.com')).toBe(true);
    expect(found.count).toBe(0);
  });
});
