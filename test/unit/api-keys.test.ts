import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileApiKeyStore, createApiKey, formatStoredKey, hasScopes, parseApiKey, parseStoredKey, readBearerOrHeader, type StoredApiKey } from '../../src/api-keys/index.js';
import { AegisConfigError, Problems } from '../../src/core/config-error.js';

// A fixed key for exact values: 32 bytes 0x00..0x1f as the secret.
const SECRET = Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64url');
const ID = 'k7Gf2Qx9Lm3P';
const KEY = `aegis_${ID}_${SECRET}`;
const HASH = `sha256:${createHash('sha256').update(SECRET).digest('base64url')}`;
const LINE = `${ID}:${HASH}:sms.send,sms.read`;

/** The problems of the AegisConfigError that `build` throws, as [path, message, fix]. */
function problemsOf(build: () => unknown): Array<[string, string, string]> {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(AegisConfigError);
    return (error as AegisConfigError).problems.map((p) => [p.path, p.message, p.fix]);
  }
  throw new Error('expected an AegisConfigError');
}

describe('createApiKey', () => {
  it('makes <prefix>_<id>_<secret> with a 12-character id and a 43-character secret, and its stored form', () => {
    const { key, stored, line } = createApiKey({ scopes: ['sms.send'] });
    expect(key).toMatch(/^aegis_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const parts = parseApiKey(key);
    expect(parts?.id).toBe(stored.id);
    expect(stored.hash).toBe(`sha256:${createHash('sha256').update(parts?.secret ?? '').digest('base64url')}`);
    expect(stored.scopes).toEqual(['sms.send']);
    expect(line).toBe(`${stored.id}:${stored.hash}:sms.send`);
    expect(line).not.toContain(parts?.secret);
    expect(parseStoredKey(line)).toEqual({ id: stored.id, hash: stored.hash, scopes: ['sms.send'] });
  });

  it('uses the prefix, and makes a different key and id each time', () => {
    const first = createApiKey({ prefix: 'acme2' });
    const second = createApiKey({ prefix: 'acme2' });
    expect(first.key).toMatch(/^acme2_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(first.key).not.toBe(second.key);
    expect(first.stored.id).not.toBe(second.stored.id);
    expect(first.line).toBe(`${first.stored.id}:${first.stored.hash}:`);
  });

  it('refuses a bad prefix and bad scopes, all problems at once', () => {
    expect(problemsOf(() => createApiKey({ prefix: 'Acme_', scopes: ['ok', 'a b', ''] }))).toEqual([
      ['prefix', 'a key prefix is 1 to 16 lower-case letters or digits.', 'write prefix: "aegis" (or your product\'s short name).'],
      ['scopes[1]', '"a b" is not a scope: up to 64 letters, digits, ".", "_", "-" or "/", starting with a letter or digit.', 'write a scope such as "sms.send".'],
      ['scopes[2]', '"" is not a scope: up to 64 letters, digits, ".", "_", "-" or "/", starting with a letter or digit.', 'write a scope such as "sms.send".'],
    ]);
    expect(problemsOf(() => createApiKey({ prefix: 'x'.repeat(17) }))).toHaveLength(1);
  });
});

describe('parseApiKey', () => {
  it('splits a well-formed key', () => {
    expect(parseApiKey(KEY)).toEqual({ id: ID, secret: SECRET });
    expect(parseApiKey(`acme_${ID}_${SECRET}`, 'acme')).toEqual({ id: ID, secret: SECRET });
    expect(parseApiKey(`aegis_abcdefgh_${SECRET}`)).toEqual({ id: 'abcdefgh', secret: SECRET });
    expect(parseApiKey(`aegis_${'a'.repeat(16)}_${SECRET}`)).toEqual({ id: 'a'.repeat(16), secret: SECRET });
  });

  it('accepts a secret holding "_" and "-" (base64url)', () => {
    const secret = Buffer.alloc(32, 0xff).toString('base64url'); // '____…_w'
    expect(secret).toContain('_');
    expect(parseApiKey(`aegis_${ID}_${secret}`)).toEqual({ id: ID, secret });
  });

  it.each([
    ['the wrong prefix', `acme_${ID}_${SECRET}`],
    ['an upper-case prefix', `AEGIS_${ID}_${SECRET}`],
    ['no prefix', `${ID}_${SECRET}`],
    ['an id of 7', `aegis_abcdefg_${SECRET}`],
    ['an id of 17', `aegis_${'a'.repeat(17)}_${SECRET}`],
    ['an id with "-"', `aegis_abcd-efgh_${SECRET}`],
    ['an empty id', `aegis__${SECRET}`],
    ['a secret of 42', `aegis_${ID}_${SECRET.slice(1)}`],
    ['a secret of 44', `aegis_${ID}_${SECRET}A`],
    ['an extra part', `aegis_${ID}_${SECRET}_x`],
    ['a doubled separator', `aegis_${ID}__${SECRET}`],
    ['a doubled first separator', `aegis__${ID}_${SECRET}`],
    ['non-base64url', `aegis_${ID}_${SECRET.slice(0, 42)}+`],
    ['padding', `aegis_${ID}_${SECRET.slice(0, 42)}=`],
    ['a non-canonical last character', `aegis_${ID}_${SECRET.slice(0, 42)}B`],
    ['a leading space', ` ${KEY}`],
    ['a trailing newline', `${KEY}\n`],
    ['a space inside', KEY.replace('_', ' ')],
    ['non-ASCII', KEY.replace('k7', 'k\u0131')],
    ['the empty string', ''],
    ['10 KB', `aegis_${ID}_${'A'.repeat(10_240)}`],
    ['10 KB of underscores', '_'.repeat(10_240)],
  ])('refuses %s', (_name, presented) => {
    expect(parseApiKey(presented)).toBeUndefined();
  });

  it('refuses non-strings without throwing', () => {
    for (const value of [undefined, null, 42, {}, [KEY], Buffer.from(KEY)]) expect(parseApiKey(value)).toBeUndefined();
  });
});

describe('stored form', () => {
  it('round-trips through formatStoredKey and parseStoredKey', () => {
    const stored: StoredApiKey = { id: ID, hash: HASH, scopes: ['sms.send', 'sms.read'] };
    expect(formatStoredKey(stored)).toBe(LINE);
    expect(parseStoredKey(LINE)).toEqual(stored);
    expect(parseStoredKey(`${ID}:${HASH}:`)).toEqual({ id: ID, hash: HASH, scopes: [] });
    expect(parseStoredKey(`${ID}:${HASH}`)).toEqual({ id: ID, hash: HASH, scopes: [] });
  });

  it.each([
    ['the key itself', KEY],
    ['a wrong algorithm', `${ID}:md5:${HASH.slice(7)}:`],
    ['a short hash', `${ID}:${HASH.slice(0, -1)}:`],
    ['a bad id', `ab:${HASH}:`],
    ['a fifth part', `${LINE}:x`],
    ['a bad scope', `${ID}:${HASH}:sms send`],
    ['an empty scope', `${ID}:${HASH}:a,,b`],
    ['nothing', ''],
  ])('refuses %s', (_name, line) => {
    expect(parseStoredKey(line)).toBeUndefined();
  });
});

describe('compileApiKeyStore: verify', () => {
  const store = compileApiKeyStore([LINE, { id: 'abcdefgh', hash: createApiKey().stored.hash, scopes: [] }]);

  it('accepts the key with its scopes', () => {
    expect(store.size).toBe(2);
    expect(store.verify(KEY)).toEqual({ ok: true, id: ID, scopes: ['sms.send', 'sms.read'] });
  });

  it('says unknown for an id it does not hold, mismatch for a wrong secret, malformed for the rest', () => {
    expect(store.verify(`aegis_zzzzzzzzzzzz_${SECRET}`)).toEqual({ ok: false, reason: 'unknown' });
    expect(store.verify(`aegis_abcdefgh_${SECRET}`)).toEqual({ ok: false, reason: 'mismatch' });
    const other = Buffer.alloc(32, 7).toString('base64url');
    expect(store.verify(`aegis_${ID}_${other}`)).toEqual({ ok: false, reason: 'mismatch' });
    for (const presented of ['', `acme_${ID}_${SECRET}`, `${KEY} `, 'x'.repeat(10_240), undefined, null, 7]) {
      expect(store.verify(presented)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('checks keys of another prefix when told', () => {
    const acme = compileApiKeyStore([LINE], undefined, 'apiKeys', 'acme');
    expect(acme.verify(`acme_${ID}_${SECRET}`)).toEqual({ ok: true, id: ID, scopes: ['sms.send', 'sms.read'] });
    expect(acme.verify(KEY)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('verifies a freshly created key against its own stored line and object', () => {
    const { key, stored, line } = createApiKey({ scopes: ['a'] });
    expect(compileApiKeyStore([line]).verify(key)).toEqual({ ok: true, id: stored.id, scopes: ['a'] });
    expect(compileApiKeyStore([stored]).verify(key)).toEqual({ ok: true, id: stored.id, scopes: ['a'] });
  });

  it('accepts an empty list, and then knows no key', () => {
    expect(compileApiKeyStore([]).verify(KEY)).toEqual({ ok: false, reason: 'unknown' });
  });
});

describe('compileApiKeyStore: configuration problems', () => {
  const fix = 'use the stored line that `aegis key create` printed, e.g. "k7Gf2Qx9Lm3P:sha256:<43 characters>:sms.send".';

  it('names a repeated id with both indexes and the fix', () => {
    expect(problemsOf(() => compileApiKeyStore([LINE, `${ID}:${HASH}:`]))).toEqual([
      ['apiKeys[1]', `the id ${ID} is already used by apiKeys[0]; every key needs its own id.`, 'remove the repeated entry, or make a new key with `aegis key create`.'],
    ]);
  });

  it('lists every bad entry, with its path, message and fix, under "Invalid API keys"', () => {
    const entries = [KEY, 'nonsense', `${ID}:md5:x:`, 42, { id: 'short', hash: SECRET, scopes: 'sms.send', extra: true }, { id: ID, hash: HASH, scopes: ['ok', 'no way'] }] as unknown as string[];
    let message = '';
    expect(
      problemsOf(() => {
        try {
          return compileApiKeyStore(entries);
        } catch (error) {
          message = (error as Error).message;
          throw error;
        }
      }),
    ).toEqual([
      ['apiKeys[0]', 'this is an API key itself, not its stored form; a key must never be stored.', fix],
      ['apiKeys[1]', 'expected <id>:sha256:<hash>:<scopes> (four parts separated by ":").', fix],
      ['apiKeys[2]', 'the hash must be sha256: followed by 43 base64url characters.', fix],
      ['apiKeys[3]', 'expected a stored key (a line or { id, hash, scopes }), got number.', fix],
      ['apiKeys[4].extra', 'unknown option.', 'a stored key has only id, hash and scopes.'],
      ['apiKeys[4].id', 'an id is 8 to 16 letters or digits.', 'copy the id that `aegis key create` printed.'],
      ['apiKeys[4].hash', 'the hash must be sha256: followed by 43 base64url characters.', 'copy the hash that `aegis key create` printed; never the key itself.'],
      ['apiKeys[4].scopes', 'expected an array of scopes.', 'write scopes: ["sms.send"] (or [] for none).'],
      ['apiKeys[5].scopes[1]', '"no way" is not a scope: up to 64 letters, digits, ".", "_", "-" or "/", starting with a letter or digit.', 'write a scope such as "sms.send".'],
    ]);
    expect(message).toMatch(/^Invalid API keys \(9 problems\):\n {2}- apiKeys\[0\]: this is an API key itself/);
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain(HASH.slice(7));
  });

  it('never quotes a secret, wherever it was put', () => {
    const attempts: unknown[] = [KEY, ` ${KEY} `, SECRET, `${ID}:${SECRET}:`, { id: ID, hash: KEY, scopes: [] }, { id: KEY, hash: HASH, scopes: [] }, { id: ID, hash: SECRET, scopes: [] }];
    for (const entry of attempts) {
      let text = '';
      try {
        compileApiKeyStore([entry as string]);
      } catch (error) {
        text = `${(error as Error).message} ${JSON.stringify((error as AegisConfigError).problems)}`;
      }
      expect(text).toMatch(/^Invalid API keys/);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(SECRET.slice(0, 12));
    }
  });

  it('adds to the caller\'s Problems instead of throwing, under its path, and keeps the valid keys', () => {
    const problems = new Problems();
    const store = compileApiKeyStore([LINE, 'bad'], problems, 'auth.apiKeys');
    expect(problems.list.map((p) => p.path)).toEqual(['auth.apiKeys[1]']);
    expect(store.verify(KEY).ok).toBe(true);
  });

  it('refuses a non-array', () => {
    expect(problemsOf(() => compileApiKeyStore(LINE as unknown as string[]))).toEqual([
      ['apiKeys', 'expected an array of stored keys.', 'write [] or the stored lines that `aegis key create` printed.'],
    ]);
  });
});

describe('hasScopes', () => {
  it('needs every required scope, by exact name', () => {
    expect(hasScopes(['sms.send', 'sms.read'], ['sms.send'])).toBe(true);
    expect(hasScopes(['sms.send', 'sms.read'], ['sms.read', 'sms.send'])).toBe(true);
    expect(hasScopes(['sms.send'], [])).toBe(true);
    expect(hasScopes(['sms.send'], ['sms.read'])).toBe(false);
    expect(hasScopes(['sms'], ['sms.send'])).toBe(false);
    expect(hasScopes(['sms.send'], ['sms.send', 'admin'])).toBe(false);
    expect(hasScopes([], ['sms.send'])).toBe(false);
    expect(hasScopes('sms.send' as unknown as string[], ['sms.send'])).toBe(false);
  });
});

describe('readBearerOrHeader', () => {
  it.each([
    [`Bearer ${KEY}`, undefined, KEY],
    [`bearer ${KEY}`, undefined, KEY],
    [`BEARER  ${KEY} `, undefined, KEY],
    [`Bearer\t${KEY}`, undefined, KEY],
    [undefined, KEY, KEY],
    [undefined, `  ${KEY}  `, KEY],
    ['Basic dXNlcjpwYXNz', KEY, KEY],
    [`Bearer ${KEY}`, 'other', KEY],
    ['Bearer', undefined, undefined],
    ['Bearer ', undefined, undefined],
    [`Bearer ${KEY} extra`, undefined, undefined],
    [`Bearer${KEY}`, undefined, undefined],
    ['Basic dXNlcjpwYXNz', undefined, undefined],
    [undefined, '', undefined],
    [undefined, 'two words', undefined],
    [undefined, undefined, undefined],
    [`Bearer ${'a'.repeat(10_240)}`, undefined, undefined],
  ])('case %#', (authorization, header, expected) => {
    expect(readBearerOrHeader(authorization, header)).toBe(expected);
  });

  it('ignores non-string values (a repeated header as an array)', () => {
    expect(readBearerOrHeader([`Bearer ${KEY}`] as unknown as string, [KEY] as unknown as string)).toBeUndefined();
  });
});
