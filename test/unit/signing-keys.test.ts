import { createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { AegisConfigError } from '../../src/core/config-error.js';
import { compileSigningKeys, createSignedFetch, signRequest } from '../../src/signing/index.js';

const STRONG = 'Zq3v9Xw2LmP8rT5yB7nK4hJ6dF1sG0aQcE9uV2xY3zA';

/** The AegisConfigError that `build` throws: its message and problems as [path, message, fix]. */
function errorOf(build: () => unknown): { message: string; problems: Array<[string, string, string]> } {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(AegisConfigError);
    const e = error as AegisConfigError;
    return { message: e.message, problems: e.problems.map((p) => [p.path, p.message, p.fix]) };
  }
  throw new Error('expected an AegisConfigError');
}

const ID_FIX = 'rename the key to 1-64 letters, digits, ".", "_" or "-", e.g. "2025-01".';
const STRING_FIX = "generate one with crypto.randomBytes(32).toString('base64url').";

describe('compileSigningKeys', () => {
  it('imports strings, bytes, Secrets and secret KeyObjects, keeping the ids in order', () => {
    const ring = compileSigningKeys({ '2025-01': STRONG, 'old.key_2': randomBytes(32), s: new Secret(STRONG), k: createSecretKey(randomBytes(48)) });
    expect(ring.ids).toEqual(['2025-01', 'old.key_2', 's', 'k']);
    expect(ring.key('2025-01')?.symmetricKeySize).toBe(STRONG.length);
    expect(ring.key('missing')).toBeUndefined();
    expect(ring.key('__proto__')).toBeUndefined();
    expect(Object.isFrozen(ring)).toBe(true);
    expect(inspect(ring)).not.toContain(STRONG);
  });

  it('lists every bad id and weak secret at once, with exact messages, never printing a secret', () => {
    const { message, problems } = errorOf(() =>
      compileSigningKeys({ 'bad id': STRONG, ['a'.repeat(65)]: STRONG, '': STRONG, weak: 'changeme', short: new Uint8Array(16), same: Buffer.alloc(32, 7), num: 42 as never, pub: generateKeyPairSync('ed25519').publicKey as never, small: createSecretKey(randomBytes(16)) as never }),
    );
    expect(problems).toEqual([
      ['signatures.keys["bad id"]', 'the key id "bad id" may only hold A-Z, a-z, 0-9, ".", "_" and "-".', ID_FIX],
      [`signatures.keys["${'a'.repeat(65)}"]`, 'the key id is 65 characters long (at most 64).', ID_FIX],
      ['signatures.keys[""]', 'the key id is empty.', ID_FIX],
      ['signatures.keys["weak"]', 'this key is too weak: a known placeholder, only 22 bits of entropy (at least 256 are needed).', STRING_FIX],
      ['signatures.keys["short"]', 'this key is too short: 16 bytes (at least 32 are needed).', 'use crypto.randomBytes(32).'],
      ['signatures.keys["same"]', 'this key is one byte repeated.', 'use crypto.randomBytes(32).'],
      ['signatures.keys["num"]', 'expected a string, a Uint8Array, a Secret or a secret KeyObject, got 42.', STRING_FIX],
      ['signatures.keys["pub"]', 'expected a secret KeyObject, got a public key.', 'HMAC needs a shared secret: crypto.createSecretKey(crypto.randomBytes(32)).'],
      ['signatures.keys["small"]', 'this key is too short: 16 bytes (at least 32 are needed).', 'use crypto.createSecretKey(crypto.randomBytes(32)).'],
    ]);
    expect(message.split('\n')[0]).toBe('Invalid signing keys (9 problems):');
    expect(message).not.toContain(STRONG);
    expect(message).not.toContain('changeme');
  });

  it('names the path it is given, and refuses an empty or non-object value', () => {
    expect(errorOf(() => compileSigningKeys({ weak: 'password' }, 'services.billing.keys')).problems[0]?.[0]).toBe('services.billing.keys["weak"]');
    expect(errorOf(() => compileSigningKeys({})).problems).toEqual([['signatures.keys', 'has no keys.', 'add at least one: { "2025-01": process.env.SIGNING_KEY }.']]);
    expect(errorOf(() => compileSigningKeys('key' as never)).problems).toEqual([
      ['signatures.keys', 'expected an object of key id → secret, got "key".', 'write { "2025-01": process.env.SIGNING_KEY }.'],
    ]);
    expect(errorOf(() => compileSigningKeys(null as never)).problems[0]?.[1]).toBe('expected an object of key id → secret, got null.');
  });
});

describe('signing keys for signRequest and createSignedFetch', () => {
  it('checks the key: id and secret, as key.id and key.secret', () => {
    const { message, problems } = errorOf(() => signRequest({ method: 'GET', url: '/', key: { id: 'a b', secret: 'hunter2' } }));
    expect(problems).toEqual([
      ['key.id', 'the key id "a b" may only hold A-Z, a-z, 0-9, ".", "_" and "-".', ID_FIX],
      ['key.secret', 'this key is too weak: only 19 bits of entropy (at least 256 are needed).', STRING_FIX],
    ]);
    expect(message.split('\n')[0]).toBe('Invalid signing key (2 problems):');
    expect(message).not.toContain('hunter2');
  });

  it('createSignedFetch checks the key and fetch at construction', () => {
    expect(errorOf(() => createSignedFetch({ key: { id: 'k', secret: new Uint8Array(8) } })).problems).toEqual([
      ['key.secret', 'this key is too short: 8 bytes (at least 32 are needed).', 'use crypto.randomBytes(32).'],
    ]);
    expect(errorOf(() => createSignedFetch({ key: { id: 'k', secret: STRONG }, fetch: 'no' as never })).problems).toEqual([
      ['fetch', 'is not a function and there is no global fetch.', 'pass fetch: the fetch of undici or node-fetch, or use Node 18 or later.'],
    ]);
  });
});
