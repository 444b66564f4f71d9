/**
 * secretProblemsOf: what the production guard says about the secrets of a configuration passed to
 * serve({ config }) — named by environment variable for a loadConfig result, by key otherwise,
 * never by value.
 */
import { describe, expect, it } from 'vitest';
import { secretProblemsOf } from '../../src/checks/secret-problems.js';
import { generateSecret, loadConfig, Secret, SecretRing } from '../../src/config/index.js';

const WEAK = 'planted-Secret-42';

describe('secretProblemsOf', () => {
  it('names the variables of a loadConfig result, and ring members by position', () => {
    // Loaded in development, where weak secrets are allowed (and listed as relaxed), so that the
    // guard has something to find, as it would for a configuration loaded outside production.
    const strong = generateSecret();
    const config = loadConfig(
      {
        sessionSecret: { env: 'SESSION_SECRET', type: 'secret', required: true },
        signingKeys: { env: 'SIGNING_KEYS', type: 'secrets', required: true },
        port: { env: 'PORT', type: 'port', default: 3000 },
      },
      { env: { AEGIS_ENV: 'development', SESSION_SECRET: WEAK, SIGNING_KEYS: `${strong} ${WEAK}` }, envFile: false },
    );
    const problems = secretProblemsOf(config);
    expect(problems).toEqual([
      { name: 'SESSION_SECRET', message: 'only 102 bits of entropy (at least 256 are needed).' },
      { name: 'key 2 of 2 in SIGNING_KEYS', message: 'only 102 bits of entropy (at least 256 are needed).' },
      { name: 'key 2 of 2 in SIGNING_KEYS', message: 'the same value as SESSION_SECRET: every secret must be different.' },
    ]);
    expect(JSON.stringify(problems)).not.toContain(WEAK);
  });

  it('names the keys of any other object, and finds nothing wrong with strong, distinct secrets', () => {
    expect(secretProblemsOf({ apiKey: new Secret(WEAK), other: 'not a secret' })).toEqual([{ name: 'apiKey', message: 'only 102 bits of entropy (at least 256 are needed).' }]);
    expect(secretProblemsOf({ a: new Secret(generateSecret()), b: new SecretRing([generateSecret(), generateSecret()]) })).toEqual([]);
  });
});
