import { randomBytes } from 'node:crypto';
import type { SecretRing } from '../config/secret.js';

/**
 * The session cookie: an opaque, signed id. The cookie value is `<id>.<tag>`, where `id` is 32 bytes
 * from the CSPRNG (base64url, 43 characters: far above the 128 bits OWASP asks for) and `tag` is the
 * HMAC-SHA256 of the id under the newest key of the ring. Verification accepts a tag made with any
 * key of the ring (rotation) and compares in constant time (`SecretRing.verify`).
 *
 * The MAC input is the id behind a fixed context label, so a tag made here can never be replayed as
 * a signature for another feature that signs with the same keys (a CSRF token bound to the id, say).
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#session-id-entropy
 * @see https://httpwg.org/http-extensions/draft-ietf-httpbis-rfc6265bis.html
 */

/** Bytes of randomness in a session id. */
export const SESSION_ID_BYTES = 32;
const CONTEXT = 'aegis.session-id.v1:';
/** An id as this module makes it (and a little room for longer ones), then a 43-character tag. */
const VALUE = /^([A-Za-z0-9_-]{22,128})\.([A-Za-z0-9_-]{43})$/;

/** A new session id: {@link SESSION_ID_BYTES} random bytes, base64url. */
export function generateSessionId(): string {
  return randomBytes(SESSION_ID_BYTES).toString('base64url');
}

/** The cookie value for an id: `<id>.<tag>`. */
export function signSessionId(id: string, ring: SecretRing): string {
  return `${id}.${ring.sign(CONTEXT + id)}`;
}

/** What a cookie value turned out to be. */
export type VerifiedCookie = { readonly ok: true; readonly id: string } | { readonly ok: false };

/** Checks a cookie value; `ok: false` for anything malformed or signed with no key of the ring. */
export function verifySessionCookie(value: string, ring: SecretRing): VerifiedCookie {
  const match = VALUE.exec(value);
  if (!match) return { ok: false };
  const id = match[1] as string;
  return ring.verify(CONTEXT + id, match[2] as string) ? { ok: true, id } : { ok: false };
}

/**
 * The value of the first cookie called `name` in a `Cookie` request header (RFC 6265 §5.4), or
 * `undefined`. Surrounding double quotes are removed. Never throws.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (typeof header !== 'string') return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  return undefined;
}

/** Attributes of {@link serializeSessionCookie}. */
export interface SessionCookieAttributes {
  readonly secure: boolean;
  readonly sameSite: 'Lax' | 'Strict';
  /** Only `0`, to clear the cookie: a live session cookie carries no Max-Age (the server decides). */
  readonly maxAge?: 0;
}

/**
 * A `Set-Cookie` value: `name=value; HttpOnly; Secure; SameSite=Lax; Path=/`, plus `Max-Age=0`
 * when clearing. No `Domain`, so `__Host-` names stay valid.
 *
 * @example
 * serializeSessionCookie('__Host-sid', value, { secure: true, sameSite: 'Lax' });
 * // '__Host-sid=…; HttpOnly; Secure; SameSite=Lax; Path=/'
 */
export function serializeSessionCookie(name: string, value: string, attributes: SessionCookieAttributes): string {
  let cookie = `${name}=${value}; HttpOnly`;
  if (attributes.secure) cookie += '; Secure';
  cookie += `; SameSite=${attributes.sameSite}; Path=/`;
  if (attributes.maxAge === 0) cookie += '; Max-Age=0';
  return cookie;
}
