/**
 * Signed requests on routes (`routes[].signature` + `signatures`), through a real server: requests
 * signed with `signRequest` / `createSignedFetch` (aegis/signing) pass; a captured request replayed,
 * a body altered, a signature too old (even re-sent with a fresh timestamp), a missing part, an
 * unknown key each get 401 with the right event; clock skew within the window is accepted; a
 * nonce seen by one process is refused by another sharing the store (SQLite, Redis).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aegis, type AegisEvent, type AegisOptions } from 'aegis';
import { getAegisContext, withAegis } from 'aegis/node';
import { createSignedFetch, signRequest } from 'aegis/signing';
import { memoryNonceStore, redisNonceStore, sqliteNonceStore, type NonceStore } from 'aegis/stores';
import { configProblems } from '../helpers/config-problems.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';

const KEY = { id: 'billing-2026', secret: 'spUjmPASjnBNkyyX93vH67PoICB9yKxB3V0RAm2aOcQ' };
const NEXT_KEY = { id: 'billing-2027', secret: 'tA8jTxXq9cVb-zgHsS8o9jgtDPrXLY0Fx4hKFfGTLqE' };
/** The right key id with another secret (a forger who knows the id). */
const STRANGER = { id: 'billing-2026', secret: '4Q70cGMIvd30pIEI3xAUU6G-_vvnAm7-p3BE7qPwwD4' };

interface App {
  base: string;
  events: AegisEvent[];
  seen: string[];
  close(): Promise<void>;
}

