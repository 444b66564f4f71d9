import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Secret, SecretRing } from '../../src/config/secret.js';
import { AegisConfigError } from '../../src/core/config-error.js';
import { resolveSessionOptions } from '../../src/sessions/options.js';
import type { SessionOptions } from '../../src/sessions/options.js';
import { memorySessionStore } from '../../src/stores/index.js';

const KEY = randomBytes(32).toString('base64url');
const base = { store: memorySessionStore(), secrets: [KEY] };

function problems(options: unknown): Array<{ path: string; message: string }> {
  try {
    resolveSessionOptions(options as SessionOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(AegisConfigError);
    return (error as AegisConfigError).problems.map(({ path, message }) => ({ path, message }));
  }
  throw new Error('expected an AegisConfigError');
}

describe('session options', () => {
  it('resolves production defaults', () => {
    const r = resolveSessionOptions({ ...base, profile: 'production' });
    expect([r.cookieName, r.secure, r.sameSite, r.idleTimeoutMs, r.absoluteTimeoutMs, r.touchAfterMs]).toEqual(['__Host-sid', true, 'Lax', 1_800_000, 3_600_000, 60_000]);
  });

  it('resolves development defaults and readable durations', () => {
    const r = resolveSessionOptions({ ...base, profile: 'development', cookieName: 'app', sameSite: 'strict', idleTimeout: '10m', absoluteTimeout: 7_200_000 });
    expect([r.cookieName, r.secure, r.sameSite, r.idleTimeoutMs, r.absoluteTimeoutMs]).toEqual(['app', false, 'Strict', 600_000, 7_200_000]);
  });

  it('accepts a SecretRing, a Secret and an array of strings and Secrets', () => {
    const other = randomBytes(32).toString('hex');
    expect(resolveSessionOptions({ ...base, secrets: new SecretRing([KEY, other]), profile: 'test' }).ring.all).toHaveLength(2);
    expect(resolveSessionOptions({ ...base, secrets: new Secret(KEY), profile: 'test' }).ring.all).toHaveLength(1);
    expect(resolveSessionOptions({ ...base, secrets: [KEY, new Secret(other)], profile: 'test' }).ring.all).toHaveLength(2);
  });

  it('lists every problem at once, never printing a key', () => {
    const weak = 'changeme';
    const found = problems({
      store: {},
      secrets: [KEY, weak, 3],
      secure: false,
      profile: 'production',
      sameSite: 'none',
      idleTimeout: 'soon',
      absoluteTimeout: 0,
      cookieName: 'a b',
      clock: 5,
      onEvent: 'log',
      maxAge: 1,
    });
    expect(found.map((p) => p.path)).toEqual([
      'sessions.maxAge',
      'sessions.onEvent',
      'sessions.store',
      'sessions.secrets[2]',
      'sessions.secrets[1]',
      'sessions.sameSite',
      'sessions.secure',
      'sessions.cookieName',
      'sessions.idleTimeout',
      'sessions.absoluteTimeout',
      'sessions.clock',
    ]);
    expect(JSON.stringify(found)).not.toContain(weak);
    expect(JSON.stringify(found)).not.toContain(KEY);
    expect(found.find((p) => p.path === 'sessions.secure')?.message).toBe('a session cookie without Secure is refused in production.');
  });

  it('requires secrets and refuses an empty list and a short key', () => {
    expect(problems({ store: base.store, profile: 'test' })).toEqual([{ path: 'sessions.secrets', message: 'is required.' }]);
    expect(problems({ store: base.store, secrets: [], profile: 'test' }).map((p) => p.path)).toEqual(['sessions.secrets']);
    const short = randomBytes(16).toString('hex'); // 128 bits
    expect(problems({ store: base.store, secrets: [short], profile: 'test' })).toEqual([
      { path: 'sessions.secrets[0]', message: 'this key is too weak: only 128 bits of entropy (at least 256 are needed).' },
    ]);
  });

  it('refuses a __Host- name without Secure and an unknown profile', () => {
    expect(problems({ ...base, profile: 'development', cookieName: '__Host-sid' }).map((p) => p.path)).toEqual(['sessions.cookieName']);
    expect(problems({ ...base, profile: 'staging' }).map((p) => p.path)).toEqual(['sessions.profile']);
    expect(problems(null).map((p) => p.path)).toEqual(['sessions']);
  });

  it('allows secure: false only outside production', () => {
    expect(resolveSessionOptions({ ...base, profile: 'test', secure: false }).secure).toBe(false);
    expect(resolveSessionOptions({ ...base, profile: 'development', secure: true }).secure).toBe(true);
  });
});
