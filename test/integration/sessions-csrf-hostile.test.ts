/**
 * Sessions and CSRF through the real adapters (Express and plain node:http), attacked: forged and
 * tampered cookies, a fixed attacker id, a token from another session, `Origin: null`,
 * method-override and content-type tricks. Each is rejected with the documented status, body and
 * event. The stores are real (memory and a SQLite file); the store failure is a real closed SQLite
 * database.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aegis, type AegisEvent, type AegisOptions } from 'aegis';
import { aegisMiddleware } from 'aegis/express';
import { getAegisContext, withAegis } from 'aegis/node';
import { memorySessionStore, sqliteSessionStore, type SessionStore } from 'aegis/stores';
import { sendRaw } from '../helpers/raw-http.js';

const KEY = randomBytes(32).toString('base64url');
const COOKIE = /^sid=([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43}); HttpOnly; SameSite=Lax; Path=\/$/;
const CLEAR = 'sid=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0';
const FORM = 'application/x-www-form-urlencoded';
const rejected = (reason: string): string => `Forbidden: CSRF check failed (${reason})\n`;

interface Reply {
  status: number;
  body: string;
  setCookie: string | undefined;
  headers: Headers;
}

let base = '';
let server: Server;
let events: AegisEvent[] = [];
let store: SessionStore;
const dir = mkdtempSync(join(tmpdir(), 'aegis-hostile-'));

async function request(path: string, init: { method?: string; cookie?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.cookie) headers.cookie = init.cookie;
  const response = await fetch(base + path, { method: init.method ?? 'GET', headers, body: init.body, redirect: 'manual' });
  return { status: response.status, body: await response.text(), setCookie: response.headers.get('set-cookie') ?? undefined, headers: response.headers };
}

/** The `Cookie` header a browser would send back. */
function cookieFrom(setCookie: string | undefined): string {
  expect(setCookie).toMatch(COOKIE);
  return (setCookie as string).split(';')[0] as string;
}

/** A visitor: GET /form gives an anonymous session with a token. */
async function visit(): Promise<{ cookie: string; token: string }> {
  const page = await request('/form');
  expect(page.status).toBe(200);
  const token = /name="_csrf" value="([A-Za-z0-9_-]{43})"/.exec(page.body)?.[1];
  expect(token).toBeDefined();
  return { cookie: cookieFrom(page.setCookie), token: token as string };
}

/** Signs in through the form; returns the rotated cookie and the new session's token. */
async function signIn(user = 'alice'): Promise<{ cookie: string; token: string }> {
  const visitor = await visit();
  const login = await request('/login', { method: 'POST', cookie: visitor.cookie, headers: { 'content-type': FORM, origin: base }, body: `_csrf=${visitor.token}&user=${user}` });
  expect(login.status).toBe(200);
  const cookie = cookieFrom(login.setCookie);
  const token = JSON.parse((await request('/_aegis/csrf-token', { cookie })).body).token as string;
  return { cookie, token };
}

const who = async (cookie: string): Promise<string> => (await request('/me', { cookie })).body;
const types = (): string[] => events.map((e) => `${e.type}:${e.reason}`);

function expressApp(options: AegisOptions): express.Express {
  const app = express();
  app.use(aegisMiddleware(aegis(options)));
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json());
  app.get('/form', async (_req, res) => {
    res.send(`<form method="post">${await res.locals.aegis.csrfField()}</form>`);
  });
  app.post('/login', async (req, res) => {
    await res.locals.session.signIn(String(req.body.user));
    res.send('signed in');
  });
  app.get('/me', async (_req, res) => {
    res.send((await res.locals.session.userId()) ?? 'anonymous');
  });
  app.post('/note', async (req, res) => {
    res.locals.session.set('note', String(req.body?.note ?? 'none'));
    res.send('saved');
  });
  app.get('/note', async (_req, res) => {
    res.send(String((await res.locals.session.get('note')) ?? 'none'));
  });
  app.post('/logout', async (_req, res) => {
    await res.locals.session.destroy();
    res.send('bye');
  });
  app.post('/sign-out-everywhere', async (_req, res) => {
    const user = (await res.locals.session.userId()) as string;
    res.send(String(await res.locals.session.revokeUser(user)));
  });
  app.post('/hooks/payment', (_req, res) => {
    res.send('hook ok');
  });
  app.get('/stream', (_req, res) => {
    res.locals.session.set('streamed', 'yes');
    res.write('first ');
    res.end('last');
  });
  return app;
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<void> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://localhost:${(server.address() as AddressInfo).port}`;
}