async function startApp(nonceStore: NonceStore, options: Partial<AegisOptions> = {}): Promise<App> {
  const events: AegisEvent[] = [];
  const seen: string[] = [];
  const policy = aegis({
    env: 'development',
    quiet: true,
    onEvent: (event) => events.push(event),
    signatures: { keys: { [KEY.id]: KEY.secret, [NEXT_KEY.id]: NEXT_KEY.secret }, nonceStore },
    routes: [{ path: '/webhooks/*', signature: true }],
    csrf: { exemptions: [{ route: '/webhooks/*', reason: 'server-to-server calls from the billing provider', protectedBy: 'signature' }] },
    ...options,
  });
  const server: Server = createServer(
    withAegis(policy, (req, res) => {
      const body = (req as { rawBody?: Buffer }).rawBody?.toString('utf8') ?? '';
      seen.push(`${req.method} ${req.url} ${body}`);
      res.end(`ok ${getAegisContext(req)?.signedBy ?? 'unsigned'}`);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://localhost:${(server.address() as AddressInfo).port}`,
    events,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Sends exactly these headers and body (a captured request). */
async function send(base: string, path: string, headers: Record<string, string>, body: string, method = 'POST'): Promise<[number, string]> {
  const response = await fetch(base + path, { method, headers: { 'content-type': 'application/json', ...headers }, ...(method === 'GET' ? {} : { body }) });
  return [response.status, await response.text()];
}

function signed(path: string, body: string, options: { key?: typeof KEY; now?: number; nonce?: string; method?: string } = {}): Record<string, string> {
  return { ...signRequest({ method: options.method ?? 'POST', url: `http://localhost${path}`, body, key: options.key ?? KEY, ...(options.now === undefined ? {} : { now: options.now }), ...(options.nonce === undefined ? {} : { nonce: options.nonce }) }) };
}

describe('signed requests, one process', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp(memoryNonceStore());
  });
  afterAll(async () => {
    await app.close();
  });
  beforeEach(() => {
    app.events.length = 0;
    app.seen.length = 0;
  });

  it('a request signed with createSignedFetch passes; the handler sees the body and the key id', async () => {
    const signedFetch = createSignedFetch({ key: KEY });
    const response = await signedFetch(`${app.base}/webhooks/delivery?batch=7`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"m-1","status":"delivered"}' });
    expect([response.status, await response.text()]).toEqual([200, 'ok billing-2026']);
    expect(app.seen).toEqual(['POST /webhooks/delivery?batch=7 {"id":"m-1","status":"delivered"}']);
    expect(app.events).toEqual([]);
  });

  it('the next key of a rotation is accepted too', async () => {
    const body = '{"rotated":true}';
    expect(await send(app.base, '/webhooks/delivery', signed('/webhooks/delivery', body, { key: NEXT_KEY }), body)).toEqual([200, 'ok billing-2027']);
  });

  it('a captured request sent again: 401 replay.detected, the handler runs once', async () => {
    const body = '{"id":"m-2"}';
    const headers = signed('/webhooks/delivery', body);
    expect(await send(app.base, '/webhooks/delivery', headers, body)).toEqual([200, 'ok billing-2026']);
    expect(await send(app.base, '/webhooks/delivery', headers, body)).toEqual([401, 'Unauthorized: replayed request (nonce already used)\n']);
    expect(app.seen.length).toBe(1);
    expect(app.events.map((e) => [e.type, e.reason, e.status, e.detail])).toEqual([['replay.detected', 'nonce.reused', 401, { keyId: 'billing-2026' }]]);
  });

  it('an altered body, path, query or method: 401 signature.invalid', async () => {
    const body = '{"amount":100}';
    const headers = signed('/webhooks/delivery?x=1', body);
    expect(await send(app.base, '/webhooks/delivery?x=1', headers, '{"amount":999}')).toEqual([401, 'Unauthorized: invalid request signature (digest-mismatch)\n']);
    // The attacker recomputes Content-Digest for the new body: the signature then fails.
    const digest = `sha-256=:${(await import('node:crypto')).createHash('sha256').update('{"amount":999}').digest('base64')}:`;
    expect(await send(app.base, '/webhooks/delivery?x=1', { ...headers, 'content-digest': digest }, '{"amount":999}')).toEqual([401, 'Unauthorized: invalid request signature (bad-signature)\n']);
    expect(await send(app.base, '/webhooks/other?x=1', headers, body)).toEqual([401, 'Unauthorized: invalid request signature (bad-signature)\n']);
    expect(await send(app.base, '/webhooks/delivery?x=2', headers, body)).toEqual([401, 'Unauthorized: invalid request signature (bad-signature)\n']);
    expect(await send(app.base, '/webhooks/delivery?x=1', headers, body, 'PUT')).toEqual([401, 'Unauthorized: invalid request signature (bad-signature)\n']);
    expect(app.seen).toEqual([]);
    expect(app.events.map((e) => [e.type, e.reason])).toEqual([
      ['signature.invalid', 'digest-mismatch'],
      ['signature.invalid', 'bad-signature'],
      ['signature.invalid', 'bad-signature'],
      ['signature.invalid', 'bad-signature'],
      ['signature.invalid', 'bad-signature'],
    ]);
    // Not consumed by the failures: the genuine request still passes once.
    expect(await send(app.base, '/webhooks/delivery?x=1', headers, body)).toEqual([200, 'ok billing-2026']);
  });

  it('clock skew within ±5 min is accepted; beyond it, and an old request re-sent with a fresh timestamp, are not', async () => {
    const body = '{}';
    const now = Date.now();
    expect((await send(app.base, '/webhooks/a', signed('/webhooks/a', body, { now: now - 4 * 60_000 }), body))[0]).toBe(200);
    expect((await send(app.base, '/webhooks/a', signed('/webhooks/a', body, { now: now + 4 * 60_000 }), body))[0]).toBe(200);
    expect(await send(app.base, '/webhooks/a', signed('/webhooks/a', body, { now: now - 6 * 60_000 }), body)).toEqual([401, 'Unauthorized: invalid request signature (stale)\n']);
    expect(await send(app.base, '/webhooks/a', signed('/webhooks/a', body, { now: now + 6 * 60_000 }), body)).toEqual([401, 'Unauthorized: invalid request signature (future)\n']);
    // A request captured 10 minutes ago, its created time rewritten to now: the signature no longer matches.
    const old = signed('/webhooks/a', body, { now: now - 10 * 60_000, nonce: 'captured-nonce-0123456789' });
    const created = /created=(\d+)/.exec(old['signature-input'] ?? '')?.[1] ?? '';
    const refreshed = { ...old, 'signature-input': (old['signature-input'] ?? '').replace(`created=${created}`, `created=${Math.floor(now / 1000)}`) };
    expect(await send(app.base, '/webhooks/a', old, body)).toEqual([401, 'Unauthorized: invalid request signature (stale)\n']);
    expect(await send(app.base, '/webhooks/a', refreshed, body)).toEqual([401, 'Unauthorized: invalid request signature (bad-signature)\n']);
  });

  it('missing or malformed parts, and unknown keys: 401 with the challenge', async () => {
    const body = '{}';
    const headers = signed('/webhooks/a', body);
    const response = await fetch(`${app.base}/webhooks/a`, { method: 'POST', body });
    expect([response.status, await response.text(), response.headers.get('www-authenticate'), response.headers.get('accept-signature')]).toEqual([
      401,
      'Unauthorized: invalid request signature (missing)\n',
      'Signature realm="aegis"',
      'aegis=("@method" "@path" "@query" "content-digest");created;alg="hmac-sha256"',
    ]);
    const { 'content-digest': _digest, ...withoutDigest } = headers;
    expect((await send(app.base, '/webhooks/a', withoutDigest, body))[0]).toBe(401);
    expect(await send(app.base, '/webhooks/a', { ...headers, signature: 'aegis=:not base64:' }, body)).toEqual([401, 'Unauthorized: invalid request signature (malformed)\n']);
    expect(await send(app.base, '/webhooks/a', signed('/webhooks/a', body, { key: { ...KEY, id: 'nobody' } }), body)).toEqual([401, 'Unauthorized: invalid request signature (unknown-key)\n']);
    expect(await send(app.base, '/webhooks/a', signed('/webhooks/a', body, { key: STRANGER }), body)).toEqual([401, 'Unauthorized: invalid request signature (bad-signature)\n']);
    expect(app.seen).toEqual([]);
  });

  it('a chunked body above the body limit is cut off with 413 before any signature work, and the handler never runs', async () => {
    const small = await startApp(memoryNonceStore(), { routes: [{ path: '/webhooks/*', signature: true, limits: { body: '1kb' } }] });
    try {
      const port = Number(new URL(small.base).port);
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/webhooks/big', method: 'POST', headers: { host: 'localhost', 'content-type': 'application/json', ...signed('/webhooks/big', 'x'.repeat(4096)) } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        // The server answers and closes mid-body: a write error after the answer is expected.
        req.on('error', (error) => (req.destroyed && error.message.includes('EPIPE') ? undefined : reject(error)));
        for (let i = 0; i < 4; i++) req.write('x'.repeat(1024));
        req.end();
      });
      expect(status).toBe(413);
      expect(small.seen).toEqual([]);
      expect(small.events.map((e) => e.type)).toEqual(['body.too_large']);
    } finally {
      await small.close();
    }
  });

  it('an unsigned route is not affected', async () => {
    expect(await send(app.base, '/public', {}, '', 'GET')).toEqual([200, 'ok unsigned']);
  });
});

