import { createHmac } from 'node:crypto';
import { Console } from 'node:console';
import { PassThrough } from 'node:stream';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isSecret, isSecretRing, Secret, SecretRing } from '../../src/config/index.js';
import type * as SecretModule from '../../src/config/secret.js';

const VALUE = 'sk_live_7fQ2vR9xLm3pW8zT';

/** What `console.log` really writes, without vitest's console interception. */
function logged(...args: unknown[]): string {
  const out = new PassThrough();
  new Console({ stdout: out, colorMode: false }).log(...args);
  return String(out.read());
}

describe('Secret', () => {
  const secret = new Secret(VALUE);

  it('reveals its value only through reveal()', () => {
    expect(secret.reveal()).toBe(VALUE);
  });

  it('prints as [redacted] through every string conversion', () => {
    expect(String(secret)).toBe('[redacted]');
    expect(`${secret}`).toBe('[redacted]');
    expect(secret.toString()).toBe('[redacted]');
    expect('key=' + secret).toBe('key=[redacted]');
    expect(JSON.stringify(secret)).toBe('"[redacted]"');
    expect(JSON.stringify({ s: secret })).toBe('{"s":"[redacted]"}');
    expect(inspect(secret)).toBe('[redacted]');
    expect(inspect({ s: secret }, { depth: 10 })).toBe('{ s: [redacted] }');
    expect(logged({ s: secret })).toBe('{ s: [redacted] }\n');
    expect(logged('%s', secret)).toBe('[redacted]\n');
  });

  it('keeps the value out of inspect even with customInspect off or hidden properties shown', () => {
    expect(inspect(secret, { customInspect: false, showHidden: true })).not.toContain(VALUE);
    expect(Object.keys(secret)).toEqual([]);
    expect(Object.getOwnPropertyNames(secret)).toEqual([]);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(secret)).toBe(true);
  });

  it('compares strings and Buffers in constant time, whatever their length', () => {
    expect(secret.equals(VALUE)).toBe(true);
    expect(secret.equals(Buffer.from(VALUE))).toBe(true);
    expect(secret.equals(`${VALUE}x`)).toBe(false);
    expect(secret.equals(VALUE.slice(0, -1))).toBe(false);
    expect(secret.equals('')).toBe(false);
    expect(new Secret('').equals('')).toBe(true);
    expect(secret.equals(undefined as unknown as string)).toBe(false);
    expect(secret.equals(secret as unknown as string)).toBe(false);
  });

  it('refuses a value that is not a string', () => {
    expect(() => new Secret(42 as unknown as string)).toThrow(new TypeError('new Secret(value): value must be a string.'));
  });
});

describe('SecretRing', () => {
  const ring = new SecretRing(['newest-key', new Secret('older-key'), 'oldest-key']);

  it('keeps the secrets newest first, current being the first', () => {
    expect(ring.current.reveal()).toBe('newest-key');
    expect(ring.all.map((s) => s.reveal())).toEqual(['newest-key', 'older-key', 'oldest-key']);
    expect(ring.all.every(isSecret)).toBe(true);
    expect(Object.isFrozen(ring.all)).toBe(true);
    expect(Object.isFrozen(ring)).toBe(true);
  });

  it('matches any of its secrets and nothing else', () => {
    expect(ring.matches('newest-key')).toBe(true);
    expect(ring.matches('older-key')).toBe(true);
    expect(ring.matches(Buffer.from('oldest-key'))).toBe(true);
    expect(ring.matches('other-key')).toBe(false);
    expect(ring.matches('')).toBe(false);
  });

  it('signs with the newest key and verifies tags of every key in the ring (rotation)', () => {
    const tag = ring.sign('user=42');
    // HMAC-SHA256 with the newest key, computed independently.
    expect(tag).toBe(createHmac('sha256', 'newest-key').update('user=42').digest('base64url'));
    expect(ring.verify('user=42', tag)).toBe(true);
    // Tags made before the rotation, with the older keys, still verify.
    const beforeRotation = new SecretRing(['older-key']).sign('user=42');
    expect(beforeRotation).not.toBe(tag);
    expect(ring.verify('user=42', beforeRotation)).toBe(true);
    expect(ring.verify('user=42', new SecretRing(['oldest-key']).sign('user=42'))).toBe(true);
    // Once the old key leaves the ring, its tags stop verifying.
    expect(new SecretRing(['newest-key']).verify('user=42', beforeRotation)).toBe(false);
    // Other data, another key, or a malformed tag: false, never an exception.
    expect(ring.verify('user=43', tag)).toBe(false);
    expect(ring.verify('user=42', new SecretRing(['stranger']).sign('user=42'))).toBe(false);
    expect(ring.verify('user=42', tag.slice(1))).toBe(false);
    // Regression: the last base64url character holds 4 bits plus 2 ignored ones, so three other
    // spellings decode to the same bytes; only the canonical tag verifies.
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = ALPHABET.indexOf(tag.slice(-1));
    const sameBytes = [0, 1, 2, 3].map((low) => ALPHABET[(last & ~3) | low] ?? '').filter((char) => char !== tag.slice(-1));
    expect(sameBytes.map((char) => Buffer.from(tag.slice(0, -1) + char, 'base64url').equals(Buffer.from(tag, 'base64url')))).toEqual([true, true, true]);
    expect(sameBytes.map((char) => ring.verify('user=42', tag.slice(0, -1) + char))).toEqual([false, false, false]);
    expect(ring.verify('user=42', `${tag.slice(0, 42)}+`)).toBe(false);
    expect(ring.verify('user=42', undefined as unknown as string)).toBe(false);
  });

  it('prints as [redacted], and so do its members', () => {
    expect(String(ring)).toBe('[redacted]');
    expect(`${ring}`).toBe('[redacted]');
    expect(JSON.stringify({ ring })).toBe('{"ring":"[redacted]"}');
    expect(JSON.stringify(ring.all)).toBe('["[redacted]","[redacted]","[redacted]"]');
    expect(inspect({ ring }, { depth: 10 })).toBe('{ ring: [redacted] }');
    expect(logged(ring.all)).toBe('[ [redacted], [redacted], [redacted] ]\n');
  });

  it('needs at least one secret', () => {
    expect(() => new SecretRing([])).toThrow(new TypeError('new SecretRing(secrets): give at least one secret, newest first.'));
  });
});

describe('isSecret and isSecretRing', () => {
  it('tell secrets and rings from everything else', () => {
    expect([new Secret('x'), new SecretRing(['x']), 'x', null, undefined, {}, { reveal: () => 'x' }].map(isSecret)).toEqual([true, false, false, false, false, false, false]);
    expect([new Secret('x'), new SecretRing(['x']), 'x', null, {}].map(isSecretRing)).toEqual([false, true, false, false, false]);
  });

  it('recognise a Secret made by another copy of the module (a Symbol.for brand, not instanceof)', async () => {
    const copyPath = '../../src/config/secret.js?second-copy';
    const copy = (await import(copyPath)) as typeof SecretModule;
    expect(copy.Secret).not.toBe(Secret);
    const foreign = new copy.Secret('x');
    expect(foreign instanceof Secret).toBe(false);
    expect(isSecret(foreign)).toBe(true);
    expect(copy.isSecret(new Secret('x'))).toBe(true);
    expect(isSecretRing(new copy.SecretRing(['x']))).toBe(true);
    expect(new SecretRing([foreign]).current).toBe(foreign);
  });
});
