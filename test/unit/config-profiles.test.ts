import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AegisConfigError, type ConfigProblem } from '../../src/core/config-error.js';
import { configMeta, generateSecret, loadConfig, type ConfigSchema, type LoadConfigOptions } from '../../src/config/index.js';
import type { Profile } from '../../src/core/profile.js';

const schema = {
  port: { env: 'PORT', type: 'port', default: 3000 },
  sessionSecret: { env: 'SESSION_SECRET', type: 'secret', required: true },
  signingKeys: { env: 'SIGNING_KEYS', type: 'secrets' },
} satisfies ConfigSchema;

const STRONG = generateSecret();
const few = (bits: number) => `only ${bits} bits of entropy (at least 256 are needed)`;

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'aegis-config-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function errorOf(run: () => unknown): AegisConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AegisConfigError);
    return error as AegisConfigError;
  }
  throw new Error('expected an AegisConfigError');
}

const problemsOf = (run: () => unknown): ConfigProblem[] => [...errorOf(run).problems];

describe('the .env file', () => {
  const dir = dirWith({ '.env': `PORT=4000\nSESSION_SECRET="${STRONG}"\n`, '.env.test': 'PORT=5000\n', 'broken.env': 'PORT=1\nSESSION_SECRET "x"\nSIGNING_KEYS="a\n' });

  it('is read in development, and the real environment wins over it', () => {
    const config = loadConfig(schema, { env: { PORT: '8080' }, profile: 'development', cwd: dir });
    expect([config.port, config.sessionSecret.reveal()]).toEqual([8080, STRONG]);
    expect(configMeta(config)).toEqual({
      profile: 'development',
      source: { port: 'env', sessionSecret: 'file' },
      variables: { port: 'PORT', sessionSecret: 'SESSION_SECRET', signingKeys: 'SIGNING_KEYS' },
      warnings: [],
      relaxed: [],
    });
  });

  it('is not read in development with envFile: false, and a missing file is not an error', () => {
    expect(problemsOf(() => loadConfig(schema, { env: {}, profile: 'development', cwd: dir, envFile: false }))).toEqual([
      { path: 'SESSION_SECRET', message: 'is required but not set.', fix: 'set SESSION_SECRET in the environment to a new value from `npx aegis secret`.' },
    ]);
    expect(loadConfig(schema, { env: { SESSION_SECRET: STRONG }, profile: 'development', cwd: dirWith({}) }).port).toBe(3000);
  });

  it('is read in test only when envFile is given', () => {
    expect(loadConfig(schema, { env: { SESSION_SECRET: STRONG }, profile: 'test', cwd: dir }).port).toBe(3000);
    const config = loadConfig(schema, { env: { SESSION_SECRET: STRONG }, profile: 'test', cwd: dir, envFile: '.env.test' });
    expect([config.port, configMeta(config).source.port]).toEqual([5000, 'file']);
  });

  it('is ignored in production, and said so in warnings', () => {
    const config = loadConfig(schema, { env: { SESSION_SECRET: generateSecret() }, profile: 'production', cwd: dir });
    expect(config.port).toBe(3000);
    expect(configMeta(config).warnings).toEqual([`.env (${join(dir, '.env')}) exists but is not read in production; set these variables in the real environment.`]);
    expect(problemsOf(() => loadConfig(schema, { env: {}, profile: 'production', cwd: dir }))).toEqual([
      { path: 'SESSION_SECRET', message: 'is required but not set.', fix: 'set SESSION_SECRET in the environment to a new value from `npx aegis secret`.' },
    ]);
  });

  it('reports its malformed lines by file and line number, with the other problems', () => {
    expect(problemsOf(() => loadConfig(schema, { env: {}, profile: 'development', cwd: dir, envFile: 'broken.env' }))).toEqual([
      { path: 'broken.env:2', message: 'expected KEY=value, but the line has no "=".', fix: 'write the line as KEY=value (quote a value with spaces or #), or delete it.' },
      { path: 'broken.env:3', message: 'SIGNING_KEYS: the double quote that opens the value is never closed.', fix: 'write the line as KEY=value (quote a value with spaces or #), or delete it.' },
      { path: 'SESSION_SECRET', message: 'is required but not set.', fix: 'set SESSION_SECRET in the environment or in broken.env to a new value from `npx aegis secret`.' },
    ]);
  });
});

