import { Console } from 'node:console';
import { PassThrough } from 'node:stream';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AegisConfigError, type ConfigProblem } from '../../src/core/config-error.js';
import { configMeta, generateSecret, isSecret, isSecretRing, loadConfig, type ConfigEntry, type ConfigSchema } from '../../src/config/index.js';

const SESSION = generateSecret();
const KEY_NEW = generateSecret();
const KEY_OLD = generateSecret({ format: 'hex' });

const schema = {
  port: { env: 'PORT', type: 'port', default: 3000 },
  databaseUrl: { env: 'DATABASE_URL', type: 'url', required: true },
  sessionSecret: { env: 'SESSION_SECRET', type: 'secret', required: true },
  signingKeys: { env: 'SIGNING_KEYS', type: 'secrets' },
  logLevel: { env: 'LOG_LEVEL', type: 'enum', values: ['debug', 'info', 'warn'] as const, default: 'info' },
  requestTimeout: { env: 'REQUEST_TIMEOUT', type: 'duration', default: '30s' },
  maxUpload: { env: 'MAX_UPLOAD', type: 'size', default: '10mb' },
  debug: { env: 'DEBUG_MODE', type: 'boolean', default: false },
} satisfies ConfigSchema;

const base = { DATABASE_URL: 'postgres://app:db-pass-123@db.internal:5432/app', SESSION_SECRET: SESSION };

/** Loads and returns the thrown problems. Inputs the types forbid are cast on purpose. */
function problemsOf(run: () => unknown): ConfigProblem[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AegisConfigError);
    return [...(error as AegisConfigError).problems];
  }
  throw new Error('expected an AegisConfigError');
}

/** Loads one entry from one raw value in production and returns the value, or the problems. */
function one(entry: unknown, raw: string | undefined): unknown {
  const env = raw === undefined ? {} : { X: raw };
  try {
    return loadConfig({ x: entry as ConfigEntry }, { env, profile: 'production', envFile: false }).x;
  } catch (error) {
    return (error as AegisConfigError).problems;
  }
}

