/**
 * Which cookie names look like a session or authentication cookie: the ones whose theft or exposure
 * gives away an account, so the evaluator asks more of them (HttpOnly, Secure, short lifetime, no
 * parent Domain). A heuristic over the name only, documented here:
 *
 * - the `__Host-` / `__Secure-` prefix is ignored, and the name is split into words at `-`, `_`,
 *   `.`, spaces and lower→upper case changes (`authToken` → `auth`, `token`);
 * - a word containing `csrf` or `xsrf` makes the cookie *not* session-like (`XSRF-TOKEN`,
 *   `csrftoken`): CSRF tokens are meant to be read by scripts;
 * - otherwise it is session-like when a word starts with `sess` (`session`, `sessionid`, `sess`),
 *   ends with `sessid`, `sessionid` or `session` (`PHPSESSID`, `JSESSIONID`, `laravel_session`),
 *   is `sid` or ends with `sid` after a separator (`connect.sid`, `sid`), starts or ends with
 *   `auth` (`auth`, `authorization`, `.ASPXAUTH`), ends with `token` (`token`, `access_token`,
 *   `idtoken`), is `jwt`, or starts with `login` (`login`, `logintoken`; `user_login`).
 *
 * False positives cost an info or medium finding on a harmless cookie; false negatives lose the
 * session-only checks. Names like `ASP.NET_SessionId` and `JSESSIONID` are covered by the rules.
 */

const SPLIT = /[-_.\s]+|(?<=[a-z0-9])(?=[A-Z])/;

/** Whether a cookie name looks like a session or authentication cookie (see the module comment). */
export function isSessionLikeName(name: string): boolean {
  const bare = name.replace(/^__(?:host|secure)-/i, '');
  const words = bare.split(SPLIT).map((w) => w.toLowerCase()).filter((w) => w !== '');
  if (words.some((w) => w.includes('csrf') || w.includes('xsrf'))) return false;
  return words.some(
    (w) =>
      w.startsWith('sess') ||
      w.endsWith('sessid') ||
      w.endsWith('sessionid') ||
      w.endsWith('session') ||
      w === 'sid' ||
      w.startsWith('auth') ||
      w.endsWith('auth') ||
      w.endsWith('token') ||
      w === 'jwt' ||
      w.startsWith('login'),
  );
}
