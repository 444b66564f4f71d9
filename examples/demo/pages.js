/**
 * The HTML of the demo site, as plain template strings (no template engine, nothing to install).
 *
 * Every page is served with Aegis' default Content-Security-Policy, which only lets an inline
 * `<script>` run when it carries this response's nonce, and allows styles, images and `fetch()`
 * from the site's own origin only (`default-src 'self'`). That is why the pages use a stylesheet
 * file instead of inline `style` attributes.
 */

/** Text the home page's nonce'd script writes; the browser test looks for it. */
export const SCRIPT_RAN_TEXT = 'This line was written by an inline script that carried the nonce.';

/** Text the home page shows once `/api/status` has answered. */
export const API_OK_TEXT = 'The JSON API answered: status ok.';

/** What `/blocked` shows while its script has not run (that is: always, when CSP works). */
export const BLOCKED_TEXT = 'Blocked: the inline script on this page has no nonce, so the browser refused to run it.';

/** What the script without a nonce would write; seeing it means CSP did not protect the page. */
export const NOT_BLOCKED_TEXT = 'The script without a nonce ran: this page is NOT protected by CSP!';

/** A small stylesheet, served from the site itself (`/style.css`), which `default-src 'self'` allows. */
export const STYLESHEET = `body { font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; }
code { background: #f2f2f2; padding: 0 .25em; }
.result { border-left: 4px solid #2a7; padding-left: .75rem; }
.warning { border-left: 4px solid #c33; padding-left: .75rem; }
.stack { display: grid; gap: .5rem; max-width: 24rem; margin: 1rem 0; }
.stack label { display: grid; gap: .25rem; }
.inline { display: inline; }
.sessions { list-style: none; padding: 0; }
.session { border: 1px solid #ddd; border-radius: 4px; padding: .5rem .75rem; margin: .5rem 0; }
.session.current { border-color: #2a7; }
.badge { background: #2a7; color: #fff; border-radius: 3px; padding: 0 .4em; font-size: .85em; }
.actions { display: flex; gap: .5rem; flex-wrap: wrap; margin: 1rem 0; }
`;

/** The demo user, as the sign-in page tells the visitor. The server keeps only a scrypt hash of the password (app.js). */
export const DEMO_USER_NAME = 'demo';
export const DEMO_PASSWORD = 'correct-horse-battery';

/** What a failed sign-in says: the same words whether the name or the password was wrong. */
export const SIGN_IN_FAILED_TEXT = 'Wrong user name or password.';

/** What the sign-in pages say when the server runs without sessions (production without SESSION_KEY). */
export const SIGN_IN_OFF_TEXT = 'Sign-in is turned off on this server.';

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The common page frame. */
function layout(title, body) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

/**
 * `/`: an inline script that runs because its `nonce` attribute equals the nonce in this
 * response's Content-Security-Policy header. It rewrites a line of text and calls the JSON API.
 * @param {string} nonce the per-request nonce (`res.locals.cspNonce`)
 */
export function homePage(nonce) {
  return layout(
    'Aegis demo',
    `<p>Every response of this site carries security headers set by Aegis. Open the developer tools to see them.</p>
<p id="script-result" class="result">If you can read this, the inline script did not run.</p>
<p id="api-result" class="result">Waiting for <code>/api/status</code>…</p>
<ul>
<li><a href="/api/status"><code>/api/status</code></a>: a JSON API route.</li>
<li><a href="/blocked"><code>/blocked</code></a>: an inline script without a nonce, blocked by the browser.</li>
<li><a href="/login"><code>/login</code></a>: sign in, then <a href="/account"><code>/account</code></a> lists your sessions; every form there carries a CSRF token.</li>
</ul>
<script nonce="${escapeHtml(nonce)}">
  document.getElementById('script-result').textContent = ${JSON.stringify(SCRIPT_RAN_TEXT)};
  fetch('/api/status')
    .then((response) => response.json())
    .then((status) => {
      document.getElementById('api-result').textContent = 'The JSON API answered: status ' + status.status + '.';
    })
    .catch((error) => {
      document.getElementById('api-result').textContent = 'The JSON API failed: ' + error.message;
    });
</script>`,
  );
}

/**
 * `/blocked`: an inline script WITHOUT the nonce. The browser refuses to run it, so the warning
 * text stays as it is, and reports the violation to Aegis' built-in endpoint
 * (`/_aegis/csp-report`), which the demo logs as a `csp.violation` event. Over HTTPS the browser
 * sends it through the Reporting API (`report-to`); over plain HTTP, where browsers ignore
 * `Reporting-Endpoints`, Aegis leaves `report-to` out so that `report-uri` is used instead.
 */
export function blockedPage() {
  return layout(
    'Blocked inline script',
    `<p id="verdict" class="warning">${escapeHtml(BLOCKED_TEXT)}</p>
<p>The browser also reports the violation to <code>/_aegis/csp-report</code>, and the server prints it as a <code>csp.violation</code> line.</p>
<p><a href="/">Back to the home page</a></p>
<script>
  document.getElementById('verdict').textContent = ${JSON.stringify(NOT_BLOCKED_TEXT)};
</script>`,
  );
}