describe('profiles', () => {
  it('detects the profile from AEGIS_ENV and NODE_ENV in the given environment', () => {
    const env = { NODE_ENV: 'production', SESSION_SECRET: 'changeme' };
    expect(problemsOf(() => loadConfig(schema, { env, envFile: false })).map((p) => p.path)).toEqual(['SESSION_SECRET']);
    expect(configMeta(loadConfig(schema, { env: { ...env, AEGIS_ENV: 'dev' }, envFile: false })).profile).toBe('development');
    expect(problemsOf(() => loadConfig(schema, { env: { AEGIS_ENV: 'prodution', SESSION_SECRET: STRONG }, envFile: false }))).toEqual([
      { path: 'AEGIS_ENV', message: '"prodution" is not a profile.', fix: 'use one of: development, test, production.' },
    ]);
  });

  const withDefaults = {
    port: { env: 'PORT', type: 'port', defaults: { development: 3000, test: 0 } },
    secret: { env: 'APP_SECRET', type: 'secret', required: true, defaults: { development: 'dev-only-secret', test: 'test-only-secret' } },
  } satisfies ConfigSchema;

  it.each([
    ['development', 3000, 'dev-only-secret'],
    ['test', 0, 'test-only-secret'],
  ] as const)('uses the schema defaults for %s and lists the secret one as relaxed', (profile, port, secret) => {
    const config = loadConfig(withDefaults, { env: {}, profile, envFile: false });
    expect([config.port, config.secret.reveal()]).toEqual([port, secret]);
    expect(configMeta(config)).toEqual({
      profile,
      source: { port: 'default', secret: 'default' },
      variables: { port: 'PORT', secret: 'APP_SECRET' },
      warnings: [],
      relaxed: [`APP_SECRET uses the schema's ${profile} default (production has none).`, `APP_SECRET: weak secret: ${few(profile === 'test' ? 50 : 51)}. Allowed in ${profile}; production refuses it.`],
    });
  });

  it('never uses development or test defaults in production', () => {
    expect(problemsOf(() => loadConfig(withDefaults, { env: {}, profile: 'production', envFile: false }))).toEqual([
      { path: 'APP_SECRET', message: 'is required but not set.', fix: 'set APP_SECRET in the environment to a new value from `npx aegis secret`.' },
    ]);
    expect(loadConfig(withDefaults, { env: { APP_SECRET: STRONG }, profile: 'production', envFile: false }).port).toBeUndefined();
  });
});

describe('secrets in production, development and test', () => {
  const oldKey = generateSecret({ format: 'hex' });
  const env = { SESSION_SECRET: 'changeme', SIGNING_KEYS: `${STRONG},short-key,${STRONG}, ${oldKey}` };
  const load = (profile: Profile) => loadConfig(schema, { env: { ...env, PORT: '3000' }, profile, envFile: false });

  it('production refuses placeholders, weak keys and repeated values, each with the way to fix it', () => {
    expect(problemsOf(() => load('production'))).toEqual([
      { path: 'SESSION_SECRET', message: `weak secret: a known placeholder; ${few(22)}.`, fix: 'set SESSION_SECRET to a new value from `npx aegis secret`.' },
      { path: 'SIGNING_KEYS', message: `key 2 of 4 in SIGNING_KEYS: weak secret: ${few(28)}.`, fix: 'replace key 2 of 4 in SIGNING_KEYS with a new value from `npx aegis secret`.' },
      {
        path: 'SIGNING_KEYS',
        message: 'key 3 of 4 in SIGNING_KEYS: the same value as key 1 of 4 in SIGNING_KEYS; every secret must be different.',
        fix: 'replace key 3 of 4 in SIGNING_KEYS with a new value from `npx aegis secret`.',
      },
    ]);
  });

  it('production refuses the same value in two entries', () => {
    expect(problemsOf(() => loadConfig(schema, { env: { SESSION_SECRET: STRONG, SIGNING_KEYS: `${generateSecret()} ${STRONG}` }, profile: 'production', envFile: false }))).toEqual([
      { path: 'SIGNING_KEYS', message: 'key 2 of 2 in SIGNING_KEYS: the same value as SESSION_SECRET; every secret must be different.', fix: 'replace key 2 of 2 in SIGNING_KEYS with a new value from `npx aegis secret`.' },
    ]);
  });

  it.each(['development', 'test'] as const)('%s accepts them and lists what it relaxed', (profile) => {
    const config = load(profile);
    expect(config.signingKeys?.all.length).toBe(4);
    expect(configMeta(config).relaxed).toEqual([
      `SESSION_SECRET: weak secret: a known placeholder; ${few(22)}. Allowed in ${profile}; production refuses it.`,
      `key 2 of 4 in SIGNING_KEYS: weak secret: ${few(28)}. Allowed in ${profile}; production refuses it.`,
      `key 3 of 4 in SIGNING_KEYS: the same value as key 1 of 4 in SIGNING_KEYS; every secret must be different. Allowed in ${profile}; production refuses it.`,
    ]);
  });

  it('production accepts strong, distinct secrets', () => {
    const config = loadConfig(schema, { env: { SESSION_SECRET: STRONG, SIGNING_KEYS: oldKey }, profile: 'production', envFile: false });
    expect(config.signingKeys?.current.reveal()).toBe(oldKey);
    expect(configMeta(config).relaxed).toEqual([]);
  });
});

