/**
 * The demo site as a factory: one Aegis policy and the Express app that uses it. `server.js`
 * serves it over HTTPS with `serve()`; the tests build the same app, so what they prove holds for
 * the demo itself.
 *
 * Besides the pages about headers, it has sign-in with server-side sessions: two demo users whose
 * passwords are kept only as scrypt hashes, an account page with a CSRF-protected form, the list of
 * the user's sessions (each can be signed out) and "sign out everywhere"; and an SMS gateway API
 * with API keys, rate limits, idempotency keys, a signed webhook, an operations endpoint behind
 * the internal secret and an admin page behind a role (api.js).
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import express from 'express';
import { aegis } from 'aegis';
import { aegisMiddleware } from 'aegis/express';
import { memoryIdempotencyStore, memoryNonceStore, memoryRateLimitStore, memorySessionStore } from 'aegis/stores';
import { apiPolicy, apiRoutes } from './api.js';
import { accountPage, blockedPage, homePage, loginPage, NOTE_MAX_LENGTH, signInOffPage, STYLESHEET } from './pages.js';

/** The exact body of `GET /api/status`. */
export const STATUS = Object.freeze({ service: 'aegis-demo', status: 'ok' });

/**
 * The demo's one user. Its password (shown on the sign-in page and in the README: it is a demo) is
 * kept only as this scrypt hash, made once with a random salt, in the PHC-like form
 * `scrypt$N=…,r=…,p=…$<salt>$<hash>` (base64url). N = 2^17, r = 8, p = 1 is OWASP's minimum for
 * scrypt: about half a second and 128 MiB per attempt, which is what makes guessing slow.
 */
const USERS = new Map([
  ['demo', { id: 'demo', roles: ['admin'], passwordHash: 'scrypt$N=131072,r=8,p=1$EWtOOD0kcZLcCeQ-izdqsg$iihMRhYcu55bUGg3n54lqse6dHGyxfWQW8S0o6E0pME' }],
  ['reader', { id: 'reader', roles: ['viewer'], passwordHash: 'scrypt$N=131072,r=8,p=1$rMIhRzpQVeleMfXx757pIg$SHq78C-gV1Y_5CHFTKF_wxMhsYaLQB7EMRDVxkaR6xQ' }],
]);

/**
 * Checked instead when the user name is unknown, so that a wrong name costs the same time as a
 * wrong password and the answer cannot tell which names exist. No password matches it.
 */
const NO_USER_HASH = `scrypt$N=131072,r=8,p=1$${randomBytes(16).toString('base64url')}$${randomBytes(32).toString('base64url')}`;

/** Passwords longer than this are refused without hashing (a 10 MB "password" would only cost time). */
const PASSWORD_MAX_LENGTH = 1024;
/** How much of the User-Agent a session keeps, to show in the list of sessions. */
const USER_AGENT_MAX_LENGTH = 120;

/**
 * Builds the policy and the Express app.
 *
 * Sessions: unless `options.sessions` is given (an Aegis `sessions` option, or `false` to turn
 * sign-in off), they live in `sessionStore` (default: a memory store) and their cookie is signed
 * with `sessionKey` (default: a random key, so sessions end with the process). Idle timeout 30 min,
 * absolute lifetime 1 h (Aegis' defaults, spelt out).
 * @param {import('./app.js').DemoOptions} [options] Aegis options (the demo uses the defaults) plus `sessionStore` and `sessionKey`.
 * @returns {{ app: import('express').Express, policy: import('aegis').AegisPolicy }}
 */
