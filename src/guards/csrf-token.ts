import { createCsrfToken } from '../csrf/token.js';
import type { CsrfTokenSource } from '../core/request.js';
import type { RequestSession } from '../sessions/session.js';

/**
 * Where a session keeps its synchronizer token. Keys under `aegis.` are never carried over by
 * `signIn`/`regenerate({ keep })`, so a new session id always comes with a new token.
 */
export const CSRF_SESSION_KEY = 'aegis.csrf';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The session's token, made and set (stored at commit) on first use. */
export async function sessionCsrfToken(session: RequestSession): Promise<string> {
  const stored = await session.get(CSRF_SESSION_KEY);
  if (typeof stored === 'string' && TOKEN_SHAPE.test(stored)) return stored;
  const token = createCsrfToken();
  session.set(CSRF_SESSION_KEY, token);
  return token;
}

/** The token the session expects, without making one. */
export async function expectedCsrfToken(session: RequestSession): Promise<string | undefined> {
  const stored = await session.get(CSRF_SESSION_KEY);
  return typeof stored === 'string' ? stored : undefined;
}

/**
 * `<input type="hidden" name="…" value="…">` for a form. The token is base64url and the field name
 * comes from the policy, but both are escaped anyway.
 * @example res.send(`<form method="post">${await res.locals.aegis.csrfField()}…</form>`)
 */
export function csrfFieldHtml(token: string, fieldName = '_csrf'): string {
  return `<input type="hidden" name="${escapeAttribute(fieldName)}" value="${escapeAttribute(token)}">`;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;');
}

/** The token source a policy installs on each request's state. @internal */
export function csrfTokenSource(fieldName: string): CsrfTokenSource {
  return { token: sessionCsrfToken, field: (token) => csrfFieldHtml(token, fieldName) };
}
