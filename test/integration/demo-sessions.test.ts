/**
 * The demo's sign-in, account page and sessions, over real HTTP: `createDemo()` with a real SQLite
 * file in a temporary directory, served by node:http (development profile, plain HTTP, as behind
 * a TLS-terminating proxy in development), spoken to by a small cookie-keeping client. Each
 * "visitor" keeps one cookie, as one browser would, and sends what a browser sends with a form
 * of the site itself (Origin, Sec-Fetch-Site: same-origin) unless a test says otherwise.
 *
 * Also: sessions and revocations survive a restart (a new app on the same file and key), the
 * production profile's cookie (`__Host-sid`, Secure) and its silence on `/`, and how server.js
 * finds its session key.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AegisEvent, AegisPolicy } from 'aegis';
import { memorySessionStore, sqliteSessionStore, type SessionStore } from 'aegis/stores';
import { createDemo, type DemoOptions } from '../../examples/demo/app.js';
import { certificateFiles } from '../helpers/certificates.js';
import { spawnDemo, startDemo, stopDemo, type DemoProcess } from '../helpers/demo-process.js';
import { freePorts } from '../helpers/nginx.js';
import { redisServerCommand } from '../helpers/redis-server.js';

const PASSWORD = 'correct-horse-battery';
const KEY = randomBytes(32).toString('base64url');
const COOKIE_VALUE = '[A-Za-z0-9_-]{43}\\.[A-Za-z0-9_-]{43}';
/** The development session cookie, exactly. */
const SET_COOKIE = new RegExp(`^sid=(${COOKIE_VALUE}); HttpOnly; SameSite=Lax; Path=/$`);
const CLEAR_COOKIE = 'sid=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0';
const CSRF_FIELD = /<input type="hidden" name="_csrf" value="([A-Za-z0-9_-]{43})">/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const FAILED_TEXT = '<p id="login-error" class="warning">Wrong user name or password.</p>';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const workDir = mkdtempSync(join(tmpdir(), 'aegis-demo-sessions-'));
const dbFile = join(workDir, 'sessions.db');
const events: AegisEvent[] = [];
let store: SessionStore;
let policy: AegisPolicy;
let server: Server;
let origin = '';