export function createDemo(options = {}) {
  const { sessionStore, sessionKey, api = {}, ...aegisOptions } = options;
  const sessions =
    aegisOptions.sessions !== undefined
      ? aegisOptions.sessions
      : { store: sessionStore ?? memorySessionStore(), secrets: [sessionKey ?? randomBytes(32).toString('base64url')], idleTimeout: '30m', absoluteTimeout: '1h' };
  // One policy, compiled once: defaults everywhere (strict CSP with a nonce, X-Frame-Options DENY,
  // Host allowlist of localhost names in development, the CSP report endpoint, CSRF checks of
  // every POST…), plus the sessions.
  const apiSetup = {
    rateLimitStore: api.rateLimitStore ?? memoryRateLimitStore(),
    nonceStore: api.nonceStore ?? memoryNonceStore(),
    idempotencyStore: api.idempotencyStore ?? memoryIdempotencyStore(),
    apiKeys: api.apiKeys ?? [],
    internalSecret: api.internalSecret,
    webhookKey: api.webhookKey,
    roles: (userId) => USERS.get(userId)?.roles ?? [],
  };
  const policy = aegis({ ...apiPolicy(apiSetup), ...aegisOptions, sessions });
  const app = express();

  // Mounted first, so that every response (pages, API, 404) gets the headers and every request
  // is checked (Host, limits) before any route sees it. The endpoint /_aegis/csp-report is
  // answered here too: it turns browser reports into `csp.violation` events. Under serve() (see
  // server.js) the server has already done all this before Express runs: the middleware then
  // only exposes the nonce as `res.locals.cspNonce` and removes what Express adds (X-Powered-By).
  const security = aegisMiddleware(policy);
  app.use(security);

  // A nonce'd inline script that runs, and a fetch() to the JSON API (allowed by default-src 'self').
  app.get('/', (_req, res) => {
    res.type('html').send(homePage(res.locals.cspNonce));
  });

  // A JSON API route: the same security headers apply to it.
  app.get('/api/status', (_req, res) => {
    res.json(STATUS);
  });

  // An inline script without the nonce: blocked by the browser, reported to Aegis.
  app.get('/blocked', (_req, res) => {
    res.type('html').send(blockedPage());
  });

  // A stylesheet from the site's own origin, which the CSP allows (inline styles it would not).
  app.get('/style.css', (_req, res) => {
    res.type('css').send(STYLESHEET);
  });

  // Where to report a vulnerability (RFC 9116): a contact and an expiry date, renewed at each start.
  app.get('/.well-known/security.txt', (_req, res) => {
    res.type('text').send(securityTxt(new Date()));
  });

  // No icon: an empty answer instead of a 404 that would show up as an error in the browser console.
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });

  signInRoutes(app, policy);
  apiRoutes(app, security, apiSetup);

  app.use((_req, res) => {
    res.status(404).type('text').send('Not found\n');
  });

  // A failing route (the session store down, say) answers without details: never a stack trace.
  app.use((error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const unavailable = error?.status === 503;
    res.status(unavailable ? 503 : 500).type('text').send(unavailable ? 'Service Unavailable\n' : 'Internal Server Error\n');
  });

  return { app, policy };
}

/**
 * Sign-in, the account page and its forms. Every POST below has passed Aegis' CSRF check before
 * it gets here (Sec-Fetch-Site / Origin, then the session's token from the `_csrf` field, which
 * Aegis reads from the form itself and leaves in `req.body`). Redirects after a POST are 303, so
 * the browser follows them with a GET.
 */
