import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { SecretRing } from '../config/secret.js';

/** 32 random bytes, base64url: 43 characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * A synchronizer token: 32 bytes from the CSPRNG, base64url (43 characters). Keep it in the
 * server-side session and put it in forms (`<input name="_csrf">`) or send it as `x-csrf-token`.
 * Make a new one when the session is regenerated.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html#synchronizer-token-pattern
 */
export function createCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Compares two tokens in constant time. False for different lengths, empty strings and anything
 * that is not a string (the length of a token is not a secret; its content is).
 */
export function tokensEqual(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || a === '' || b === '') return false;
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * A signed double-submit token for pages without a server-side session:
 * `<random>.<HMAC-SHA256(random + '.' + sessionIdentifier)>`, signed with the newest key of `ring`.
 * Bind it to something that identifies the visitor (a pre-session cookie id, say), so that a
 * token an attacker obtained for their own identifier is useless for the victim's.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html#signed-double-submit-cookie-recommended
 */
export function signDoubleSubmit(sessionIdentifier: string, ring: SecretRing): string {
  if (typeof sessionIdentifier !== 'string' || sessionIdentifier === '') throw new TypeError('signDoubleSubmit(sessionIdentifier, ring): sessionIdentifier must be a non-empty string.');
  const random = createCsrfToken();
  return `${random}.${ring.sign(`${random}.${sessionIdentifier}`)}`;
}

/**
 * True when `token` was made by {@link signDoubleSubmit} for `sessionIdentifier` with any key of
 * `ring` (keys rotated out of the ring no longer verify). Constant time per key.
 */
export function verifyDoubleSubmit(token: unknown, sessionIdentifier: unknown, ring: SecretRing): boolean {
  if (typeof token !== 'string' || typeof sessionIdentifier !== 'string' || sessionIdentifier === '') return false;
  const dot = token.indexOf('.');
  if (dot < 0) return false;
  const random = token.slice(0, dot);
  if (!TOKEN.test(random)) return false;
  return ring.verify(`${random}.${sessionIdentifier}`, token.slice(dot + 1));
}

/** Where the submitted token is read from. */
export interface SubmittedTokenSource {
  /** Request header lookup by lower-case name. */
  header(name: string): string | undefined;
  /** The body the application already parsed (`req.body`), if any. */
  readonly body?: unknown;
}

const FORM_TYPES: ReadonlySet<string> = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);

/**
 * The token a request submitted: the header (`x-csrf-token` by default) or, for
 * `application/x-www-form-urlencoded` and `multipart/form-data` bodies only, the form field
 * (`_csrf`). A `text/plain` body (which a cross-site form can send) never counts as a form, and
 * neither do JSON bodies: use the header. A repeated field (an array) is not accepted.
 */
export function readSubmittedToken(source: SubmittedTokenSource, names: { readonly headerName: string; readonly fieldName: string }): string | undefined {
  const fromHeader = source.header(names.headerName);
  if (fromHeader !== undefined && fromHeader !== '') return fromHeader;
  const type = source.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type === undefined || !FORM_TYPES.has(type)) return undefined;
  const body = source.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  if (!Object.prototype.hasOwnProperty.call(body, names.fieldName)) return undefined;
  const value = (body as Record<string, unknown>)[names.fieldName];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