describe('loadConfig: values', () => {
  it('loads a production configuration from the environment, with defaults for the rest', () => {
    const config = loadConfig(schema, { env: { ...base, SIGNING_KEYS: `${KEY_NEW}, ${KEY_OLD}`, LOG_LEVEL: 'warn', PORT: '8080' }, profile: 'production', envFile: false });
    const { sessionSecret, signingKeys, ...plain } = config;
    expect(plain).toEqual({ port: 8080, databaseUrl: base.DATABASE_URL, logLevel: 'warn', requestTimeout: 30_000, maxUpload: 10_485_760, debug: false });
    expect(isSecret(sessionSecret) && sessionSecret.reveal()).toBe(SESSION);
    expect(isSecretRing(signingKeys) && signingKeys.all.map((k) => k.reveal())).toEqual([KEY_NEW, KEY_OLD]);
    expect(configMeta(config)).toEqual({
      profile: 'production',
      source: { port: 'env', databaseUrl: 'env', sessionSecret: 'env', signingKeys: 'env', logLevel: 'env', requestTimeout: 'default', maxUpload: 'default', debug: 'default' },
      variables: { port: 'PORT', databaseUrl: 'DATABASE_URL', sessionSecret: 'SESSION_SECRET', signingKeys: 'SIGNING_KEYS', logLevel: 'LOG_LEVEL', requestTimeout: 'REQUEST_TIMEOUT', maxUpload: 'MAX_UPLOAD', debug: 'DEBUG_MODE' },
      warnings: [],
      relaxed: [],
    });
  });

  it.each([
    [{ type: 'string' }, '  spaced value  ', '  spaced value  '],
    [{ type: 'integer' }, ' -42 ', -42],
    [{ type: 'integer' }, '+7', 7],
    [{ type: 'number' }, '1.5e3', 1500],
    [{ type: 'number' }, '.25', 0.25],
    [{ type: 'port' }, '0', 0],
    [{ type: 'port' }, '65535', 65535],
    [{ type: 'boolean' }, 'YES', true],
    [{ type: 'boolean' }, '0', false],
    [{ type: 'boolean' }, 'False', false],
    [{ type: 'url' }, 'https://example.com', 'https://example.com'],
    [{ type: 'url' }, 'redis://cache:6379/0', 'redis://cache:6379/0'],
    [{ type: 'url' }, ' sqlite:///var/data/app.db ', 'sqlite:///var/data/app.db'],
    [{ type: 'url', protocols: ['https', 'postgres:'] }, 'postgres://db/app', 'postgres://db/app'],
    [{ type: 'enum', values: ['debug', 'info'] }, 'INFO', 'info'],
    [{ type: 'duration' }, '5m', 300_000],
    [{ type: 'duration' }, '1500', 1500],
    [{ type: 'size' }, '64kb', 65_536],
    [{ type: 'size' }, '2048', 2048],
  ])('reads %j from %j', (entry, raw, expected) => {
    expect(one({ env: 'X', ...entry }, raw)).toEqual(expected);
  });

  it.each([
    [{ type: 'integer' }, '1.5', '"1.5" is not a whole number.', 'set X to a whole number such as 10.'],
    [{ type: 'integer' }, '99999999999999999', '"99999999999999999" is not a whole number.', 'set X to a whole number such as 10.'],
    [{ type: 'number' }, 'Infinity', '"Infinity" is not a number.', 'set X to a number such as 1.5.'],
    [{ type: 'number' }, '0x10', '"0x10" is not a number.', 'set X to a number such as 1.5.'],
    [{ type: 'port' }, '65536', '"65536" is not a port number (0 to 65535).', 'set X to a port such as 3000.'],
    [{ type: 'port' }, '80a', '"80a" is not a port number (0 to 65535).', 'set X to a port such as 3000.'],
    [{ type: 'boolean' }, 'on', '"on" is not true or false.', 'set X to true or false (1/0 and yes/no also work).'],
    [{ type: 'url' }, 'db.internal:5432/app?password=hunter2', 'the value is not an absolute URL starting with a scheme and // (it is not repeated here: URLs can hold passwords).', 'set X to a URL such as https://example.com/.'],
    [{ type: 'url' }, 'mailto:ops@example.com', 'the value is not an absolute URL starting with a scheme and // (it is not repeated here: URLs can hold passwords).', 'set X to a URL such as https://example.com/.'],
    [{ type: 'url' }, '/relative/path', 'the value is not an absolute URL starting with a scheme and // (it is not repeated here: URLs can hold passwords).', 'set X to a URL such as https://example.com/.'],
    [{ type: 'url', protocols: ['https:'] }, 'http://u:hunter2@example.com', 'the URL scheme "http:" is not allowed.', 'use a URL starting with https://.'],
    [{ type: 'enum', values: ['debug', 'info'] }, 'trace', '"trace" is not one of the allowed values.', 'use one of: "debug", "info".'],
    [{ type: 'duration' }, '30 parsecs', '"30 parsecs" is not a duration.', 'set X to milliseconds (30000) or a duration such as 30s or 5m.'],
    [{ type: 'size' }, 'ten mb', '"ten mb" is not a size.', 'set X to bytes (1048576) or a size such as 64kb or 10mb.'],
    [{ type: 'secrets' }, ' , ,', 'expected one or more secrets, newest first, separated by commas or spaces.', 'set X to a new value from `npx aegis secret`.'],
  ])('refuses %j from %j', (entry, raw, message, fix) => {
    expect(one({ env: 'X', ...entry }, raw)).toEqual([{ path: 'X', message, fix }]);
  });

  it('counts an empty variable as unset', () => {
    expect(one({ env: 'X', type: 'port', default: 3000 }, '')).toBe(3000);
    expect(one({ env: 'X', type: 'string', required: true }, '')).toEqual([{ path: 'X', message: 'is required but not set.', fix: 'set X in the environment.' }]);
  });

  it('collects every problem of every key and throws them once', () => {
    let error: AegisConfigError | undefined;
    try {
      loadConfig(schema, { env: { PORT: 'http', SESSION_SECRET: 'changeme', LOG_LEVEL: 'trace', DEBUG_MODE: 'maybe' }, profile: 'production', envFile: false });
    } catch (caught) {
      error = caught as AegisConfigError;
    }
    expect(error?.message).toBe(
      'Invalid configuration (5 problems):\n' +
        '  - PORT: "http" is not a port number (0 to 65535). Fix: set PORT to a port such as 3000.\n' +
        '  - DATABASE_URL: is required but not set. Fix: set DATABASE_URL in the environment.\n' +
        '  - LOG_LEVEL: "trace" is not one of the allowed values. Fix: use one of: "debug", "info", "warn".\n' +
        '  - DEBUG_MODE: "maybe" is not true or false. Fix: set DEBUG_MODE to true or false (1/0 and yes/no also work).\n' +
        '  - SESSION_SECRET: weak secret: a known placeholder; only 22 bits of entropy (at least 256 are needed). Fix: set SESSION_SECRET to a new value from `npx aegis secret`.',
    );
  });
});

