import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretRing } from '../../src/config/secret.js';
import { generateSessionId, readCookie, serializeSessionCookie, signSessionId, verifySessionCookie } from '../../src/sessions/cookie.js';

const OLD = randomBytes(32).toString('base64url');
const NEW = randomBytes(32).toString('base64url');

describe('session cookie', () => {
  it('makes ids of 32 random bytes, base64url', () => {
    const id = generateSessionId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(32);
    expect(generateSessionId()).not.toBe(id);
  });

  it('signs as <id>.<tag> and verifies', () => {
    const ring = new SecretRing([NEW]);
    const value = signSessionId('a'.repeat(43), ring);
    expect(value).toMatch(/^a{43}\.[A-Za-z0-9_-]{43}$/);
    expect(verifySessionCookie(value, ring)).toEqual({ ok: true, id: 'a'.repeat(43) });
  });

  it('refuses a changed id, a changed tag, a tag from a key not in the ring, and malformed values', () => {
    const ring = new SecretRing([NEW]);
    const id = generateSessionId();
    const [, tag] = signSessionId(id, ring).split('.') as [string, string];
    const otherId = generateSessionId();
    expect(verifySessionCookie(`${otherId}.${tag}`, ring)).toEqual({ ok: false });
    const flipped = (tag[0] === 'A' ? 'B' : 'A') + tag.slice(1);
    expect(verifySessionCookie(`${id}.${flipped}`, ring)).toEqual({ ok: false });
    expect(verifySessionCookie(signSessionId(id, new SecretRing([OLD])), ring)).toEqual({ ok: false });
    for (const bad of ['', id, `${id}.`, `.${tag}`, `${id}.${tag}.x`, `${id} .${tag}`, 'short.' + tag]) {
      expect(verifySessionCookie(bad, ring)).toEqual({ ok: false });
    }
  });

  it('verifies a cookie signed with the old key when the ring has the new key first (rotation)', () => {
    const id = generateSessionId();
    const signedBefore = signSessionId(id, new SecretRing([OLD]));
    expect(verifySessionCookie(signedBefore, new SecretRing([NEW, OLD]))).toEqual({ ok: true, id });
    // New cookies are signed with the new key.
    expect(signSessionId(id, new SecretRing([NEW, OLD]))).toBe(signSessionId(id, new SecretRing([NEW])));
  });

  it('is not the plain HMAC of the id (context-separated from other features using the same keys)', () => {
    const ring = new SecretRing([NEW]);
    const id = generateSessionId();
    expect(signSessionId(id, ring)).not.toBe(`${id}.${ring.sign(id)}`);
  });

  it('reads the first cookie of that name from a Cookie header', () => {
    expect(readCookie('a=1; sid=first; sid=second', 'sid')).toBe('first');
    expect(readCookie('xsid=1;sid="quoted"', 'sid')).toBe('quoted');
    expect(readCookie('sidx=1; a=sid', 'sid')).toBeUndefined();
    expect(readCookie('', 'sid')).toBeUndefined();
    expect(readCookie(undefined, 'sid')).toBeUndefined();
    expect(readCookie(42 as unknown as string, 'sid')).toBeUndefined();
  });

  it('serialises exact attributes', () => {
    expect(serializeSessionCookie('__Host-sid', 'v.t', { secure: true, sameSite: 'Lax' })).toBe('__Host-sid=v.t; HttpOnly; Secure; SameSite=Lax; Path=/');
    expect(serializeSessionCookie('sid', 'v.t', { secure: false, sameSite: 'Strict' })).toBe('sid=v.t; HttpOnly; SameSite=Strict; Path=/');
    expect(serializeSessionCookie('sid', '', { secure: true, sameSite: 'Lax', maxAge: 0 })).toBe('sid=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0');
  });
});
