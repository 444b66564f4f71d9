import { Problems } from '../core/config-error.js';
import { importSigningKey, type SigningKey } from './keys.js';
import { signRequest } from './sign.js';

/** Options of {@link createSignedFetch}. */
export interface SignedFetchOptions {
  /** The key every request is signed with. */
  readonly key: SigningKey;
  /** The fetch to call (default `globalThis.fetch`). */
  readonly fetch?: typeof fetch;
  /** The clock in milliseconds (default `Date.now`). */
  readonly now?: () => number;
}

/**
 * A `fetch` that signs every request (see {@link signRequest}) and then calls `globalThis.fetch`
 * (or `options.fetch`). The key is checked here, once. The body must be a string, a `Uint8Array` or
 * absent, so that it can be digested before it is sent; streams and FormData are refused. Signature
 * headers already in `init.headers` are replaced.
 *
 * @throws AegisConfigError when the key is invalid or `fetch` is not a function.
 * @example
 * const signedFetch = createSignedFetch({ key: { id: '2025-01', secret: process.env.SIGNING_KEY ?? '' } });
 * const res = await signedFetch('https://billing.internal/v1/charge', { method: 'POST', body: JSON.stringify(charge) });
 */
export function createSignedFetch(options: SignedFetchOptions): (url: string | URL, init?: RequestInit) => Promise<Response> {
  importSigningKey(options.key);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const problems = new Problems();
  if (typeof fetchImpl !== 'function') problems.add('fetch', 'is not a function and there is no global fetch.', 'pass fetch: the fetch of undici or node-fetch, or use Node 18 or later.');
  if (typeof now !== 'function') problems.add('now', 'is not a function.', 'pass now: () => Date.now(), or leave it out.');
  problems.throwIfAny('signed fetch options');
  const key = options.key;

  return async (url, init = {}) => {
    const body = init.body ?? undefined;
    if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw new TypeError('signed fetch: the body must be a string, a Uint8Array or absent, so it can be digested before it is sent.');
    }
    const method = (init.method ?? 'GET').toUpperCase();
    const signed = signRequest({ method, url, body, key, now: now() });
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(signed)) headers.set(name, value);
    return fetchImpl(url, { ...init, method, headers });
  };
}
