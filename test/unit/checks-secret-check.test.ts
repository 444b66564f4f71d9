import { describe, expect, it } from 'vitest';
import { configProblemsFromModule, secretProblemFrom } from '../../src/cli/secret-check.js';
import { generateSecret } from '../../src/config/generate-secret.js';

// How `aegis check` turns loadConfig's problems into AEGIS-E009/E010 material (src/cli/secret-check.ts).

describe('secretProblemFrom', () => {
  it.each([
    [
      { path: 'SESSION_SECRET', message: 'weak secret: a known placeholder.', fix: 'set SESSION_SECRET to a new value from `npx aegis secret`.' },
      { name: 'SESSION_SECRET', message: 'a known placeholder.', fix: 'set SESSION_SECRET to a new value from `npx aegis secret`.' },
    ],
    [
      { path: 'KEYS', message: 'key 2 of 3 in KEYS: weak secret: too short.', fix: 'replace key 2 of 3 in KEYS with a new value from `npx aegis secret`.' },
      { name: 'key 2 of 3 in KEYS', message: 'too short.', fix: 'replace key 2 of 3 in KEYS with a new value from `npx aegis secret`.' },
    ],
    [
      { path: 'API_KEY', message: 'the same value as CSRF_SECRET; every secret must be different.', fix: 'set API_KEY to a new value from `npx aegis secret`.' },
      { name: 'API_KEY', message: 'the same value as CSRF_SECRET; every secret must be different.', fix: 'set API_KEY to a new value from `npx aegis secret`.' },
    ],
  ])('%j → %j', (problem, expected) => {
    expect(secretProblemFrom(problem)).toEqual(expected);
  });
});

describe('configProblemsFromModule', () => {
  const schema = {
    port: { env: 'PORT', type: 'port', required: true },
    keys: { env: 'KEYS', type: 'secrets', required: true },
    session: { env: 'SESSION_SECRET', type: 'secret', required: true },
  };

  it("splits loadConfig's problems into secrets and the rest, each with loadConfig's fix", () => {
    const env = { KEYS: `${generateSecret()},changeme`, SESSION_SECRET: 'changeme' };
    expect(configProblemsFromModule(schema, 'production', env)).toEqual({
      secrets: [
        { name: 'key 2 of 2 in KEYS', message: 'a known placeholder; only 22 bits of entropy (at least 256 are needed).', fix: 'replace key 2 of 2 in KEYS with a new value from `npx aegis secret`.' },
        { name: 'SESSION_SECRET', message: 'a known placeholder; only 22 bits of entropy (at least 256 are needed).', fix: 'set SESSION_SECRET to a new value from `npx aegis secret`.' },
        { name: 'SESSION_SECRET', message: 'the same value as key 2 of 2 in KEYS; every secret must be different.', fix: 'set SESSION_SECRET to a new value from `npx aegis secret`.' },
      ],
      other: [{ name: 'PORT', message: 'is required but not set.', fix: 'set PORT in the environment.' }],
    });
  });

  it('finds nothing in a schema the environment satisfies, or in no config at all', () => {
    expect(configProblemsFromModule(schema, 'production', { PORT: '8080', KEYS: generateSecret(), SESSION_SECRET: generateSecret() })).toEqual({ secrets: [], other: [] });
    expect(configProblemsFromModule(undefined, 'production', {})).toEqual({ secrets: [], other: [] });
  });
});