describe('loadConfig: the schema', () => {
  it('reports mistakes in the schema itself', () => {
    const bad = {
      a: { env: 'A', type: 'port', defualt: 1 },
      b: { env: 'B', type: 'float' },
      c: { env: 'C', type: 'secret', default: 'x' },
      d: { env: 'D', type: 'enum', values: [] },
      e: { env: 'E', type: 'string', required: true, default: 'x' },
      f: { env: 'not a name', type: 'string' },
      g: { env: 'G', type: 'port', default: 70000 },
      h: { env: 'H', type: 'string', protocols: ['https:'] },
      i: 'PORT',
    };
    expect(problemsOf(() => loadConfig(bad as unknown as ConfigSchema, { env: {}, profile: 'test' }))).toEqual([
      { path: 'schema.a.defualt', message: 'unknown option.', fix: 'did you mean "default"?' },
      { path: 'schema.b.type', message: '"float" is not a config type.', fix: 'use one of: string, integer, number, port, boolean, url, enum, duration, size, secret, secrets, origins.' },
      { path: 'schema.c.default', message: 'a secret has no default in code, or production would use it.', fix: "remove default; use defaults: { development: '…' } for local work." },
      { path: 'schema.d.values', message: 'an enum needs a non-empty list of strings.', fix: "write values: ['debug', 'info'] as const." },
      { path: 'schema.e.default', message: 'a default makes required: true meaningless.', fix: 'remove one of them (defaults: { development } still works with required).' },
      { path: 'schema.f.env', message: '"not a name" is not an environment variable name.', fix: "write env: 'SOME_NAME' (letters, digits and _)." },
      { path: 'schema.g.default', message: '70000 is not a port number (0 to 65535).', fix: 'fix the default in the schema.' },
      { path: 'schema.h.protocols', message: 'protocols is a list of URL schemes for type: "url".', fix: "write protocols: ['https:']." },
      { path: 'schema.i', message: 'expected an object, got "PORT".', fix: "write { env: 'PORT', type: 'port', default: 3000 }." },
    ]);
  });
});

describe('loadConfig: printing', () => {
  const config = loadConfig(schema, { env: { ...base, SIGNING_KEYS: `${KEY_NEW} ${KEY_OLD}` }, profile: 'production', envFile: false });
  const expected =
    "{\n  port: 3000,\n  databaseUrl: 'postgres://app:[redacted]@db.internal:5432/app',\n  sessionSecret: [redacted],\n  signingKeys: [redacted],\n" +
    "  logLevel: 'info',\n  requestTimeout: 30000,\n  maxUpload: 10485760,\n  debug: false\n}";

  it('shows [redacted] for secrets and URL passwords in console.log, util.inspect and JSON', () => {
    const out = new PassThrough();
    new Console({ stdout: out, colorMode: false }).log(config);
    expect(String(out.read())).toBe(`${expected}\n`);
    expect(inspect(config, { depth: 5 })).toBe(expected);
    expect(JSON.stringify(config)).toBe(
      '{"port":3000,"databaseUrl":"postgres://app:[redacted]@db.internal:5432/app","sessionSecret":"[redacted]","signingKeys":"[redacted]",' +
        '"logLevel":"info","requestTimeout":30000,"maxUpload":10485760,"debug":false}',
    );
    for (const text of [inspect(config, { depth: 5, showHidden: true }), JSON.stringify({ config }), inspect({ config }, { depth: 9 })]) {
      for (const secret of [SESSION, KEY_NEW, KEY_OLD, 'db-pass-123']) expect(text).not.toContain(secret);
    }
  });

  it('keeps the URL itself usable, and the metadata out of sight', () => {
    expect(config.databaseUrl).toBe(base.DATABASE_URL);
    expect(Object.keys(config)).toEqual(['port', 'databaseUrl', 'sessionSecret', 'signingKeys', 'logLevel', 'requestTimeout', 'maxUpload', 'debug']);
    expect(JSON.stringify(config)).not.toContain('production');
    expect(inspect(config, { depth: 5 })).not.toContain('production');
  });

  it('is frozen', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('has metadata only for objects loadConfig returned', () => {
    expect(() => configMeta({ port: 3000 })).toThrow(new TypeError('configMeta(config): config was not returned by loadConfig().'));
    expect(Object.isFrozen(configMeta(config).relaxed)).toBe(true);
  });
});