describe('signed requests: the nonce store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aegis-signatures-'));
  let redis: RedisServer | undefined;
  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a nonce used on one instance is refused by another sharing a SQLite file', async () => {
    const file = join(dir, 'nonces.db');
    const [a, b] = (await Promise.all([startApp(sqliteNonceStore({ file })), startApp(sqliteNonceStore({ file }))])) as [App, App];
    try {
      const body = '{"n":1}';
      const headers = signed('/webhooks/x', body);
      expect(await send(a.base, '/webhooks/x', headers, body)).toEqual([200, 'ok billing-2026']);
      expect(await send(b.base, '/webhooks/x', headers, body)).toEqual([401, 'Unauthorized: replayed request (nonce already used)\n']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a nonce used on one instance is refused by another sharing a redis-server; a Redis that is down answers 503', async () => {
    redis = await startRedisServer();
    const clients = [new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: 1 }), new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: 1 })];
    for (const client of clients) client.on('error', () => {});
    const [a, b] = (await Promise.all(clients.map((client) => startApp(redisNonceStore({ client, timeout: '300ms' }))))) as [App, App];
    try {
      const body = '{"n":2}';
      const headers = signed('/webhooks/x', body);
      expect(await send(a.base, '/webhooks/x', headers, body)).toEqual([200, 'ok billing-2026']);
      expect(await send(b.base, '/webhooks/x', headers, body)).toEqual([401, 'Unauthorized: replayed request (nonce already used)\n']);
      await redis.stop();
      const fresh = signed('/webhooks/x', body);
      expect(await send(a.base, '/webhooks/x', fresh, body)).toEqual([503, 'Service Unavailable: nonce store unavailable\n']);
      expect(a.events.at(-1)).toMatchObject({ type: 'replay.store_failed', reason: 'store.unavailable', status: 503 });
      expect(a.seen.length).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
      for (const client of clients) client.disconnect();
    }
  });

  it('names the bad option and the fix', () => {
    expect(configProblems(() => aegis({ env: 'development', quiet: true, routes: [{ path: '/hook', signature: true }] }))).toEqual([
      ['routes[0].signature', 'the route requires signed requests but the policy has no signing keys.'],
    ]);
    expect(configProblems(() => aegis({ env: 'development', quiet: true, signatures: { keys: { a: KEY.secret }, nonceStore: {} as NonceStore, window: '2h' } }))).toEqual([
      ['signatures.nonceStore', 'expected a NonceStore, got an object.'],
      ['signatures.window', 'must be from 1 s to 1 h, got "2h".'],
    ]);
  });
});