/** The longest note `/account/note` keeps (longer ones are cut). */
export const NOTE_MAX_LENGTH = 200;

/** A time (ms since the epoch) as a UTC timestamp to the second. */
function formatTime(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * `/login`: the sign-in form. `field` is the hidden CSRF field (`res.locals.aegis.csrfField()`):
 * even signing in needs the token, so a foreign page cannot sign a visitor in to its own account.
 * @param {{ field: string, failed?: boolean }} options `failed` after a wrong name or password (401)
 */
export function loginPage({ field, failed = false }) {
  return layout(
    'Sign in',
    `<p>Sign in as the demo user: name <code>${escapeHtml(DEMO_USER_NAME)}</code>, password <code>${escapeHtml(DEMO_PASSWORD)}</code>. The server keeps only a scrypt hash of that password.</p>
${failed ? `<p id="login-error" class="warning">${escapeHtml(SIGN_IN_FAILED_TEXT)}</p>\n` : ''}<form method="post" action="/login" class="stack">
${field}
<label>User name <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>
<p><a href="/">Back to the home page</a></p>`,
  );
}

/**
 * One session of the list on `/account`: when and from which browser it signed in, its deadlines,
 * and (for every session but this one) a button that signs it out.
 */
function sessionItem(session, current, field) {
  const ua = typeof session.data.ua === 'string' && session.data.ua !== '' ? session.data.ua : 'an unknown browser';
  const facts = `Signed in at ${formatTime(session.createdAt)} from <code>${escapeHtml(ua)}</code>; ends after inactivity at ${formatTime(session.idleExpiresAt)}, at the latest at ${formatTime(session.absoluteExpiresAt)}.`;
  if (current) return `<li class="session current" data-handle="${escapeHtml(session.handle)}"><span class="badge">this session</span> ${facts}</li>`;
  return `<li class="session" data-handle="${escapeHtml(session.handle)}">${facts}
<form method="post" action="/account/sessions/revoke" class="inline">${field}<input type="hidden" name="handle" value="${escapeHtml(session.handle)}"><button type="submit">Sign this session out</button></form></li>`;
}

/**
 * `/account`: who is signed in, a note kept in the session (a CSRF-protected form), the user's
 * sessions with the current one marked, "sign out everywhere" and "sign out".
 * @param {{ user: string, note: string | undefined, sessions: import('aegis/sessions').UserSession[], currentHandle: string | undefined, field: string }} options
 */
export function accountPage({ user, note, sessions, currentHandle, field }) {
  const items = sessions.map((session) => sessionItem(session, session.handle === currentHandle, field)).join('\n');
  return layout(
    'Your account',
    `<p id="signed-in-as">Signed in as <strong>${escapeHtml(user)}</strong>.</p>
<h2>Your note</h2>
${note === undefined ? '<p id="note">No note yet.</p>' : `<p id="note" class="result">${escapeHtml(note)}</p>`}
<form method="post" action="/account/note" class="stack">
${field}
<label>Note (kept in your session, at most ${NOTE_MAX_LENGTH} characters) <input name="note" maxlength="${NOTE_MAX_LENGTH}"></label>
<button type="submit">Save the note</button>
</form>
<h2>Your sessions (${sessions.length})</h2>
<ul id="sessions" class="sessions">
${items}
</ul>
<div class="actions">
<form method="post" action="/account/sign-out-everywhere" class="inline">${field}<button type="submit">Sign out everywhere</button></form>
<form method="post" action="/logout" class="inline">${field}<button type="submit">Sign out</button></form>
</div>
<p><a href="/">Back to the home page</a></p>`,
  );
}

/** The sign-in pages when the server runs without sessions (503). */
export function signInOffPage() {
  return layout('Sign-in is off', `<p class="warning">${escapeHtml(SIGN_IN_OFF_TEXT)}</p>\n<p><a href="/">Back to the home page</a></p>`);
}

/** A second demo user, without the admin role: `/admin` answers it 403. */
export const READER_USER_NAME = 'reader';
export const READER_PASSWORD = 'reader-horse-battery';

/**
 * `/admin` (role admin only): the last messages the API accepted, numbers masked, and a count of
 * payments. Nothing here is secret; it shows that the role check ran before the page.
 * @param {{ messages: Array<{ id: string, to: string, length: number, key: string, status: string }>, payments: number }} options
 */
export function adminPage({ messages, payments }) {
  const rows = messages.map((m) => `<tr><td>${escapeHtml(m.id)}</td><td>${escapeHtml(m.to)}</td><td>${m.length}</td><td>${escapeHtml(m.key)}</td><td>${escapeHtml(m.status)}</td></tr>`).join('\n');
  return layout(
    'Administration',
    `<p id="payments">Payments captured: ${payments}.</p>
<h2>Latest messages</h2>
${messages.length === 0 ? '<p id="messages">No message yet.</p>' : `<table id="messages">\n<tr><th>Id</th><th>To</th><th>Characters</th><th>API key</th><th>Status</th></tr>\n${rows}\n</table>`}
<p><a href="/account">Your account</a></p>`,
  );
}
