import { createHash, createHmac, createSecretKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { ACCEPT_SIGNATURE_HINT, contentDigest, signRequest, type SigningKey } from '../../src/signing/index.js';

// Fixed values for a known-answer test: key bytes 0x00..0x1f, nonce = bytes 0x00..0x0f.
const KEY_BYTES = Uint8Array.from({ length: 32 }, (_, i) => i);
const KEY: SigningKey = { id: 'billing-2025', secret: KEY_BYTES };
const NONCE = 'AAECAwQFBgcICQoLDA0ODw';
const NOW = 1_700_000_000_123; // created = 1700000000
const BODY = '{"amount":1000}';

const EXPECTED_INPUT = 'aegis=("@method" "@path" "@query" "content-digest");created=1700000000;keyid="billing-2025";nonce="AAECAwQFBgcICQoLDA0ODw";alg="hmac-sha256"';
const EXPECTED_BASE = [
  '"@method": POST',
  '"@path": /v1/charges',
  '"@query": ?currency=eur&dry_run=1',
  '"content-digest": sha-256=:YSYS0gj7YY6ysAfSp/jXoc+1EVMjiSmPHMMzIsMJS8w=:',
  '"@signature-params": ("@method" "@path" "@query" "content-digest");created=1700000000;keyid="billing-2025";nonce="AAECAwQFBgcICQoLDA0ODw";alg="hmac-sha256"',
].join('\n');
const EXPECTED_SIGNATURE = 'aegis=:CURhzxDp8Rmvn3nVqvTCrsCEsvv5NWueNFkOriT7pf0=:';

describe('signRequest: known answer', () => {
  const headers = signRequest({ method: 'post', url: 'https://billing.example/v1/charges?currency=eur&dry_run=1#frag', body: BODY, key: KEY, now: NOW, nonce: NONCE });

  it('sends the exact Content-Digest and Signature-Input', () => {
    expect(headers['content-digest']).toBe('sha-256=:YSYS0gj7YY6ysAfSp/jXoc+1EVMjiSmPHMMzIsMJS8w=:');
    expect(headers['content-digest']).toBe(`sha-256=:${createHash('sha256').update(BODY).digest('base64')}:`);
    expect(headers['signature-input']).toBe(EXPECTED_INPUT);
  });

  it('signs the RFC 9421 signature base written out above, with HMAC-SHA256 of the key bytes', () => {
    const independent = createHmac('sha256', Buffer.from(KEY_BYTES)).update(EXPECTED_BASE, 'utf8').digest('base64');
    expect(headers.signature).toBe(`aegis=:${independent}:`);
    expect(headers.signature).toBe(EXPECTED_SIGNATURE);
    expect(Object.keys(headers)).toEqual(['content-digest', 'signature-input', 'signature']);
  });
});

describe('signRequest: components', () => {
  const sign = (url: string | URL, body?: string | Uint8Array) => signRequest({ method: 'GET', url, body, key: KEY, now: NOW, nonce: NONCE });
  const baseFor = (path: string, query: string, digest: string) =>
    [`"@method": GET`, `"@path": ${path}`, `"@query": ${query}`, `"content-digest": ${digest}`, `"@signature-params": ${EXPECTED_INPUT.slice('aegis='.length)}`].join('\n');
  const macOf = (base: string) => `aegis=:${createHmac('sha256', Buffer.from(KEY_BYTES)).update(base).digest('base64')}:`;
  const EMPTY = 'sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:';

  it('sends a digest for an empty body too, and @query "?" when there is no query', () => {
    const headers = sign('https://api.example');
    expect(headers['content-digest']).toBe(EMPTY);
    expect(contentDigest(undefined)).toBe(EMPTY);
    expect(contentDigest(new Uint8Array(0))).toBe(EMPTY);
    expect(headers.signature).toBe(macOf(baseFor('/', '?', EMPTY)));
  });

  it('takes the path and query of a relative string, of a URL object, and keeps an empty query', () => {
    expect(sign('/a/b?x=1').signature).toBe(macOf(baseFor('/a/b', '?x=1', EMPTY)));
    expect(sign(new URL('http://h:8080/a%20b?q=%2F&r')).signature).toBe(macOf(baseFor('/a%20b', '?q=%2F&r', EMPTY)));
    expect(sign('/a?').signature).toBe(macOf(baseFor('/a', '?', EMPTY)));
  });

  it('digests bytes and strings alike (UTF-8)', () => {
    expect(sign('/', 'héllo')['content-digest']).toBe(sign('/', Buffer.from('héllo', 'utf8'))['content-digest']);
  });

  it('accepts a string secret, a Secret and a KeyObject as the same key material', () => {
    const text = 'Zq3v9Xw2LmP8rT5yB7nK4hJ6dF1sG0aQcE9uV2xY3zA';
    const results = [text, new Secret(text), createSecretKey(Buffer.from(text))].map((secret) =>
      signRequest({ method: 'GET', url: '/', key: { id: 'k', secret }, now: NOW, nonce: NONCE }).signature,
    );
    expect(new Set(results).size).toBe(1);
  });

  it('makes a fresh 22-character base64url nonce each time by default', () => {
    const nonceOf = () => /nonce="([^"]*)"/.exec(signRequest({ method: 'GET', url: '/', key: KEY })['signature-input'])?.[1];
    const [a, b] = [nonceOf(), nonceOf()];
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a).not.toBe(b);
  });

  it('refuses a bad method, body, nonce, time or URL with a TypeError', () => {
    const base = { method: 'GET', url: '/', key: KEY, now: NOW, nonce: NONCE };
    expect(() => signRequest({ ...base, method: 'GE T' })).toThrow(new TypeError('signRequest: method must be an HTTP method token, e.g. "POST".'));
    expect(() => signRequest({ ...base, body: 42 as unknown as string })).toThrow(new TypeError('signRequest: body must be a string, a Uint8Array or undefined.'));
    expect(() => signRequest({ ...base, nonce: 'short' })).toThrow(new TypeError('signRequest: nonce must be 22-256 base64url characters (16 or more random bytes).'));
    expect(() => signRequest({ ...base, now: Number.NaN })).toThrow(new TypeError('signRequest: now must be a time in milliseconds.'));
    expect(() => signRequest({ ...base, url: 'http://[' })).toThrow(new TypeError('signRequest: url "http://[" is not a valid URL.'));
  });
});

describe('ACCEPT_SIGNATURE_HINT', () => {
  it('is the fixed RFC 9421 §5.1 request for the profile', () => {
    expect(ACCEPT_SIGNATURE_HINT).toBe('aegis=("@method" "@path" "@query" "content-digest");created;alg="hmac-sha256"');
  });
});
