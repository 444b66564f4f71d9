import { createHmac, randomBytes } from 'node:crypto';
import { contentDigest } from './content-digest.js';
import { importSigningKey, type SigningKey } from './keys.js';
import { isValidNonce, REQUIRED_COMPONENTS, SIGNATURE_ALGORITHM, SIGNATURE_LABEL } from './profile.js';
import { componentValue, signatureBase } from './signature-base.js';
import { serializeInnerList, type BareItem } from './structured-fields.js';

/** What {@link signRequest} signs. */
export interface SignRequestInput {
  /** The HTTP method; signed upper-case. */
  readonly method: string;
  /** The request URL; only its path and query are signed. A string may be a path (`/v1/pay?x=1`). */
  readonly url: string | URL;
  /** The exact bytes that will be sent (a string is sent and digested as UTF-8). Default: empty. */
  readonly body?: string | Uint8Array;
  /** The key to sign with. */
  readonly key: SigningKey;
  /** The time in milliseconds (default `Date.now()`); `created` is it in whole seconds. */
  readonly now?: number;
  /** The nonce (default 16 random bytes, base64url); 22–256 base64url characters. */
  readonly nonce?: string;
}

/** The three headers {@link signRequest} returns, lower-case names. */
export type SignatureHeaders = {
  'content-digest': string;
  'signature-input': string;
  signature: string;
};

/**
 * Signs a request with the Aegis profile of HTTP Message Signatures (RFC 9421, HMAC-SHA256) and
 * returns the three headers to add: `Content-Digest`, `Signature-Input` and `Signature`.
 *
 * The signature covers `@method`, `@path`, `@query` and `content-digest`, with `created`, `keyid`,
 * `nonce` and `alg="hmac-sha256"`. Send the body exactly as given here: the digest is of these bytes.
 *
 * @throws AegisConfigError when the key id or secret is invalid (checked once per key object).
 * @throws TypeError when the method, URL, body, time or nonce is invalid.
 * @see https://www.rfc-editor.org/rfc/rfc9421
 * @example
 * const headers = signRequest({ method: 'POST', url: 'https://billing.internal/v1/charge', body, key: { id: '2025-01', secret } });
 * await fetch(url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' } });
 */
export function signRequest(input: SignRequestInput): SignatureHeaders {
  const key = importSigningKey(input.key);
  const { method, body } = input;
  if (typeof method !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(method)) throw new TypeError('signRequest: method must be an HTTP method token, e.g. "POST".');
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) throw new TypeError('signRequest: body must be a string, a Uint8Array or undefined.');
  const url = toUrl(input.url);
  const now = input.now ?? Date.now();
  if (typeof now !== 'number' || !Number.isFinite(now) || now < 0) throw new TypeError('signRequest: now must be a time in milliseconds.');
  const nonce = input.nonce ?? randomBytes(16).toString('base64url');
  if (!isValidNonce(nonce)) throw new TypeError('signRequest: nonce must be 22-256 base64url characters (16 or more random bytes).');

  const digest = contentDigest(body);
  const params = new Map<string, BareItem>([
    ['created', { type: 'integer', value: Math.floor(now / 1000) }],
    ['keyid', { type: 'string', value: input.key.id }],
    ['nonce', { type: 'string', value: nonce }],
    ['alg', { type: 'string', value: SIGNATURE_ALGORITHM }],
  ]);
  const signatureParams = serializeInnerList({ items: REQUIRED_COMPONENTS.map((name) => ({ kind: 'item', value: { type: 'string', value: name }, params: new Map() })), params });
  const request = { method, path: url.pathname, query: url.search.slice(1), header: (name: string) => (name === 'content-digest' ? digest : undefined) };
  const values = REQUIRED_COMPONENTS.map((name) => componentValue(request, name) ?? '');
  const base = signatureBase(REQUIRED_COMPONENTS, values, signatureParams);
  if (base === undefined) throw new TypeError('signRequest: the URL must not contain line breaks.');
  const mac = createHmac('sha256', key).update(base).digest('base64');
  return {
    'content-digest': digest,
    'signature-input': `${SIGNATURE_LABEL}=${signatureParams}`,
    signature: `${SIGNATURE_LABEL}=:${mac}:`,
  };
}

function toUrl(url: string | URL): URL {
  if (url instanceof URL) return url;
  if (typeof url !== 'string') throw new TypeError('signRequest: url must be a string or a URL.');
  try {
    return new URL(url, 'http://localhost');
  } catch {
    throw new TypeError(`signRequest: url ${JSON.stringify(url)} is not a valid URL.`);
  }
}
