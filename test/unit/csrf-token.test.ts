import { describe, expect, it } from 'vitest';
import { SecretRing } from '../../src/config/index.js';
import { createCsrfToken, readSubmittedToken, signDoubleSubmit, tokensEqual, verifyDoubleSubmit } from '../../src/csrf/index.js';

const OLD = 'old-key-0123456789abcdef0123456789abcdef';
const NEW = 'new-key-fedcba9876543210fedcba9876543210';

describe('createCsrfToken', () => {
  it('is 32 random bytes in base64url', () => {
    const token = createCsrfToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(createCsrfToken()).not.toBe(token);
  });
});

describe('tokensEqual', () => {
  it('equal → true', () => expect(tokensEqual('abc123', 'abc123')).toBe(true));
  it('different, same length → false', () => expect(tokensEqual('abc123', 'abc124')).toBe(false));
  it('different length → false', () => expect(tokensEqual('abc123', 'abc1234')).toBe(false));
  it('prefix → false', () => expect(tokensEqual('abc', 'abc123')).toBe(false));
  it('both empty → false', () => expect(tokensEqual('', '')).toBe(false));
  it('one empty → false', () => expect(tokensEqual('', 'abc')).toBe(false));
  it('non-strings → false', () => {
    expect(tokensEqual(undefined, undefined)).toBe(false);
    expect(tokensEqual(['abc'], 'abc')).toBe(false);
    expect(tokensEqual(123, '123')).toBe(false);
  });
});

describe('signed double-submit', () => {
  const ring = new SecretRing([NEW]);

  it('has the shape <random>.<hmac>', () => {
    expect(signDoubleSubmit('visitor-1', ring)).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
  });

  it('verifies for its own identifier', () => {
    expect(verifyDoubleSubmit(signDoubleSubmit('visitor-1', ring), 'visitor-1', ring)).toBe(true);
  });

  it('is rejected for another session identifier', () => {
    expect(verifyDoubleSubmit(signDoubleSubmit('attacker', ring), 'victim', ring)).toBe(false);
  });

  it('is rejected when the random part or the signature is altered', () => {
    const token = signDoubleSubmit('visitor-1', ring);
    const [random, mac] = token.split('.') as [string, string];
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    expect(verifyDoubleSubmit(`${flip(random)}.${mac}`, 'visitor-1', ring)).toBe(false);
    expect(verifyDoubleSubmit(`${random}.${flip(mac)}`, 'visitor-1', ring)).toBe(false);
    expect(verifyDoubleSubmit(random, 'visitor-1', ring)).toBe(false);
    expect(verifyDoubleSubmit('', 'visitor-1', ring)).toBe(false);
    expect(verifyDoubleSubmit(token, '', ring)).toBe(false);
  });

  it('a token signed with the previous key verifies after rotation, and not once the key is removed', () => {
    const token = signDoubleSubmit('visitor-1', new SecretRing([OLD]));
    expect(verifyDoubleSubmit(token, 'visitor-1', new SecretRing([NEW, OLD]))).toBe(true);
    expect(verifyDoubleSubmit(token, 'visitor-1', new SecretRing([NEW]))).toBe(false);
  });

  it('refuses an empty identifier when signing', () => {
    expect(() => signDoubleSubmit('', ring)).toThrow('sessionIdentifier must be a non-empty string');
  });
});

describe('readSubmittedToken', () => {
  const names = { headerName: 'x-csrf-token', fieldName: '_csrf' };
  const source = (headers: Record<string, string>, body?: unknown) => ({ header: (n: string) => headers[n], body });

  it('reads the header first', () => {
    expect(readSubmittedToken(source({ 'x-csrf-token': 'H', 'content-type': 'application/x-www-form-urlencoded' }, { _csrf: 'F' }), names)).toBe('H');
  });
  it('reads the field of a urlencoded form', () => {
    expect(readSubmittedToken(source({ 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' }, { _csrf: 'F' }), names)).toBe('F');
  });
  it('reads the field of a multipart form', () => {
    expect(readSubmittedToken(source({ 'content-type': 'Multipart/Form-Data; boundary=x' }, { _csrf: 'F' }), names)).toBe('F');
  });
  it('never reads a text/plain body as a form', () => {
    expect(readSubmittedToken(source({ 'content-type': 'text/plain' }, { _csrf: 'F' }), names)).toBeUndefined();
  });
  it('never reads a JSON body field', () => {
    expect(readSubmittedToken(source({ 'content-type': 'application/json' }, { _csrf: 'F' }), names)).toBeUndefined();
  });
  it('ignores a repeated field, an inherited field and an empty value', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(readSubmittedToken(source(form, { _csrf: ['A', 'B'] }), names)).toBeUndefined();
    expect(readSubmittedToken(source(form, Object.create({ _csrf: 'F' })), names)).toBeUndefined();
    expect(readSubmittedToken(source(form, { _csrf: '' }), names)).toBeUndefined();
    expect(readSubmittedToken(source(form, 'x=1'), names)).toBeUndefined();
  });
  it('uses the configured names', () => {
    const custom = { headerName: 'x-xsrf', fieldName: 'token' };
    expect(readSubmittedToken(source({ 'x-xsrf': 'H' }), custom)).toBe('H');
    expect(readSubmittedToken(source({ 'content-type': 'application/x-www-form-urlencoded' }, { token: 'F' }), custom)).toBe('F');
  });
});
