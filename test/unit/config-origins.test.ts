import { describe, expect, expectTypeOf, it } from 'vitest';
import { AegisConfigError, type ConfigProblem } from '../../src/core/config-error.js';
import { configMeta, loadConfig, type ConfigEntry, type ConfigSchema } from '../../src/config/index.js';
import { resolveCorsOptions } from '../../src/cors/index.js';

/** Loads one `origins` entry from one raw value in production; returns the value or the problems. */
function one(raw: string | undefined, extra: Partial<ConfigEntry> = {}): unknown {
  const env = raw === undefined ? {} : { CORS_ORIGINS: raw };
  try {
    return loadConfig({ origins: { env: 'CORS_ORIGINS', type: 'origins', ...extra } as ConfigEntry }, { env, profile: 'production', envFile: false }).origins;
  } catch (error) {
    expect(error).toBeInstanceOf(AegisConfigError);
    return (error as AegisConfigError).problems;
  }
}

describe("loadConfig: type 'origins'", () => {
  it('splits on commas and whitespace, normalises, drops duplicates and freezes', () => {
    const value = one(' https://app.example.com, https://*.Example.com\n HTTP://LocalHost:3000,,https://app.example.com:443 ');
    expect(value).toEqual(['https://app.example.com', 'https://*.example.com', 'http://localhost:3000']);
    expect(Object.isFrozen(value)).toBe(true);
  });

  it("takes '*' and 'null' as cors.origins does", () => {
    expect(one('*')).toEqual(['*']);
    expect(one('null https://a.com')).toEqual(['null', 'https://a.com']);
  });

  it('gives a value that resolveCorsOptions accepts as origins', () => {
    const config = loadConfig({ origins: { env: 'CORS_ORIGINS', type: 'origins', required: true } }, { env: { CORS_ORIGINS: 'https://app.example.com https://*.example.com' }, profile: 'production', envFile: false });
    expectTypeOf(config.origins).toEqualTypeOf<readonly string[]>();
    const cors = resolveCorsOptions({ origins: config.origins, credentials: true });
    expect([...cors.exact]).toEqual(['https://app.example.com']);
    expect(cors.patterns.map((p) => p.text)).toEqual(['https://*.example.com']);
  });

  it('reports every bad entry with its position, under the variable name', () => {
    expect(one('https://ok.example.com, https://a.com/ ftp://b.com https://a.*.com * https://u:hunter2@c.com')).toEqual<ConfigProblem[]>([
      { path: 'CORS_ORIGINS', message: 'entry 2 of 6: "https://a.com/" has a trailing "/"; an origin is scheme://host[:port] only.', fix: 'write "https://a.com".' },
      { path: 'CORS_ORIGINS', message: 'entry 3 of 6: "ftp://b.com" uses the scheme "ftp:"; origins here are http: or https:.', fix: "write 'https://host' (or 'http://localhost:3000' in development)." },
      { path: 'CORS_ORIGINS', message: 'entry 4 of 6: "https://a.*.com" has a wildcard that is not the whole first label.', fix: "write the wildcard as the whole first label, e.g. 'https://*.example.com'. Only one leading '*.' is allowed." },
      { path: 'CORS_ORIGINS', message: "entry 5 of 6: '*' allows every origin, so it cannot be combined with other entries.", fix: "keep '*' alone for a public resource, or remove it and list the origins." },
      { path: 'CORS_ORIGINS', message: 'entry 6 of 6: an entry holds a user name or password (not repeated here); an origin never has one.', fix: 'remove the user:password@ part and keep scheme://host[:port].' },
    ]);
  });

  it('refuses a value with no origin in it', () => {
    expect(one(' , ,')).toEqual([
      { path: 'CORS_ORIGINS', message: 'expected one or more origins separated by commas or spaces.', fix: 'set CORS_ORIGINS to origins such as "https://app.example.com, https://*.example.com".' },
    ]);
  });

  it('accepts defaults as arrays or strings, and checks them with the same rules', () => {
    const schema = {
      list: { env: 'A', type: 'origins', default: ['https://a.com', 'https://*.a.com'] },
      text: { env: 'B', type: 'origins', defaults: { development: 'http://localhost:3000, http://localhost:5173' } },
    } satisfies ConfigSchema;
    const config = loadConfig(schema, { env: {}, profile: 'development', envFile: false });
    expect(config).toEqual({ list: ['https://a.com', 'https://*.a.com'], text: ['http://localhost:3000', 'http://localhost:5173'] });
    expect(configMeta(config).source).toEqual({ list: 'default', text: 'default' });
    expect(one(undefined, { default: ['https://a.com/x', 'https://*'] } as Partial<ConfigEntry>)).toEqual([
      { path: 'schema.origins.default', message: 'entry 1 of 2: "https://a.com/x" has a path; an origin is scheme://host[:port] only.', fix: 'fix the default in the schema.' },
      { path: 'schema.origins.default', message: 'entry 2 of 2: "https://*" has no domain after \'*\'.', fix: 'fix the default in the schema.' },
    ]);
  });

  it('is required like any other type', () => {
    expect(one(undefined, { required: true })).toEqual([{ path: 'CORS_ORIGINS', message: 'is required but not set.', fix: 'set CORS_ORIGINS in the environment.' }]);
  });

  it('never repeats a password from an entry in the error message', () => {
    try {
      loadConfig({ o: { env: 'O', type: 'origins' } }, { env: { O: 'https://admin:hunter2@a.com' }, profile: 'production', envFile: false });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
      return;
    }
    throw new Error('expected an AegisConfigError');
  });
});