function policyOptions(sessionStore: SessionStore, extra: AegisOptions = {}): AegisOptions {
  return {
    env: 'development',
    quiet: true,
    sessions: { store: sessionStore, secrets: [KEY] },
    csrf: { exemptions: [{ path: '/hooks/payment', methods: ['POST'], reason: 'payment provider webhook, no cookies', protectedBy: 'HMAC signature header' }] },
    onEvent: (event) => events.push(event),
    ...extra,
  };
}

for (const backend of ['memory', 'sqlite'] as const) {
  describe(`sessions and CSRF through Express (${backend} store)`, () => {
    beforeAll(async () => {
      store = backend === 'memory' ? memorySessionStore() : sqliteSessionStore({ file: join(dir, `hostile-${backend}.db`) });
      await listen(expressApp(policyOptions(store)));
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
      await store.close();
    });
    beforeEach(() => {
      events = [];
    });

    it('an anonymous read stores nothing and sends no cookie', async () => {
      const reply = await request('/me');
      expect([reply.status, reply.body, reply.setCookie]).toEqual([200, 'anonymous', undefined]);
      expect(events).toEqual([]);
    });

    it('signing in through the form rotates the id: the pre-login cookie is dead at once', async () => {
      const visitor = await visit();
      const login = await request('/login', { method: 'POST', cookie: visitor.cookie, headers: { 'content-type': FORM, origin: base }, body: `_csrf=${visitor.token}&user=alice` });
      expect([login.status, login.body]).toEqual([200, 'signed in']);
      const cookie = cookieFrom(login.setCookie);
      expect(cookie).not.toBe(visitor.cookie);
      expect(await who(cookie)).toBe('alice');
      const old = await request('/me', { cookie: visitor.cookie });
      expect([old.body, old.setCookie]).toEqual(['anonymous', CLEAR]);
      expect(types()).toEqual(['session.invalid:unknown']);
    });

    it('a tampered signature starts an anonymous session, clears the cookie and says so', async () => {
      const { cookie } = await signIn();
      events = [];
      const [name, value] = cookie.split('=') as [string, string];
      const [id, tag] = value.split('.') as [string, string];
      const flipped = `${name}=${id}.${tag.startsWith('A') ? 'B' : 'A'}${tag.slice(1)}`;
      const reply = await request('/me', { cookie: flipped });
      expect([reply.status, reply.body, reply.setCookie]).toEqual([200, 'anonymous', CLEAR]);
      expect(types()).toEqual(['session.invalid:tampered']);
      expect(JSON.stringify(events)).not.toContain(id);
    });

    it('a forged cookie (an id the attacker chose, with no valid signature) is refused the same way', async () => {
      for (const forged of ['sid=attacker-chosen-session-id', `sid=${'a'.repeat(43)}.${'b'.repeat(43)}`, 'sid=', 'sid=..']) {
        events = [];
        const reply = await request('/me', { cookie: forged });
        expect([reply.body, reply.setCookie], forged).toEqual(['anonymous', CLEAR]);
        expect(types(), forged).toEqual(['session.invalid:tampered']);
      }
    });

    it('fixation: a valid cookie the attacker planted is replaced at sign-in and never becomes signed in', async () => {
      const attacker = await visit(); // a real, signed, anonymous session of the attacker's
      // The victim's browser carries the attacker's cookie and signs in with it.
      const login = await request('/login', { method: 'POST', cookie: attacker.cookie, headers: { 'content-type': FORM, origin: base }, body: `_csrf=${attacker.token}&user=victim` });
      const victim = cookieFrom(login.setCookie);
      expect(victim).not.toBe(attacker.cookie);
      expect(await who(victim)).toBe('victim');
      expect(await who(attacker.cookie)).toBe('anonymous');
    });

    it('a token from another session is refused with bad-token', async () => {
      const alice = await signIn('alice');
      const mallory = await signIn('mallory');
      events = [];
      const reply = await request('/note', { method: 'POST', cookie: alice.cookie, headers: { 'x-csrf-token': mallory.token, 'sec-fetch-site': 'same-origin' }, body: '' });
      expect([reply.status, reply.body]).toEqual([403, rejected('bad-token')]);
      expect(events.map((e) => [e.type, e.reason, e.status, e.method, e.path])).toEqual([['csrf.rejected', 'bad-token', 403, 'POST', '/note']]);
      expect(JSON.stringify(events)).not.toContain(mallory.token);
      // The right token works.
      const ok = await request('/note', { method: 'POST', cookie: alice.cookie, headers: { 'x-csrf-token': alice.token, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' }, body: '{"note":"hi"}' });
      expect([ok.status, ok.body]).toEqual([200, 'saved']);
      expect((await request('/note', { cookie: alice.cookie })).body).toBe('hi');
    });

    it('Origin: null is refused (bad-origin), with or without a valid token', async () => {
      const alice = await signIn();
      events = [];
      const attempts: Record<string, string>[] = [{ origin: 'null' }, { origin: 'null', 'x-csrf-token': alice.token }];
      for (const headers of attempts) {
        const reply = await request('/note', { method: 'POST', cookie: alice.cookie, headers, body: '' });
        expect([reply.status, reply.body]).toEqual([403, rejected('bad-origin')]);
      }
      expect(types()).toEqual(['csrf.rejected:bad-origin', 'csrf.rejected:bad-origin']);
    });

    it('cross-site and same-site Fetch Metadata are refused before the store or the body is read', async () => {
      const alice = await signIn();
      events = [];
      const cross = await request('/note', { method: 'POST', cookie: alice.cookie, headers: { 'sec-fetch-site': 'cross-site', 'x-csrf-token': alice.token }, body: '' });
      const same = await request('/note', { method: 'POST', cookie: alice.cookie, headers: { 'sec-fetch-site': 'same-site', 'x-csrf-token': alice.token }, body: '' });
      expect([cross.status, cross.body, same.status, same.body]).toEqual([403, rejected('cross-site'), 403, rejected('same-site')]);
      expect(types()).toEqual(['csrf.rejected:cross-site', 'csrf.rejected:same-site']);
    });

    it('method-override tricks: the request line decides, never a header or a _method field', async () => {
      const alice = await signIn();
      events = [];
      for (const header of ['x-http-method-override', 'x-http-method', 'x-method-override']) {
        const reply = await request('/note', { method: 'POST', cookie: alice.cookie, headers: { [header]: 'GET', 'sec-fetch-site': 'cross-site' }, body: '' });
        expect([reply.status, reply.body], header).toEqual([403, rejected('cross-site')]);
      }
      const field = await request('/note', { method: 'POST', cookie: alice.cookie, headers: { 'content-type': FORM, origin: base }, body: '_method=GET&note=x' });
      expect([field.status, field.body]).toEqual([403, rejected('missing-token')]);
      expect((await request('/note', { cookie: alice.cookie })).body).toBe('none');
    });

    it('content-type tricks: a token in a text/plain or JSON body does not count (only the header or an urlencoded form)', async () => {
      const alice = await signIn();
      events = [];
      const plain = await request('/note', { method: 'POST', cookie: alice.cookie, headers: { 'content-type': 'text/plain', origin: base }, body: `_csrf=${alice.token}&note=x` });
      const json = await request('/note', { method: 'POST', cookie: alice.cookie, headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ _csrf: alice.token, note: 'x' }) });
      const multipart = await request('/note', {
        method: 'POST',
        cookie: alice.cookie,
        headers: { 'content-type': 'multipart/form-data; boundary=b', origin: base },
        body: `--b\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${alice.token}\r\n--b--\r\n`,
      });
      expect([plain.status, plain.body, json.status, json.body, multipart.status, multipart.body]).toEqual([403, rejected('missing-token'), 403, rejected('missing-token'), 403, rejected('missing-token')]);
      // A form field repeated (an array) is not a token either.
      const twice = await request('/note', { method: 'POST', cookie: alice.cookie, headers: { 'content-type': FORM, origin: base }, body: `_csrf=${alice.token}&_csrf=${alice.token}` });
      expect([twice.status, twice.body]).toEqual([403, rejected('missing-token')]);
      expect((await request('/note', { cookie: alice.cookie })).body).toBe('none');
      expect(types()).toEqual(Array(4).fill('csrf.rejected:missing-token'));
    });

    it('the urlencoded form is read by Aegis and handed on to express.urlencoded() as req.body', async () => {
      const alice = await signIn();
      const reply = await request('/note', { method: 'POST', cookie: alice.cookie, headers: { 'content-type': FORM, origin: base }, body: `_csrf=${alice.token}&note=caf%C3%A9` });
      expect([reply.status, reply.body]).toEqual([200, 'saved']);
      expect((await request('/note', { cookie: alice.cookie })).body).toBe('café');
    });

    it('a request with neither Fetch Metadata nor Origin (a non-browser client) still needs the token', async () => {
      const alice = await signIn();
      const without = await request('/note', { method: 'POST', cookie: alice.cookie, body: '' });
      const withToken = await request('/note', { method: 'POST', cookie: alice.cookie, headers: { 'x-csrf-token': alice.token }, body: '' });
      expect([without.status, without.body, withToken.status]).toEqual([403, rejected('missing-token'), 200]);
    });

    it('an exemption with its reason lets a webhook through; safe methods are never checked', async () => {
      const hook = await request('/hooks/payment', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' }, body: '{}' });
      const other = await request('/hooks/payment/x', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' }, body: '{}' });
      const get = await request('/me', { headers: { 'sec-fetch-site': 'cross-site' } });
      expect([hook.status, hook.body, other.status, get.status]).toEqual([200, 'hook ok', 403, 200]);
    });

    it('logout destroys the server state and clears the cookie in the same response', async () => {
      const alice = await signIn();
      const bye = await request('/logout', { method: 'POST', cookie: alice.cookie, headers: { 'x-csrf-token': alice.token, 'sec-fetch-site': 'same-origin' } });
      expect([bye.status, bye.body, bye.setCookie]).toEqual([200, 'bye', CLEAR]);
      events = [];
      expect(await who(alice.cookie)).toBe('anonymous');
      expect(types()).toEqual(['session.invalid:unknown']);
    });

    it('sign out everywhere from a request: every session of the user ends, and the event names the request', async () => {
      const first = await signIn('carol');
      const second = await signIn('carol');
      events = [];
      const reply = await request('/sign-out-everywhere', { method: 'POST', cookie: second.cookie, headers: { 'x-csrf-token': second.token, 'sec-fetch-site': 'same-origin' } });
      expect([reply.status, reply.body, reply.setCookie]).toEqual([200, '2', CLEAR]);
      expect(events.map((e) => [e.type, e.reason, e.method, e.path, e.detail])).toEqual([['session.revoked', 'user_revoked', 'POST', '/sign-out-everywhere', { sessions: 2 }]]);
      expect(events[0]?.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect([await who(first.cookie), await who(second.cookie)]).toEqual(['anonymous', 'anonymous']);
    });

    it('the SPA token endpoint answers JSON, never cached, and the token is the one the form uses', async () => {
      const visitor = await visit();
      const reply = await request('/_aegis/csrf-token', { cookie: visitor.cookie });
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toEqual({ token: visitor.token, headerName: 'x-csrf-token' });
      expect([reply.headers.get('content-type'), reply.headers.get('cache-control'), reply.setCookie]).toEqual(['application/json; charset=utf-8', 'no-store', undefined]);
    });

    it('a streamed response announces the new session cookie with its headers', async () => {
      const reply = await request('/stream');
      expect(reply.body).toBe('first last');
      const cookie = cookieFrom(reply.setCookie);
      expect(reply.setCookie?.split(', sid=')).toHaveLength(1); // one cookie, not two
      const visitor = await request('/_aegis/csrf-token', { cookie });
      expect(visitor.setCookie).toBeUndefined();
    });

    it('events never carry a cookie, a session id or a token', async () => {
      const alice = await signIn();
      await request('/note', { method: 'POST', cookie: alice.cookie, headers: { 'x-csrf-token': 'x'.repeat(43) } });
      await request('/me', { cookie: `${alice.cookie}x` });
      const text = JSON.stringify(events);
      expect(text).not.toContain(alice.cookie.slice(4, 47));
      expect(text).not.toContain(alice.token);
      expect(text).not.toContain('x'.repeat(43));
    });
  });
}

describe('sessions and CSRF through plain node:http (withAegis)', () => {
  beforeAll(async () => {
    store = memorySessionStore();
    const policy = aegis(policyOptions(store));
    await listen(
      withAegis(policy, (req, res) => {
        const context = getAegisContext(req);
        void (async () => {
          if (req.url === '/form') return res.end(await context?.csrfField());
          if (req.url === '/login') {
            await context?.session?.signIn(String((req as { body?: Record<string, string> }).body?.user));
            return res.end('signed in');
          }
          if (req.url === '/_aegis/csrf-token') return res.end('not reached');
          return res.end((await context?.session?.userId()) ?? 'anonymous');
        })();
      }),
    );
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    events = [];
  });

  it('the same protections hold without a framework: form sign-in, rotation, cross-site refusal', async () => {
    const { cookie, token } = await signIn('bob');
    expect(await who(cookie)).toBe('bob');
    const cross = await request('/login', { method: 'POST', cookie, headers: { 'sec-fetch-site': 'cross-site', 'x-csrf-token': token } });
    expect([cross.status, cross.body]).toEqual([403, rejected('cross-site')]);
  });
});

describe('a session store that fails', () => {
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers 503 with a short body and a session.store_failed event; nothing crashes; other routes still work', async () => {
    const failing = sqliteSessionStore({ file: join(dir, 'failing.db') });
    await listen(expressApp(policyOptions(failing)));
    events = [];
    const alice = await signIn();
    await failing.close(); // the database is gone: every call now throws
    const me = await request('/me', { cookie: alice.cookie });
    expect([me.status, me.body, me.headers.get('retry-after')]).toEqual([503, 'Service Unavailable: session store unavailable\n', '5']);
    const post = await request('/note', { method: 'POST', cookie: alice.cookie, headers: { 'x-csrf-token': alice.token } });
    expect([post.status, post.body]).toEqual([503, 'Service Unavailable: session store unavailable\n']);
    const failures = events.filter((e) => e.type === 'session.store_failed');
    expect(failures.map((e) => [e.level, e.reason, e.status, e.path])).toEqual([
      ['error', 'store.unavailable', 503, '/me'],
      ['error', 'store.unavailable', 503, '/note'],
    ]);
    expect(JSON.stringify(failures)).not.toContain(alice.cookie.slice(4));
    // A request that needs no session is unaffected.
    expect((await request('/hooks/payment', { method: 'POST', body: '' })).status).toBe(200);
  });
});

describe('a form read for its token', () => {
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('is read within the body limit: a larger one gets 413 before any handler runs', async () => {
    await listen(expressApp(policyOptions(memorySessionStore(), { limits: { body: '1kb' } })));
    const alice = await signIn();
    events = [];
    // Chunked, so that no Content-Length lets the pipeline refuse it up front: the limit is met
    // while Aegis reads the form for its token.
    const body = `note=${'x'.repeat(4096)}&_csrf=${alice.token}`;
    const port = Number(new URL(base).port);
    const head = `POST /note HTTP/1.1\r\nHost: localhost:${port}\r\nCookie: ${alice.cookie}\r\nOrigin: ${base}\r\nContent-Type: ${FORM}\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const big = await sendRaw(port, `${head}${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    expect([big.status, big.body, big.headers.connection]).toEqual([413, 'Payload Too Large\n', 'close']);
    expect(types()).toEqual(['body.too_large:body.too_large']);
    expect((await request('/note', { cookie: alice.cookie })).body).toBe('none');
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