function signInRoutes(app, policy) {
  // Without sessions (production without SESSION_KEY, see server.js) these pages say sign-in is off.
  if (!policy.sessions) {
    app.all(['/login', '/logout', '/account', '/account/*rest'], (_req, res) => {
      res.status(503).type('html').send(signInOffPage());
    });
    return;
  }
  const manager = policy.sessions;

  // Aegis has already read urlencoded forms when it looked for the CSRF token (and set req.body,
  // so this parser leaves them alone); it stays for forms that send the token as a header.
  app.use(express.urlencoded({ extended: false }));

  app.get('/login', async (_req, res) => {
    if (await res.locals.session.userId()) return res.redirect(303, '/account');
    res.type('html').send(loginPage({ field: await res.locals.aegis.csrfField() }));
  });

  app.post('/login', async (req, res) => {
    const { username, password } = req.body ?? {};
    const user = typeof username === 'string' ? USERS.get(username) : undefined;
    // The hash is checked even for an unknown name, and both mistakes get the same answer.
    const matches = await verifyPassword(password, user?.passwordHash ?? NO_USER_HASH);
    const session = res.locals.session;
    if (!user || !matches) {
      // Never the name or the password in the event: people type passwords into the name field.
      policy.emit(requestEvent(res, req, 'auth.failed', 'warn', 'auth.bad_credentials', 401));
      res.status(401).type('html').send(loginPage({ field: await res.locals.aegis.csrfField(), failed: true }));
      return;
    }
    // A new session id (the one used before signing in stops working) and a new CSRF token.
    await session.signIn(user.id, { keep: [] });
    session.set('ua', String(req.headers['user-agent'] ?? '').slice(0, USER_AGENT_MAX_LENGTH));
    session.set('signedInAt', Date.now());
    res.redirect(303, '/account');
  });

  app.post('/logout', async (_req, res) => {
    // Ends the stored session; Aegis then clears the cookie (Max-Age=0).
    await res.locals.session.destroy();
    res.redirect(303, '/login');
  });

  // Everything under /account needs a signed-in user; others are sent to /login.
  app.use('/account', async (_req, res, next) => {
    const userId = await res.locals.session.userId();
    if (!userId) return res.redirect(303, '/login');
    res.locals.userId = userId;
    next();
  });

  app.get('/account', async (_req, res) => {
    const session = res.locals.session;
    const [note, sessions, currentHandle, field] = await Promise.all([
      session.get('note'),
      manager.listUserSessions(res.locals.userId),
      session.handle(),
      res.locals.aegis.csrfField(),
    ]);
    sessions.sort((a, b) => a.createdAt - b.createdAt);
    res.type('html').send(accountPage({ user: res.locals.userId, note: typeof note === 'string' ? note : undefined, sessions, currentHandle, field }));
  });

  app.post('/account/note', (req, res) => {
    const note = req.body?.note;
    if (typeof note !== 'string') return res.status(400).type('text').send('Bad Request: the form has no note\n');
    res.locals.session.set('note', note.trim().slice(0, NOTE_MAX_LENGTH));
    res.redirect(303, '/account');
  });

  app.post('/account/sessions/revoke', async (req, res) => {
    const handle = req.body?.handle;
    // Only a session of this user can be named: another user's handle matches nothing.
    if (typeof handle === 'string') await manager.revokeSession(res.locals.userId, handle);
    res.redirect(303, '/account');
  });

  app.post('/account/sign-out-everywhere', async (_req, res) => {
    // Through the request's session, so that this response clears this browser's cookie too.
    await res.locals.session.revokeUser(res.locals.userId);
    res.redirect(303, '/login');
  });
}

/** An event about this request, in the shape Aegis' own events have (no body, no credential). */
function requestEvent(res, req, type, level, reason, status) {
  const context = res.locals.aegis;
  return { type, level, time: Date.now(), requestId: context.requestId, ip: context.clientIp, method: req.method, path: context.path, status, reason };
}

/**
 * True when `password` matches a `scrypt$N=…,r=…,p=…$salt$hash` string. The comparison of the
 * derived key is constant-time (timingSafeEqual).
 */
async function verifyPassword(password, stored) {
  if (typeof password !== 'string' || password.length > PASSWORD_MAX_LENGTH) return false;
  const [scheme, params, salt, hash] = stored.split('$');
  const { N, r, p } = Object.fromEntries(params.split(',').map((pair) => pair.split('=')).map(([k, v]) => [k, Number(v)]));
  if (scheme !== 'scrypt') return false;
  const expected = Buffer.from(hash, 'base64url');
  const derived = await new Promise((resolve, reject) => {
    // maxmem: scrypt needs 128 * N * r bytes (128 MiB here), above Node's 32 MiB default.
    scrypt(password.normalize('NFC'), Buffer.from(salt, 'base64url'), expected.length, { N, r, p, maxmem: 256 * N * r }, (error, key) => (error ? reject(error) : resolve(key)));
  });
  return timingSafeEqual(derived, expected);
}

/** Days a published security.txt stays valid; RFC 9116 asks for less than a year. */
const SECURITY_TXT_DAYS = 180;

/**
 * The demo's security.txt, expiring SECURITY_TXT_DAYS after `now`.
 * @param {Date} now
 * @returns {string}
 */
export function securityTxt(now) {
  const expires = new Date(now.getTime() + SECURITY_TXT_DAYS * 86_400_000);
  expires.setUTCMilliseconds(0);
  return `Contact: mailto:security@example.com\nExpires: ${expires.toISOString().replace('.000Z', 'Z')}\nPreferred-Languages: en\n`;
}