describe('a planted secret never reaches an error, a warning or a relaxed line', () => {
  const tail = randomBytes(16).toString('hex');
  const planted = `planted-${tail}`;
  const strongPlanted = `planted-${generateSecret()}`;
  const urlSchema = { ...schema, db: { env: 'DATABASE_URL', type: 'url', protocols: ['https:'] } } satisfies ConfigSchema;
  const situations: Array<[string, LoadConfigOptions['env'], string?]> = [
    ['weak', { SESSION_SECRET: planted }],
    ['weak key in a ring', { SESSION_SECRET: STRONG, SIGNING_KEYS: `${generateSecret()},${planted}` }],
    ['placeholder (change me)', { SESSION_SECRET: `change-me-${planted}` }],
    ['placeholder (django-insecure-)', { SESSION_SECRET: `django-insecure-${strongPlanted}` }],
    ['duplicate across entries', { SESSION_SECRET: strongPlanted, SIGNING_KEYS: `${generateSecret()} ${strongPlanted}` }],
    ['duplicate inside a ring', { SESSION_SECRET: STRONG, SIGNING_KEYS: `${strongPlanted},${strongPlanted}` }],
    ['password in a refused URL', { SESSION_SECRET: STRONG, DATABASE_URL: `http://app:${planted}@db/app` }],
    ['password in a malformed URL', { SESSION_SECRET: STRONG, DATABASE_URL: `db:5432?password=${planted}` }],
    ['malformed .env lines', {}, `SESSION_SECRET "${planted}"\n${planted}\nSIGNING_KEYS="${planted}\n1X=${planted}\n`],
  ];
  const fragments = [planted, planted.slice(0, 8), tail.slice(0, 8), strongPlanted.slice(8, 16)];

  it.each(situations)('%s', (_name, env, dotenv) => {
    const cwd = dirWith(dotenv === undefined ? {} : { '.env': dotenv });
    const error = errorOf(() => loadConfig(urlSchema, { env, profile: 'production', envFile: dotenv === undefined ? false : '.env', cwd }));
    const dev = dotenv === undefined ? configMeta(loadConfig(urlSchema, { env: { ...env, DATABASE_URL: 'https://db.example' }, profile: 'development', envFile: false })) : undefined;
    const dump = [error.message, JSON.stringify(error.problems), String(error.stack), JSON.stringify(dev)].join('\n');
    if (dotenv !== undefined) {
      const devError = errorOf(() => loadConfig(urlSchema, { env, profile: 'development', cwd }));
      expect(devError.problems.filter((p) => p.path.startsWith('.env:')).map((p) => p.path)).toEqual(['.env:1', '.env:2', '.env:3', '.env:4']);
      for (const fragment of fragments) expect(devError.message).not.toContain(fragment);
    }
    expect(error.problems.length).toBeGreaterThan(0);
    for (const fragment of fragments) expect(dump).not.toContain(fragment);
  });
});
