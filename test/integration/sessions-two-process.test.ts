/**
 * Two instances of one Express app share a session store, as two processes behind a load
 * balancer would: a real SQLite file, and a real redis-server. A sign-in made through one is seen
 * by the other; "sign out everywhere" made through one is enforced by the other on its very next
 * request. SQLite keeps sessions and revocations across a restart of both processes. Redis stopped
 * mid-run gives 503 with an event, never a crash or a hang; once it is back the same processes
 * serve again, without a restart.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildApp, type ChildApp } from '../helpers/child-app.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';

const CHILD = fileURLToPath(new URL('../fixtures/session-app-child.mjs', import.meta.url));
const KEY = randomBytes(32).toString('base64url');
const dir = mkdtempSync(join(tmpdir(), 'aegis-two-process-'));
const running = new Set<Instance>();

interface Instance {
  readonly app: ChildApp;
  readonly base: string;
  readonly events: () => Array<{ type: string; reason: string; status?: number }>;
}

async function start(kind: 'sqlite' | 'redis', where: string): Promise<Instance> {
  const app = await startChildApp(CHILD, [kind, where], { SESSION_KEY: KEY });
  const instance: Instance = {
    app,
    base: `http://localhost:${app.port}`,
    events: () => app.stderr().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { type: string; reason: string; status?: number }),
  };
  running.add(instance);
  return instance;
}

async function stop(instance: Instance): Promise<void> {
  running.delete(instance);
  await instance.app.stop();
}

async function call(instance: Instance, path: string, init: { method?: string; cookie?: string; token?: string; body?: unknown } = {}): Promise<{ status: number; body: string; setCookie: string | null }> {
  const headers: Record<string, string> = { 'sec-fetch-site': 'same-origin' };
  if (init.cookie) headers.cookie = init.cookie;
  if (init.token) headers['x-csrf-token'] = init.token;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(instance.base + path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  return { status: response.status, body: await response.text(), setCookie: response.headers.get('set-cookie') };
}

/** Signs `user` in through `instance`: token endpoint, then POST /login. Returns the session cookie and its new token. */
async function signIn(instance: Instance, user: string): Promise<{ cookie: string; token: string }> {
  const first = await call(instance, '/_aegis/csrf-token');
  const anonymous = (first.setCookie as string).split(';')[0] as string;
  const login = await call(instance, '/login', { method: 'POST', cookie: anonymous, token: (JSON.parse(first.body) as { token: string }).token, body: { user } });
  expect([login.status, login.body]).toEqual([200, 'signed in']);
  const cookie = (login.setCookie as string).split(';')[0] as string;
  const token = (JSON.parse((await call(instance, '/_aegis/csrf-token', { cookie })).body) as { token: string }).token;
  return { cookie, token };
}

const me = async (instance: Instance, cookie: string): Promise<string> => (await call(instance, '/me', { cookie })).body;

afterAll(async () => {
  await Promise.all([...running].map(stop));
  rmSync(dir, { recursive: true, force: true });
});

describe('two processes on one SQLite file', () => {
  it('a revocation made by one is enforced by the other on its next request, and both survive a restart', async () => {
    const file = join(dir, 'sessions.db');
    let a = await start('sqlite', file);
    let b = await start('sqlite', file);
    const onA = await signIn(a, 'alice');
    const onB = await signIn(b, 'alice');
    const bob = await signIn(b, 'bob');
    expect([await me(b, onA.cookie), await me(a, onB.cookie), await me(a, bob.cookie)]).toEqual(['alice', 'alice', 'bob']);

    // Restart both: sessions are on disk.
    await Promise.all([stop(a), stop(b)]);
    [a, b] = await Promise.all([start('sqlite', file), start('sqlite', file)]);
    expect([await me(a, onA.cookie), await me(b, onB.cookie)]).toEqual(['alice', 'alice']);

    // Sign out everywhere, through A: B refuses alice's session on its very next request.
    const revoked = await call(a, '/revoke-all', { method: 'POST', cookie: onA.cookie, token: onA.token });
    expect([revoked.status, revoked.body]).toEqual([200, '2']);
    expect([await me(b, onB.cookie), await me(b, onA.cookie), await me(b, bob.cookie)]).toEqual(['anonymous', 'anonymous', 'bob']);
    expect(b.events().map((e) => `${e.type}:${e.reason}`)).toEqual(['session.invalid:unknown', 'session.invalid:unknown']);

    // The revocation survives a restart too.
    await Promise.all([stop(a), stop(b)]);
    a = await start('sqlite', file);
    expect([await me(a, onB.cookie), await me(a, bob.cookie)]).toEqual(['anonymous', 'bob']);
  });
});

describe('two processes on one redis-server', () => {
  let redis: RedisServer | undefined;
  afterAll(async () => {
    await redis?.stop();
  });

  it('a revocation made by one is enforced by the other; Redis down gives 503 and an event, Redis back serves again', async () => {
    redis = await startRedisServer();
    const a = await start('redis', redis.url);
    const b = await start('redis', redis.url);
    const onA = await signIn(a, 'alice');
    const onB = await signIn(b, 'alice');
    expect([await me(b, onA.cookie), await me(a, onB.cookie)]).toEqual(['alice', 'alice']);
    const revoked = await call(b, '/revoke-all', { method: 'POST', cookie: onB.cookie, token: onB.token });
    expect(revoked.body).toBe('2');
    expect([await me(a, onA.cookie), await me(a, onB.cookie)]).toEqual(['anonymous', 'anonymous']);

    const carol = await signIn(a, 'carol');
    const port = redis.port;
    await redis.stop();
    const down = await call(b, '/me', { cookie: carol.cookie });
    expect([down.status, down.body]).toEqual([503, 'Service Unavailable: session store unavailable\n']);
    expect(b.events().filter((e) => e.type === 'session.store_failed').map((e) => [e.reason, e.status])).toEqual([['store.unavailable', 503]]);
    expect(b.app.child.exitCode).toBeNull();

    // Back (empty: this test server keeps nothing on disk), on the same port: the same processes serve again.
    redis = await startRedisServer({ port });
    let back = await call(b, '/me', { cookie: carol.cookie });
    for (let tries = 0; back.status === 503 && tries < 40; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      back = await call(b, '/me', { cookie: carol.cookie });
    }
    expect([back.status, back.body]).toEqual([200, 'anonymous']);
    const dave = await signIn(b, 'dave');
    expect(await me(a, dave.cookie)).toBe('dave');
  });
});
