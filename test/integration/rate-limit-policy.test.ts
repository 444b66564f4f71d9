/**
 * Rate limits in the policy, through a real server: exact RateLimit fields on allowed responses,
 * 429 with Retry-After and an event past the limit, per-route rules and exemptions, counters that
 * an untrusted X-Forwarded-For cannot split (a trusted proxy's can), and both store-failure modes
 * on a real SQLite store that has been closed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aegis, type AegisEvent, type AegisOptions } from 'aegis';
import { getAegisContext, withAegis } from 'aegis/node';
import { memoryRateLimitStore, memorySessionStore, sqliteRateLimitStore } from 'aegis/stores';
import { configProblems } from '../helpers/config-problems.js';

const dir = mkdtempSync(join(tmpdir(), 'aegis-rate-limit-'));
let server: Server | undefined;
let base = '';
let events: AegisEvent[] = [];

async function start(options: AegisOptions): Promise<void> {
  const policy = aegis({ env: 'development', quiet: true, onEvent: (e) => events.push(e), ...options });
  server = createServer(withAegis(policy, (_req, res) => res.end('ok')));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  base = `http://localhost:${(server.address() as AddressInfo).port}`;
}

async function send(path: string, method = 'POST', headers: Record<string, string> = {}): Promise<[number, string, string | null, string | null, string | null]> {
  const response = await fetch(base + path, { method, headers });
  return [response.status, await response.text(), response.headers.get('ratelimit-policy'), response.headers.get('ratelimit'), response.headers.get('retry-after')];
}

beforeEach(() => {
  events = [];
});
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rateLimit in the policy', () => {
  it("'3/min' per IP on one route: three pass with exact RateLimit fields, the fourth gets 429, Retry-After and an event", async () => {
    await start({ rateLimit: { store: memoryRateLimitStore(), routes: { 'POST /api/sms': { limit: '3/min' } } } });
    const policy = '"per-ip";q=3;w=60';
    expect(await send('/api/sms')).toEqual([200, 'ok', policy, '"per-ip";r=2;t=20', null]);
    expect(await send('/api/sms')).toEqual([200, 'ok', policy, '"per-ip";r=1;t=40', null]);
    expect(await send('/api/sms')).toEqual([200, 'ok', policy, '"per-ip";r=0;t=60', null]);
    expect(await send('/api/sms')).toEqual([429, 'Too Many Requests\n', policy, '"per-ip";r=0;t=60', '20']);
    expect(events.map((e) => [e.type, e.reason, e.status, e.method, e.path, e.ip])).toEqual([['ratelimit.exceeded', 'per-ip', 429, 'POST', '/api/sms', '127.0.0.1']]);
    // Other routes and methods are not limited, and carry no fields.
    expect(await send('/api/sms', 'GET')).toEqual([200, 'ok', null, null, null]);
    expect(await send('/other')).toEqual([200, 'ok', null, null, null]);
  });

  it('every rule of a route is enforced; a default covers other routes; false exempts one', async () => {
    await start({
      rateLimit: {
        store: memoryRateLimitStore(),
        default: { limit: '2/min', name: 'site' },
        routes: { '/health': false, 'POST /bulk': [{ limit: '10/min' }, { limit: '1/min', name: 'bulk-burst', burst: 1 }] },
      },
    });
    expect(await send('/bulk')).toEqual([200, 'ok', '"per-ip";q=10;w=60, "bulk-burst";q=1;w=60', '"per-ip";r=9;t=6, "bulk-burst";r=0;t=60', null]);
    const denied = await send('/bulk');
    expect(denied.slice(0, 2)).toEqual([429, 'Too Many Requests\n']);
    expect(events.map((e) => e.reason)).toEqual(['bulk-burst']);
    expect((await send('/x', 'GET')).slice(0, 3)).toEqual([200, 'ok', '"site";q=2;w=60']);
    expect((await send('/y', 'GET')).slice(0, 3)).toEqual([200, 'ok', '"site";q=2;w=60']);
    expect((await send('/z', 'GET'))[0]).toBe(429);
    for (let i = 0; i < 5; i++) expect(await send('/health', 'GET')).toEqual([200, 'ok', null, null, null]);
  });

  it('an X-Forwarded-For from an untrusted peer cannot split the per-IP counter; a trusted proxy\'s can', async () => {
    await start({ rateLimit: { store: memoryRateLimitStore(), default: { limit: '2/min' } } });
    const spoofed = [];
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) spoofed.push((await send('/', 'GET', { 'x-forwarded-for': ip }))[0]);
    expect(spoofed).toEqual([200, 200, 429]);
    await new Promise((resolve) => server?.close(resolve));

    await start({ proxy: { trust: ['loopback'] }, rateLimit: { store: memoryRateLimitStore(), default: { limit: '2/min' } } });
    const forwarded = [];
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.1', '198.51.100.1']) forwarded.push((await send('/', 'GET', { 'x-forwarded-for': ip }))[0]);
    expect(forwarded).toEqual([200, 200, 200, 200, 429]);
    expect(events.at(-1)?.ip).toBe('198.51.100.1');
  });

  it('IPv6 clients share a counter per /56', async () => {
    await start({ proxy: { trust: ['loopback'] }, rateLimit: { store: memoryRateLimitStore(), default: { limit: '2/min' } } });
    const statuses = [];
    for (const ip of ['2001:db8:0:ab01::1', '2001:db8:0:ab02::2', '2001:db8:0:abff::3', '2001:db8:0:ac00::1']) statuses.push((await send('/', 'GET', { 'x-forwarded-for': ip }))[0]);
    expect(statuses).toEqual([200, 200, 429, 200]);
  });

  it("a failing store: 'open' lets requests through, 'closed' answers 503; both emit ratelimit.store_failed", async () => {
    const open = sqliteRateLimitStore({ file: join(dir, 'open.db') });
    const closed = sqliteRateLimitStore({ file: join(dir, 'closed.db') });
    await start({ rateLimit: { store: open, routes: { '/open': { limit: '1/min' } } } });
    await open.close();
    expect(await send('/open', 'GET')).toEqual([200, 'ok', null, null, null]);
    await new Promise((resolve) => server?.close(resolve));
    await start({ rateLimit: { store: closed, routes: { '/closed': { limit: '1/min', onStoreFailure: 'closed' } } } });
    await closed.close();
    expect(await send('/closed', 'GET')).toEqual([503, 'Service Unavailable: rate limit store unavailable\n', null, null, '5']);
    expect(events.map((e) => [e.type, e.level, e.reason, e.path, (e.detail as { policies: string[] }).policies])).toEqual([
      ['ratelimit.store_failed', 'error', 'store.unavailable', '/open', ['per-ip']],
      ['ratelimit.store_failed', 'error', 'store.unavailable', '/closed', ['per-ip']],
    ]);
  });

  it("by: 'user' counts each signed-in user across addresses, and does not count anonymous requests", async () => {
    const policy = aegis({
      env: 'development',
      quiet: true,
      csrf: false, // this test signs in with a bare POST; CSRF has its own tests
      onEvent: (e) => events.push(e),
      sessions: { store: memorySessionStore(), secrets: [randomBytes(32).toString('base64url')] },
      rateLimit: { store: memoryRateLimitStore(), routes: { '/api/*': { limit: '2/min', by: 'user' } } },
    });
    server = createServer(
      withAegis(policy, (req, res) => {
        const session = getAegisContext(req)?.session;
        if (req.url === '/login') void session?.signIn('alice').then(() => res.end('in'));
        else res.end('ok');
      }),
    );
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    base = `http://localhost:${(server.address() as AddressInfo).port}`;
    const login = await fetch(`${base}/login`, { method: 'POST' });
    const cookie = (login.headers.get('set-cookie') as string).split(';')[0] as string;
    const anonymous = [];
    for (let i = 0; i < 3; i++) anonymous.push(await send('/api/x', 'GET'));
    expect(anonymous.map((r) => [r[0], r[2]])).toEqual([[200, null], [200, null], [200, null]]);
    const signedIn = [];
    for (let i = 0; i < 3; i++) signedIn.push(await send('/api/x', 'GET', { cookie }));
    expect(signedIn.map((r) => [r[0], r[3]])).toEqual([[200, '"per-user";r=1;t=30'], [200, '"per-user";r=0;t=60'], [429, '"per-user";r=0;t=60']]);
  });

  it('a key function counts what it returns (a tenant here); undefined leaves the request uncounted by that rule', async () => {
    const tenantOf = (context: { path: string }): string | undefined => /^\/t\/([^/]+)/.exec(context.path)?.[1];
    await start({ rateLimit: { store: memoryRateLimitStore(), default: { limit: '2/min', by: tenantOf, name: 'per-tenant' } } });
    const statuses = [];
    for (const path of ['/t/acme/a', '/t/acme/b', '/t/acme/c', '/t/globex/a', '/public', '/public', '/public']) statuses.push((await send(path, 'GET'))[0]);
    expect(statuses).toEqual([200, 200, 429, 200, 200, 200, 200]);
    expect(events.map((e) => [e.type, e.reason, e.path])).toEqual([['ratelimit.exceeded', 'per-tenant', '/t/acme/c']]);
    // Long values are counted by their digest: two different long values have separate counters.
    await new Promise((resolve) => server?.close(resolve));
    await start({ rateLimit: { store: memoryRateLimitStore(), default: { limit: '1/min', by: (c) => c.path.repeat(40), name: 'per-path' } } });
    expect([(await send('/x', 'GET'))[0], (await send('/y', 'GET'))[0], (await send('/x', 'GET'))[0]]).toEqual([200, 200, 429]);
  });

  it('a key function without a name is refused: its name is what RateLimit-Policy and events show', () => {
    expect(configProblems(() => aegis({ env: 'development', quiet: true, rateLimit: { store: memoryRateLimitStore(), default: { limit: '1/s', by: () => 'x' } } }))).toEqual([
      ['rateLimit.default.name', 'a rule with a key function needs a name (it is shown in RateLimit-Policy and in events).'],
    ]);
  });

  it('names every configuration problem', () => {
    expect(configProblems(() => aegis({ env: 'development', quiet: true, rateLimit: { store: {} as never, ipv6Prefix: 12, routes: { 'POST api': { limit: '1/min' }, '/a': [], '/b': [{ limit: '1/s' }, { limit: '2/s' }], '/c': { limit: '1/s', by: 'apiKey', burst: 0 } } } }))).toEqual([
      ['rateLimit.store', 'expected a RateLimitStore, got an object.'],
      ['rateLimit.ipv6Prefix', '12 is not a prefix length from 32 to 128.'],
      ['rateLimit.routes["POST api"]', 'is not a route.'],
      ['rateLimit.routes["/a"]', 'an empty list limits nothing.'],
      ['rateLimit.routes["/b"]', 'two rules share a name, so their counters and headers would mix.'],
      ['rateLimit.routes["/c"].burst', '0 is not a whole number of requests (1 or more).'],
      ['rateLimit.routes[0].path', expect.any(String)],
    ]);
  });
});
