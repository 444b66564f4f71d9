import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AegisConfigError } from '../../src/core/config-error.js';
import { assessSecret, generateSecret, MIN_SECRET_BITS, type GenerateSecretOptions } from '../../src/config/index.js';
import { WEAK_SECRETS } from '../../src/config/weak-secrets.js';

const few = (bits: number) => `only ${bits} bits of entropy (at least 256 are needed)`;

describe('assessSecret', () => {
  it('needs 256 bits', () => {
    expect(MIN_SECRET_BITS).toBe(256);
  });

  it.each([
    ['64 hex characters', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', { bits: 256, encoding: 'hex', problems: [] }],
    ['upper-case hex', '9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08', { bits: 256, encoding: 'hex', problems: [] }],
    ['63 hex characters', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0', { bits: 252, encoding: 'hex', problems: [few(252)] }],
    ['43 base64url characters', 'J3q_8vRkW2xZp0LmN-5tYbHc7dQfG1sAeU9oIj4KzXw', { bits: 258, encoding: 'base64url', problems: [] }],
    ['padded base64 (padding ignored)', 'n4bQgYhMi5BbqIA8Ij3oRnPwVjXz2cLmDfT7sKe1U9A=', { bits: 258, encoding: 'base64', problems: [] }],
    ['base64 with + and /', 'n4bQgYhM+5BbqIA8Ij3oRnPwVjXz2cLm/fT7sKe1U9A', { bits: 258, encoding: 'base64', problems: [] }],
    ["'a' repeated (the Shannon bound)", 'a'.repeat(100), { bits: 0, encoding: 'text', problems: [few(0), 'one character repeated'] }],
    ["'0' repeated is not hex", '0'.repeat(64), { bits: 0, encoding: 'text', problems: [few(0), 'one character repeated'] }],
    ['two characters alternating', 'ab'.repeat(32), { bits: 64, encoding: 'text', problems: [few(64)] }],
    ['a passphrase', 'correct horse battery staple', { bits: 97, encoding: 'text', problems: [few(97)] }],
    ['a classic password', 'Tr0ub4dor&3', { bits: 36, encoding: 'text', problems: [few(36)] }],
    ['non-ASCII text', 'pässwörd-äöü', { bits: 37, encoding: 'text', problems: [few(37)] }],
    ['a word made of hex letters', 'deadbeef', { bits: 17, encoding: 'text', problems: [few(17)] }],
    ['a run of sequential characters', 'abcdefgh', { bits: 24, encoding: 'text', problems: [few(24), 'a run of sequential characters'] }],
    ['a descending run in hex', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b876543210', { bits: 264, encoding: 'hex', problems: ['a run of sequential characters'] }],
    ['the empty string', '', { bits: 0, encoding: 'text', problems: [few(0)] }],
    ['a known placeholder', 'changeme', { bits: 22, encoding: 'text', problems: ['a known placeholder', few(22)] }],
  ])('%s', (_name, value, expected) => {
    expect(assessSecret(value)).toEqual(expected);
  });

  it('gives at least 256 bits to 32 random bytes in base64url, base64 and hex', () => {
    for (let i = 0; i < 200; i++) {
      const bytes = randomBytes(32);
      expect(assessSecret(bytes.toString('base64url'))).toEqual({ bits: 258, encoding: expect.stringMatching(/^base64(url)?$/), problems: [] });
      expect(assessSecret(bytes.toString('base64'))).toEqual({ bits: 258, encoding: expect.stringMatching(/^base64(url)?$/), problems: [] });
      expect(assessSecret(bytes.toString('hex'))).toEqual({ bits: 256, encoding: 'hex', problems: [] });
    }
  });

  const required = ['changeme', 'change-me', 'change_me', 'secret', 'secret-key', 'secretkey', 'dev-secret-key', 'development', 'your_secret_here', 'your-secret-here', 'yoursecret', 'supersecret', 'super-secret', 'password', 'passw0rd', '123456', '12345678', 'qwerty', 'admin', 'letmein', 'default', 'test', 'example', 'xxx', 'todo', 'insecure', 'keyboard cat', 'shhhhh', 'mysecret', 's3cr3t', 'jwt-secret', 'jwt_secret', 'django-insecure'];

  it('knows every placeholder the issue lists', () => {
    expect(required.filter((p) => !WEAK_SECRETS.includes(p))).toEqual([]);
  });

  it.each(WEAK_SECRETS.map((p) => [p]))('reports %j as a known placeholder', (placeholder) => {
    expect(assessSecret(placeholder).problems[0]).toBe('a known placeholder');
  });

  it.each([
    ['trimmed and in any case', '  ChangeMe\n'],
    ['upper case', 'KEYBOARD CAT'],
    ['a Django development key, however long', `django-insecure-${generateSecret()}`],
    ['"change" and "me" as words', 'please-change-me'],
    ['"change" and "me" as words, shouted', 'CHANGE_ME_IN_PRODUCTION'],
    ['"changeme" as a word', `changeme-${generateSecret()}`],
  ])('reports a placeholder %s', (_name, value) => {
    expect(assessSecret(value).problems).toContain('a known placeholder');
  });

  it.each([['exchange-media'], ['changemenot'], ['meet-the-change-log']])('does not report %j as a placeholder', (value) => {
    expect(assessSecret(value).problems).not.toContain('a known placeholder');
  });
});

describe('generateSecret', () => {
  it('gives 32 bytes as base64url without padding by default', () => {
    expect(generateSecret()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each([
    [{ format: 'hex' }, /^[0-9a-f]{64}$/],
    [{ bytes: 48 }, /^[A-Za-z0-9_-]{64}$/],
    [{ bytes: 64, format: 'base64url' }, /^[A-Za-z0-9_-]{86}$/],
    [{ bytes: 1024, format: 'hex' }, /^[0-9a-f]{2048}$/],
  ] as const)('gives %j', (options, pattern) => {
    expect(generateSecret(options)).toMatch(pattern);
  });

  it.each(['base64url', 'hex'] as const)('gives 1000 distinct %s values, each assessed at 256 bits or more', (format) => {
    const values = Array.from({ length: 1000 }, () => generateSecret({ format }));
    expect(new Set(values).size).toBe(1000);
    for (const value of values) {
      const { bits, problems } = assessSecret(value);
      expect(bits).toBeGreaterThanOrEqual(256);
      expect(problems).toEqual([]);
    }
  });

  function problemsOf(options: unknown) {
    try {
      generateSecret(options as GenerateSecretOptions);
    } catch (error) {
      expect(error).toBeInstanceOf(AegisConfigError);
      return (error as AegisConfigError).problems;
    }
    throw new Error('expected an AegisConfigError');
  }

  it.each([16, 31, 1025, 32.5, '32'])('refuses bytes: %j', (bytes) => {
    expect(problemsOf({ bytes })).toEqual([
      { path: 'bytes', message: `${JSON.stringify(bytes)} is not a whole number of bytes from 32 to 1024; fewer than 32 bytes is less than 256 bits.`, fix: 'write bytes: 32 (or more, up to 1024).' },
    ]);
  });

  it('refuses an unknown format and a mistyped option, together', () => {
    expect(problemsOf({ format: 'base64', byte: 64 })).toEqual([
      { path: 'options.byte', message: 'unknown option.', fix: 'did you mean "bytes"?' },
      { path: 'format', message: '"base64" is not a secret format.', fix: 'use one of: "base64url", "hex".' },
    ]);
  });
});