/** Builds the demo on `sessionStore` and serves it on a free port of 127.0.0.1. */
async function startApp(sessionStore: SessionStore): Promise<void> {
  const demo = createDemo({ env: 'development', quiet: true, sessionStore, sessionKey: KEY, onEvent: (event) => events.push(event) });
  policy = demo.policy;
  server = createServer(demo.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function stopApp(): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await store.close?.();
}

/** One HTTP request to the demo, on its own connection. */
function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}${path}`, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The single Set-Cookie of a reply (or undefined), after checking there is at most one. */
function setCookieOf(reply: Reply): string | undefined {
  const all = reply.headers['set-cookie'] ?? [];
  expect(all.length).toBeLessThanOrEqual(1);
  return all[0];
}

/** The CSRF token of a page's forms (every form of a page carries the same one). */
function tokenOf(reply: Reply): string {
  const tokens = [...reply.body.matchAll(new RegExp(CSRF_FIELD, 'g'))].map((m) => m[1]);
  expect(tokens.length).toBeGreaterThan(0);
  expect(new Set(tokens).size).toBe(1);
  return tokens[0] as string;
}

/** A browser with one cookie jar (the `sid` cookie only) and its own User-Agent. */
class Visitor {
  cookie: string | undefined;

  constructor(readonly userAgent: string) {}

  /** A GET; the cookie jar follows Set-Cookie. */
  async get(path: string): Promise<Reply> {
    return this.keep(await send('GET', path, this.headers()));
  }

  /**
   * A form POST (urlencoded). By default with what a browser adds to a form of the same origin;
   * `headers` replaces those (e.g. a cross-site form), `{}` sends none (a script-less client).
   */
  async post(path: string, form: Record<string, string>, headers: Record<string, string> = { Origin: origin, 'Sec-Fetch-Site': 'same-origin' }): Promise<Reply> {
    const body = new URLSearchParams(form).toString();
    return this.keep(await send('POST', path, { ...this.headers(), 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body));
  }

  /** Opens /login and signs in through its form; returns the POST's reply. */
  async signIn(password = PASSWORD, username = 'demo'): Promise<Reply> {
    const page = await this.get('/login');
    expect(page.status).toBe(200);
    return this.post('/login', { _csrf: tokenOf(page), username, password });
  }

  private headers(): Record<string, string> {
    return { 'User-Agent': this.userAgent, ...(this.cookie ? { Cookie: this.cookie } : {}) };
  }

  private keep(reply: Reply): Reply {
    const setCookie = setCookieOf(reply);
    if (setCookie !== undefined) this.cookie = setCookie.endsWith('; Max-Age=0') ? undefined : setCookie.split(';')[0];
    return reply;
  }
}

/** The `data-handle`s of the session list on an /account page, current one first when marked. */
function listedSessions(reply: Reply): Array<{ handle: string; current: boolean }> {
  return [...reply.body.matchAll(/<li class="session( current)?" data-handle="([A-Za-z0-9_-]{22})">/g)].map((m) => ({ handle: m[2] as string, current: m[1] !== undefined }));
}

/** The events of one type, recorded since the test began. */
function eventsOf(type: string): AegisEvent[] {
  return events.filter((event) => event.type === type);
}

beforeAll(async () => {
  store = sqliteSessionStore({ file: dbFile });
  await startApp(store);
});

beforeEach(async () => {
  events.length = 0;
  // Each test starts with no session of the demo user.
  await policy.sessions?.revokeUser('demo');
  events.length = 0;
});

afterAll(async () => {
  await stopApp();
  rmSync(workDir, { recursive: true, force: true });
});

describe('demo sign-in (createDemo on a SQLite store, real HTTP)', () => {
  it('GET /login gives a visitor a pre-login session: the exact cookie, and a form carrying its CSRF token', async () => {
    const visitor = new Visitor('test-agent/1');
    const page = await visitor.get('/login');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(setCookieOf(page)).toMatch(SET_COOKIE);
    const token = tokenOf(page);
    expect(page.body).toContain(`<form method="post" action="/login" class="stack">\n<input type="hidden" name="_csrf" value="${token}">\n`);
    expect(page.body).toContain('name <code>demo</code>, password <code>correct-horse-battery</code>');
    // A second visit reuses the session: same token, no new cookie.
    const again = await visitor.get('/login');
    expect([setCookieOf(again), tokenOf(again)]).toEqual([undefined, token]);
  });

  it('a wrong password and an unknown name get the same 401 page, and an auth.failed event without either', async () => {
    const visitor = new Visitor('test-agent/1');
    const wrongPassword = await visitor.signIn('not-the-password');
    const unknownUser = await visitor.signIn(PASSWORD, 'admin');
    for (const reply of [wrongPassword, unknownUser]) {
      expect(reply.status).toBe(401);
      expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(reply.body).toContain(FAILED_TEXT);
      // Nothing changed in the session: no cookie, and the form again for another try.
      expect(setCookieOf(reply)).toBe(undefined);
    }
    // Word for word the same page (same token): nothing tells which names exist.
    expect(unknownUser.body).toBe(wrongPassword.body);
    const failed = eventsOf('auth.failed');
    expect(failed).toEqual([0, 1].map((i) => ({ type: 'auth.failed', level: 'warn', time: failed[i]?.time, requestId: failed[i]?.requestId, ip: '127.0.0.1', method: 'POST', path: '/login', status: 401, reason: 'auth.bad_credentials' })));
    expect(failed[0]?.requestId).toMatch(UUID);
    const logged = JSON.stringify(events);
    for (const secret of ['not-the-password', PASSWORD, 'admin']) expect(logged).not.toContain(secret);
    expect(await policy.sessions?.listUserSessions('demo')).toEqual([]);
  });

  it('signing in without the token is refused before the password is even checked (login CSRF)', async () => {
    const visitor = new Visitor('test-agent/1');
    await visitor.get('/login');
    const reply = await visitor.post('/login', { username: 'demo', password: PASSWORD });
    expect([reply.status, reply.headers['content-type'], reply.body]).toEqual([403, 'text/plain; charset=utf-8', 'Forbidden: CSRF check failed (missing-token)\n']);
    expect(eventsOf('csrf.rejected').map((e) => [e.reason, e.path, e.status])).toEqual([['missing-token', '/login', 403]]);
    expect(eventsOf('auth.failed')).toEqual([]);
  });

  it('the right password: 303 to /account with a new cookie (exact attributes); the pre-login cookie stops working', async () => {
    const visitor = new Visitor('test-agent/1');
    const loginPage = await visitor.get('/login');
    const before = visitor.cookie as string;
    const reply = await visitor.post('/login', { _csrf: tokenOf(loginPage), username: 'demo', password: PASSWORD });
    expect([reply.status, reply.headers.location, reply.body]).toEqual([303, '/account', 'See Other. Redirecting to /account']);
    expect(setCookieOf(reply)).toMatch(SET_COOKIE);
    expect(visitor.cookie).not.toBe(before);

    const account = await visitor.get('/account');
    expect(account.status).toBe(200);
    expect(account.body).toContain('<p id="signed-in-as">Signed in as <strong>demo</strong>.</p>');
    expect(account.body).toContain('<p id="note">No note yet.</p>');
    // A new session id comes with a new CSRF token.
    expect(tokenOf(account)).not.toBe(tokenOf(loginPage));

    // The cookie from before sign-in (session fixation): unknown now, cleared, sent to /login.
    events.length = 0;
    const stale = await send('GET', '/account', { Cookie: before });
    expect([stale.status, stale.headers.location, setCookieOf(stale)]).toEqual([303, '/login', CLEAR_COOKIE]);
    const invalid = eventsOf('session.invalid');
    expect(invalid).toEqual([{ type: 'session.invalid', level: 'warn', time: invalid[0]?.time, requestId: invalid[0]?.requestId, ip: '127.0.0.1', method: 'GET', path: '/account', reason: 'unknown' }]);
    // Once signed in, /login sends the visitor on to the account page.
    const again = await visitor.get('/login');
    expect([again.status, again.headers.location]).toEqual([303, '/account']);
  });

  it('POST /account/note: 403 without the token or with a wrong one; 303 with the page\'s token, and the note is shown escaped', async () => {
    const visitor = new Visitor('test-agent/1');
    await visitor.signIn();
    const page = await visitor.get('/account');
    const token = tokenOf(page);
    const note = '<script>alert("x")</script> & co';

    const missing = await visitor.post('/account/note', { note });
    expect([missing.status, missing.body]).toEqual([403, 'Forbidden: CSRF check failed (missing-token)\n']);
    const wrong = await visitor.post('/account/note', { note, _csrf: randomBytes(32).toString('base64url') });
    expect([wrong.status, wrong.body]).toEqual([403, 'Forbidden: CSRF check failed (bad-token)\n']);
    // The right token does not help a request that says it comes from another site.
    const crossSite = await visitor.post('/account/note', { note, _csrf: token }, { Origin: 'http://evil.test', 'Sec-Fetch-Site': 'cross-site' });
    expect([crossSite.status, crossSite.body]).toEqual([403, 'Forbidden: CSRF check failed (cross-site)\n']);
    expect(eventsOf('csrf.rejected').map((e) => [e.reason, e.method, e.path, e.status])).toEqual([
      ['missing-token', 'POST', '/account/note', 403],
      ['bad-token', 'POST', '/account/note', 403],
      ['cross-site', 'POST', '/account/note', 403],
    ]);
    expect(JSON.stringify(events)).not.toContain(token);
    expect((await visitor.get('/account')).body).toContain('<p id="note">No note yet.</p>');

    const saved = await visitor.post('/account/note', { note, _csrf: token });
    expect([saved.status, saved.headers.location, setCookieOf(saved)]).toEqual([303, '/account', undefined]);
    expect((await visitor.get('/account')).body).toContain('<p id="note" class="result">&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; co</p>');
    // A client that sends no Origin and no Fetch Metadata (curl, say) needs the token all the same.
    const bare = await visitor.post('/account/note', { note: 'second' }, {});
    expect([bare.status, bare.body]).toEqual([403, 'Forbidden: CSRF check failed (missing-token)\n']);
    const bareWithToken = await visitor.post('/account/note', { note: 'second', _csrf: token }, {});
    expect(bareWithToken.status).toBe(303);
    expect((await visitor.get('/account')).body).toContain('<p id="note" class="result">second</p>');
  });

  it('lists both sessions after signing in twice, marks the current one, and revoking the other sends its cookie to /login', async () => {
    const laptop = new Visitor('Laptop <b>browser</b>');
    const phone = new Visitor('Phone browser');
    await laptop.signIn();
    await phone.signIn();

    const page = await laptop.get('/account');
    expect(page.body).toContain('<h2>Your sessions (2)</h2>');
    const listed = listedSessions(page);
    expect(listed.map((s) => s.current)).toEqual([true, false]);
    const stored = (await policy.sessions?.listUserSessions('demo')) ?? [];
    expect(stored.map((s) => s.handle).sort()).toEqual(listed.map((s) => s.handle).sort());
    // Each session keeps the browser it signed in from (escaped on the page) and when.
    expect(stored.map((s) => s.data.ua).sort()).toEqual(['Laptop <b>browser</b>', 'Phone browser']);
    expect(stored.every((s) => typeof s.data.signedInAt === 'number')).toBe(true);
    expect(page.body).toContain('from <code>Laptop &#60;b&#62;browser&#60;/b&#62;</code>');
    const other = listed[1]?.handle as string;
    // Only the other session has a revoke button, naming it by its handle.
    expect(page.body.match(/name="handle"/g)).toHaveLength(1);
    expect(page.body).toContain(`<input type="hidden" name="handle" value="${other}"><button type="submit">Sign this session out</button>`);

    events.length = 0;
    const revoke = await laptop.post('/account/sessions/revoke', { _csrf: tokenOf(page), handle: other });
    expect([revoke.status, revoke.headers.location]).toEqual([303, '/account']);
    const revoked = eventsOf('session.revoked');
    expect(revoked).toEqual([{ type: 'session.revoked', level: 'info', time: revoked[0]?.time, reason: 'session_revoked' }]);

    const after = await laptop.get('/account');
    expect(after.body).toContain('<h2>Your sessions (1)</h2>');
    expect(listedSessions(after)).toEqual([{ handle: listed[0]?.handle, current: true }]);
    const phoneAccount = await phone.get('/account');
    expect([phoneAccount.status, phoneAccount.headers.location, setCookieOf(phoneAccount)]).toEqual([303, '/login', CLEAR_COOKIE]);
    expect(phone.cookie).toBe(undefined);
  });

  it('"Sign out everywhere" ends every session of the user: all three cookies are dead', async () => {
    const visitors = [new Visitor('one'), new Visitor('two'), new Visitor('three')];
    for (const visitor of visitors) expect((await visitor.signIn()).status).toBe(303);
    const [first, ...others] = visitors as [Visitor, Visitor, Visitor];
    const cookies = visitors.map((visitor) => visitor.cookie as string);
    const page = await first.get('/account');
    expect(page.body).toContain('<h2>Your sessions (3)</h2>');

    events.length = 0;
    const reply = await first.post('/account/sign-out-everywhere', { _csrf: tokenOf(page) });
    expect([reply.status, reply.headers.location, setCookieOf(reply)]).toEqual([303, '/login', CLEAR_COOKIE]);
    const revoked = eventsOf('session.revoked');
    // Revoked from within a request: the event names it (id, client, method, path).
    expect(revoked).toEqual([
      { type: 'session.revoked', level: 'info', time: revoked[0]?.time, requestId: revoked[0]?.requestId, ip: '127.0.0.1', method: 'POST', path: '/account/sign-out-everywhere', reason: 'user_revoked', detail: { sessions: 3 } },
    ]);
    expect(revoked[0]?.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await policy.sessions?.listUserSessions('demo')).toEqual([]);
    for (const cookie of cookies) {
      const account = await send('GET', '/account', { Cookie: cookie });
      expect([account.status, account.headers.location, setCookieOf(account)]).toEqual([303, '/login', CLEAR_COOKIE]);
    }
    // And a form still open in another tab cannot act for the ended session either.
    const late = await others[0].post('/account/note', { note: 'late', _csrf: tokenOf(page) });
    expect([late.status, late.body]).toEqual([403, 'Forbidden: CSRF check failed (bad-token)\n']);
  });

  it('POST /logout clears the cookie (Max-Age=0) and the stored session', async () => {
    const stay = new Visitor('stays');
    const leave = new Visitor('leaves');
    await stay.signIn();
    await leave.signIn();
    const cookie = leave.cookie as string;
    const page = await leave.get('/account');
    const handle = listedSessions(page).find((s) => s.current)?.handle;

    const reply = await leave.post('/logout', { _csrf: tokenOf(page) });
    expect([reply.status, reply.headers.location, setCookieOf(reply)]).toEqual([303, '/login', CLEAR_COOKIE]);
    const left = (await policy.sessions?.listUserSessions('demo')) ?? [];
    expect(left.map((s) => s.data.ua)).toEqual(['stays']);
    expect(left.map((s) => s.handle)).not.toContain(handle);
    const replayed = await send('GET', '/account', { Cookie: cookie });
    expect([replayed.status, replayed.headers.location]).toEqual([303, '/login']);
    expect((await stay.get('/account')).status).toBe(200);
  });

  it('sessions and revocations survive a restart: a new app on the same SQLite file and key', async () => {
    const kept = new Visitor('kept');
    const ended = new Visitor('ended');
    await kept.signIn();
    await ended.signIn();
    const page = await kept.get('/account');
    const other = listedSessions(page).find((s) => !s.current)?.handle as string;
    expect((await kept.post('/account/sessions/revoke', { _csrf: tokenOf(page), handle: other })).status).toBe(303);

    await stopApp();
    store = sqliteSessionStore({ file: dbFile });
    await startApp(store);
    const account = await kept.get('/account');
    expect(account.status).toBe(200);
    expect(listedSessions(account)).toHaveLength(1);
    const revoked = await ended.get('/account');
    expect([revoked.status, revoked.headers.location]).toEqual([303, '/login']);
  });
});

describe('demo sign-in in other set-ups', () => {
  const cert = certificateFiles({}, mkdtempSync(join(tmpdir(), 'aegis-demo-sessions-cert-')));
  afterAll(() => rmSync(cert.dir, { recursive: true, force: true }));

  /** Serves a demo over HTTPS with the test certificate and makes one request for `localhost`. */
  async function overHttps(options: DemoOptions, paths: string[]): Promise<Reply[]> {
    const { app } = createDemo({ quiet: true, ...options });
    const httpsServer = createHttpsServer({ cert: cert.pem.cert, key: cert.pem.key }, app);
    await new Promise<void>((resolve) => httpsServer.listen(0, '127.0.0.1', resolve));
    const { port } = httpsServer.address() as AddressInfo;
    try {
      const replies: Reply[] = [];
      for (const path of paths) replies.push(await httpsGet(port, path, cert.pem.cert));
      return replies;
    } finally {
      httpsServer.closeAllConnections();
      await new Promise((resolve) => httpsServer.close(resolve));
    }
  }

  it('production: an anonymous visit to / sets no cookie; /login sets __Host-sid, Secure, HttpOnly, SameSite=Lax', async () => {
    const [home, login] = await overHttps({ env: 'production', hosts: ['localhost'], sessionStore: memorySessionStore(), sessionKey: KEY }, ['/', '/login']);
    expect([home?.status, home?.headers['set-cookie']]).toEqual([200, undefined]);
    expect(login?.status).toBe(200);
    expect(login?.headers['set-cookie']).toEqual([expect.stringMatching(new RegExp(`^__Host-sid=${COOKIE_VALUE}; HttpOnly; Secure; SameSite=Lax; Path=/$`))]);
  });

  it('sessions: false (production without SESSION_KEY in server.js): the sign-in pages answer 503 and set no cookie', async () => {
    const replies = await overHttps({ env: 'production', hosts: ['localhost'], sessions: false }, ['/login', '/account', '/']);
    expect(replies.map((r) => [r.status, r.headers['set-cookie']])).toEqual([
      [503, undefined],
      [503, undefined],
      [200, undefined],
    ]);
    expect(replies[0]?.body).toContain('<p class="warning">Sign-in is turned off on this server.</p>');
  });
});

/** One HTTPS GET to a demo started by server.js, for `localhost`, trusting only `ca`. */
function httpsGet(port: number, path: string, ca: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', servername: 'localhost', port, path, ca, headers: { Host: `localhost:${port}`, ...headers }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('server.js and its session key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aegis-demo-key-'));
  const env = { PORT: '0', HTTP_PORT: '0', HOST: '127.0.0.1', AEGIS_ENV: 'development', AEGIS_DEV_CERT_DIR: join(dir, 'cert'), SESSION_DB: join(dir, 'db', 'sessions.db'), SESSION_KEY: '' };
  let demo: DemoProcess | undefined;
  afterAll(() => {
    stopDemo(demo);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the demo, then stops it with SIGTERM and waits for exit 0; returns its stderr. */
  async function run(extra: Record<string, string>): Promise<string> {
    demo = await startDemo({ ...env, ...extra });
    const exited = new Promise<number | null>((resolve) => demo?.child.once('exit', resolve));
    demo.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    return demo.output.stderr;
  }

  it('in development without SESSION_KEY: makes a key next to the SQLite file (owner-only), says so, and reuses it on restart', async () => {
    const keyFile = join(dir, 'db', 'demo-session.key');
    const first = await run({});
    expect(first).toContain(`[demo] SESSION_KEY is not set: made a new session key in ${keyFile} (development only; in production set SESSION_KEY, e.g. from \`npx aegis secret\`).\n`);
    expect(existsSync(join(dir, 'db', 'sessions.db'))).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = readFileSync(keyFile, 'utf8');
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    const second = await run({});
    expect(second).toContain(`[demo] SESSION_KEY is not set: using the session key kept in ${keyFile} (`);
    expect(readFileSync(keyFile, 'utf8')).toBe(key);
  });

  it('in production without SESSION_KEY: starts with sign-in turned off (503), says so on stderr, and makes up no secret', async () => {
    const cert = certificateFiles({}, mkdtempSync(join(dir, 'production-cert-')));
    demo = await startDemo({ ...env, AEGIS_ENV: 'production', NODE_ENV: 'production', AEGIS_HOSTS: 'localhost', TLS_CERT: cert.cert, TLS_KEY: cert.key, SESSION_DB: join(dir, 'production', 'sessions.db') });
    const login = await httpsGet(demo.port, '/login', cert.pem.cert);
    expect([login.status, login.headers['set-cookie']]).toEqual([503, undefined]);
    expect(demo.output.stderr).toContain('[demo] SESSION_KEY is not set: sign-in is turned off (its pages answer 503). Set it to 32 random bytes, base64url (`npx aegis secret`), to turn it on.\n');
    // The API's SQLite file is made there, but no key, secret or session database.
    expect(readdirSync(join(dir, 'production')).filter((name) => !name.startsWith('demo-api.db')).sort()).toEqual([]);
    expect(demo.output.stderr).toContain('[demo] INTERNAL_SECRET is not set: /ops/* is not served (503).\n');
    expect(demo.output.stderr).toContain('[demo] WEBHOOK_SIGNING_KEY is not set: the delivery webhook answers 503.\n');
    expect(demo.output.stderr).toContain('[demo] API_KEYS is not set: the API accepts no key (401).');
    const exited = new Promise<number | null>((resolve) => demo?.child.once('exit', resolve));
    demo.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('a weak SESSION_KEY is refused with Aegis\' message, and the demo exits 1', async () => {
    const child = spawnDemo({ ...env, SESSION_KEY: 'password123' });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(1);
    expect(err).toMatch(/^Invalid Aegis policy \(1 problem\):\n {2}- sessions\.secrets\[0\]: this key is too weak: /);
    expect(err).not.toContain('password123');
  });
});

describe('server.js with REDIS_URL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aegis-demo-redis-'));
  let demo: DemoProcess | undefined;
  let redis: ReturnType<typeof spawn> | undefined;
  afterAll(() => {
    stopDemo(demo);
    redis?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts while Redis is down (sign-in answers 503), keeps sessions in Redis once it is up, and exits 0', async () => {
    const command = redisServerCommand();
    const [redisPort] = await freePorts(1);
    const url = `redis://127.0.0.1:${redisPort}`;
    const sessionDb = join(dir, 'db', 'sessions.db');
    const certDir = join(dir, 'cert');
    // Nothing listens on the port yet: the demo waits 5 s for Redis, then starts anyway.
    demo = await startDemo({ PORT: '0', HTTP_PORT: '0', HOST: '127.0.0.1', AEGIS_ENV: 'development', AEGIS_DEV_CERT_DIR: certDir, SESSION_DB: sessionDb, SESSION_KEY: KEY, REDIS_URL: url });
    const ca = readFileSync(join(certDir, 'dev-cert.pem'));
    expect(demo.output.stderr).toContain(`[demo] Redis: connect ECONNREFUSED 127.0.0.1:${redisPort}\n`);
    expect(demo.output.stderr).toContain('[demo] Redis is not reachable yet: pages that need the session answer 503 until it is.\n');
    // Printed once for the whole outage, not once per reconnection attempt.
    expect(demo.output.stderr.split('ECONNREFUSED')).toHaveLength(2);

    const down = await httpsGet(demo.port, '/login', ca);
    expect([down.status, down.headers['retry-after'], down.body]).toEqual([503, '5', 'Service Unavailable: session store unavailable\n']);
    const failed = demo.output.stdout.split('\n').filter((line) => line.includes('"session.store_failed"'));
    expect(failed.map((line) => JSON.parse(line) as AegisEvent).map((e) => [e.level, e.method, e.path, e.status, e.reason])).toEqual([['error', 'GET', '/login', 503, 'store.unavailable']]);
    // The REDIS_URL never reaches the logs.
    expect(demo.output.stdout).not.toContain(url);

    // Redis comes up: the client reconnects by itself, and sign-in works without a restart.
    redis = spawn(command, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    const inspect = createClient({ url });
    inspect.on('error', () => {});
    await inspect.connect();
    let up: Reply | undefined;
    for (let deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
      up = await httpsGet(demo.port, '/login', ca);
      if (up.status === 200) break;
    }
    expect(up?.status).toBe(200);
    expect(up?.headers['set-cookie']).toEqual([expect.stringMatching(SET_COOKIE)]);
    expect(await inspect.keys('aegis:sess:*')).toHaveLength(1);
    expect(demo.output.stderr).toContain('[demo] Redis: connected\n');
    // Not SQLite: no database file was made.
    expect(existsSync(sessionDb)).toBe(false);
    await inspect.close();

    const exited = new Promise<number | null>((resolve) => demo?.child.once('exit', resolve));
    demo.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
