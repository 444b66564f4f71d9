/**
 * Idempotency keys on routes (`routes[].idempotency` + `idempotency`), through a real Express
 * server with `express.json()` after Aegis: the first request runs and its response is stored; a
 * repeat gets it back marked `Idempotent-Replayed: true`; the same key with another request gets
 * 422, while the first still runs 409, without a key 400; keys belong to one client; failures free
 * the key. Then the acceptance test: 50 concurrent duplicates run the handler exactly once, in
 * one process (memory store) and across processes (a SQLite file, a real redis-server).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aegis, type AegisEvent, type AegisOptions } from 'aegis';
import { aegisMiddleware } from 'aegis/express';
import { memoryIdempotencyStore, memoryRateLimitStore, type IdempotencyStore } from 'aegis/stores';
import { createApiKey } from '../../src/api-keys/index.js';
import { startChildApp, type ChildApp } from '../helpers/child-app.js';
import { configProblems } from '../helpers/config-problems.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';

const alice = createApiKey({ scopes: ['pay'] });
const bob = createApiKey({ scopes: ['pay'] });

interface Started {
  base: string;
  events: AegisEvent[];
  runs: string[];
  /** Resolves the handler of /api/slow that is waiting. */
  release(): void;
  close(): Promise<void>;
}

async function startApp(options: Partial<AegisOptions> = {}, store: IdempotencyStore = memoryIdempotencyStore()): Promise<Started> {
  const events: AegisEvent[] = [];
  const runs: string[] = [];
  let releaseSlow: () => void = () => {};
  const policy = aegis({
    env: 'development',
    quiet: true,
    csrf: false,
    onEvent: (event) => events.push(event),
    apiKeys: { keys: [alice.line, bob.line] },
    idempotency: { store, maxResponseSize: '1kb' },
    routes: [
      { path: '/api/payments', method: 'POST', idempotency: true, apiKey: true },
      { path: '/api/open', method: 'POST', idempotency: true },
      { path: '/api/optional', method: 'POST', idempotency: { required: false } },
      { path: '/api/slow', method: 'POST', idempotency: true },
      { path: '/api/fail', method: 'POST', idempotency: true },
      { path: '/api/big', method: 'POST', idempotency: true },
      { path: '/api/stream', method: 'POST', idempotency: true },
      { path: '/api/charge', method: 'POST', idempotency: true },
    ],
    rateLimit: { store: memoryRateLimitStore(), routes: { 'POST /api/payments': { limit: '100/min', by: 'apiKey' } } },
    ...options,
  });
  const app = express();
  app.use(aegisMiddleware(policy));
  app.use(express.json());
  app.post('/api/payments', (req, res) => {
    runs.push(`payments ${JSON.stringify(req.body)}`);
    res.status(201).set('Location', `/api/payments/${runs.length}`).set('X-Payment-Run', String(runs.length)).json({ id: runs.length, amount: req.body.amount });
  });
  app.post(['/api/open', '/api/optional'], (req, res) => {
    runs.push(`${req.path} ${JSON.stringify(req.body)}`);
    res.json({ run: runs.length });
  });
  app.post('/api/slow', async (_req, res) => {
    runs.push('slow');
    await new Promise<void>((resolve) => (releaseSlow = resolve));
    res.status(202).json({ done: true });
  });
  app.post('/api/fail', (_req, res) => {
    runs.push('fail');
    res.status(runs.filter((r) => r === 'fail').length === 1 ? 503 : 200).send(`attempt ${runs.length}`);
  });
  app.post('/api/big', (_req, res) => {
    runs.push('big');
    res.status(201).type('text').send('x'.repeat(2000));
  });
  app.post('/api/stream', (_req, res) => {
    runs.push('stream');
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'X-Parts': '3' });
    res.write(Buffer.from([0, 1, 2]));
    res.write('héllo', 'utf8');
    res.end(Buffer.from([0xff]));
  });
  app.post('/api/charge', async (req, res) => {
    runs.push(JSON.stringify(req.body));
    await new Promise((resolve) => setTimeout(resolve, 50));
    res.status(201).json({ id: 'p-1', amount: req.body.amount });
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://localhost:${(server.address() as AddressInfo).port}`,
    events,
    runs,
    release: () => releaseSlow(),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const pick: Record<string, string> = {};
  for (const name of ['content-type', 'location', 'x-payment-run', 'idempotent-replayed', 'retry-after', 'ratelimit', 'x-parts', 'content-security-policy']) {
    const value = response.headers.get(name);
    if (value !== null) pick[name] = value;
  }
  return { status: response.status, body: await response.text(), headers: pick };
}

const auth = (key: { key: string }, idempotencyKey?: string): Record<string, string> => ({
  authorization: `Bearer ${key.key}`,
  ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }),
});

describe('idempotency keys on an Express route', () => {
  let app: Started;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app.close();
  });
  beforeEach(() => {
    app.events.length = 0;
    app.runs.length = 0;
  });

  it('runs the first request, replays its response to a repeat (marked), never runs it twice', async () => {
    const first = await post(app.base, '/api/payments', { amount: 42 }, auth(alice, '"pay-1"'));
    expect(first).toEqual({
      status: 201,
      body: '{"id":1,"amount":42}',
      headers: expect.objectContaining({ 'content-type': 'application/json; charset=utf-8', location: '/api/payments/1', 'x-payment-run': '1', ratelimit: '"per-key";r=99;t=1' }),
    });
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await post(app.base, '/api/payments', { amount: 42 }, auth(alice, '"pay-1"'));
    expect(again).toEqual({
      status: 201,
      body: '{"id":1,"amount":42}',
      headers: expect.objectContaining({ 'content-type': 'application/json; charset=utf-8', location: '/api/payments/1', 'x-payment-run': '1', 'idempotent-replayed': 'true', ratelimit: '"per-key";r=98;t=2' }),
    });
    // The replayed response is the stored one: the same CSP header as the original (its nonce too).
    expect(again.headers['content-security-policy']).toBe(first.headers['content-security-policy']);
    expect(app.runs).toEqual(['payments {"amount":42}']);
    expect(app.events.map((e) => [e.type, e.reason, e.status])).toEqual([['idempotency.replayed', 'replayed', 201]]);
  });

  it('accepts a bare key as well as the draft’s quoted string, as the same key', async () => {
    expect((await post(app.base, '/api/payments', { amount: 1 }, auth(alice, 'pay-bare'))).status).toBe(201);
    const again = await post(app.base, '/api/payments', { amount: 1 }, auth(alice, '"pay-bare"'));
    expect([again.status, again.headers['idempotent-replayed']]).toEqual([201, 'true']);
    expect(app.runs.length).toBe(1);
  });

  it('the same key with another body, or on another route: 422, nothing runs', async () => {
    await post(app.base, '/api/payments', { amount: 5 }, auth(alice, '"pay-2"'));
    expect(await post(app.base, '/api/payments', { amount: 6 }, auth(alice, '"pay-2"'))).toEqual({
      status: 422,
      body: 'Unprocessable Content: this Idempotency-Key was already used with a different request\n',
      headers: expect.objectContaining({ 'content-type': 'text/plain; charset=utf-8' }),
    });
    expect((await post(app.base, '/api/payments?currency=eur', { amount: 5 }, auth(alice, '"pay-2"'))).status).toBe(422);
    expect(app.runs).toEqual(['payments {"amount":5}']);
    expect(app.events.filter((e) => e.type === 'idempotency.rejected').map((e) => [e.reason, e.status])).toEqual([
      ['mismatch', 422],
      ['mismatch', 422],
    ]);
  });

  it('keys belong to one client: another API key with the same key runs on its own, and cannot read the first', async () => {
    const fromAlice = await post(app.base, '/api/payments', { amount: 7 }, auth(alice, '"shared-name"'));
    const fromBob = await post(app.base, '/api/payments', { amount: 7 }, auth(bob, '"shared-name"'));
    expect([fromAlice.body, fromBob.body]).toEqual(['{"id":1,"amount":7}', '{"id":2,"amount":7}']);
    expect(fromBob.headers['idempotent-replayed']).toBeUndefined();
    // Without an API key or a session the client's address is the scope.
    expect((await post(app.base, '/api/open', { a: 1 }, { 'idempotency-key': '"k"' })).body).toBe('{"run":3}');
    expect((await post(app.base, '/api/open', { a: 1 }, { 'idempotency-key': '"k"' })).headers['idempotent-replayed']).toBe('true');
  });

  it('without a key: 400 where it is required, the usual run where it is optional; a malformed key: 400', async () => {
    expect(await post(app.base, '/api/payments', { amount: 1 }, auth(alice))).toEqual({
      status: 400,
      body: 'Bad Request: this endpoint requires an Idempotency-Key header\n',
      headers: expect.objectContaining({ 'content-type': 'text/plain; charset=utf-8' }),
    });
    for (const bad of ['"unterminated', '"a" "b"', 'a,b', '""', `"${'k'.repeat(256)}"`, '"tab\there"']) {
      const answer = await post(app.base, '/api/payments', { amount: 1 }, auth(alice, bad));
      expect([bad, answer.status, answer.body]).toEqual([bad, 400, 'Bad Request: invalid Idempotency-Key (a quoted string of 1 to 255 visible ASCII characters)\n']);
    }
    expect((await post(app.base, '/api/optional', { n: 1 })).body).toBe('{"run":1}');
    expect((await post(app.base, '/api/optional', { n: 1 })).body).toBe('{"run":2}');
    expect(app.runs).toEqual(['/api/optional {"n":1}', '/api/optional {"n":1}']);
    expect(app.events.map((e) => e.reason)).toEqual(['missing', ...Array(6).fill('invalid')]);
  });

  it('a repeat while the first still runs: 409 with Retry-After; then the stored response', async () => {
    const first = post(app.base, '/api/slow', {}, { 'idempotency-key': '"slow-1"' });
    await expect.poll(() => app.runs.length).toBe(1);
    expect(await post(app.base, '/api/slow', {}, { 'idempotency-key': '"slow-1"' })).toEqual({
      status: 409,
      body: 'Conflict: a request with this Idempotency-Key is still being processed\n',
      headers: expect.objectContaining({ 'retry-after': '1' }),
    });
    app.release();
    expect((await first).status).toBe(202);
    const later = await post(app.base, '/api/slow', {}, { 'idempotency-key': '"slow-1"' });
    expect([later.status, later.body, later.headers['idempotent-replayed']]).toEqual([202, '{"done":true}', 'true']);
    expect(app.runs).toEqual(['slow']);
  });

  it('a 5xx answer frees the key: the retry runs again, and its answer is the one kept', async () => {
    expect((await post(app.base, '/api/fail', {}, { 'idempotency-key': '"f"' })).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 20)); // the release happens after the response
    expect(await post(app.base, '/api/fail', {}, { 'idempotency-key': '"f"' })).toMatchObject({ status: 200, body: 'attempt 2' });
    expect(await post(app.base, '/api/fail', {}, { 'idempotency-key': '"f"' })).toMatchObject({ status: 200, body: 'attempt 2', headers: { 'idempotent-replayed': 'true' } });
    expect(app.runs).toEqual(['fail', 'fail']);
  });

  it('a streamed response (writeHead with headers, several writes) is kept byte for byte', async () => {
    const response = await fetch(`${app.base}/api/stream`, { method: 'POST', headers: { 'idempotency-key': '"s"' } });
    const original = Buffer.from(await response.arrayBuffer());
    await new Promise((resolve) => setTimeout(resolve, 20));
    const replay = await fetch(`${app.base}/api/stream`, { method: 'POST', headers: { 'idempotency-key': '"s"' } });
    expect([replay.status, replay.headers.get('x-parts'), replay.headers.get('content-type'), replay.headers.get('idempotent-replayed')]).toEqual([200, '3', 'application/octet-stream', 'true']);
    expect(Buffer.from(await replay.arrayBuffer())).toEqual(original);
    expect(original).toEqual(Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from('héllo'), Buffer.from([0xff])]));
    expect(app.runs).toEqual(['stream']);
  });

  it('a body above maxResponseSize: the status and headers are kept (never a second run), with an event', async () => {
    expect((await post(app.base, '/api/big', {}, { 'idempotency-key': '"b"' })).body.length).toBe(2000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await post(app.base, '/api/big', {}, { 'idempotency-key': '"b"' });
    expect([again.status, again.body, again.headers['idempotent-replayed']]).toEqual([201, '', 'true']);
    expect(app.runs).toEqual(['big']);
    expect(app.events.map((e) => [e.type, e.reason])).toEqual([
      ['idempotency.not_stored', 'response.too_large'],
      ['idempotency.replayed', 'replayed'],
    ]);
  });

  it('a client that hangs up: the handler goes on, its answer is kept, and the retry gets it (no second run)', async () => {
    const controller = new AbortController();
    const first = fetch(`${app.base}/api/slow`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': '"gone"' }, body: '{}', signal: controller.signal });
    await expect.poll(() => app.runs.length).toBe(1);
    controller.abort();
    await expect(first).rejects.toThrow();
    // Still running: a retry now is told to wait.
    expect((await post(app.base, '/api/slow', {}, { 'idempotency-key': '"gone"' })).status).toBe(409);
    app.release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const retry = await post(app.base, '/api/slow', {}, { 'idempotency-key': '"gone"' });
    expect([retry.status, retry.body, retry.headers['idempotent-replayed']]).toEqual([202, '{"done":true}', 'true']);
    expect(app.runs).toEqual(['slow']);
  });
});

describe('idempotency: a store that fails, and configuration', () => {
  it('a failing store answers 503 and runs nothing (an unprotected run could run twice)', async () => {
    const broken: IdempotencyStore = {
      begin: () => Promise.reject(new Error('connection refused')),
      complete: () => Promise.resolve(false),
      release: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const app = await startApp({}, broken);
    try {
      expect(await post(app.base, '/api/open', {}, { 'idempotency-key': '"x"' })).toMatchObject({ status: 503, body: 'Service Unavailable: idempotency store unavailable\n' });
      expect(app.runs).toEqual([]);
      expect(app.events.map((e) => [e.type, e.reason, e.status, e.detail])).toEqual([['idempotency.store_failed', 'store.unavailable', 503, { error: 'connection refused' }]]);
    } finally {
      await app.close();
    }
  });

  it('names the bad option and the fix', () => {
    expect(configProblems(() => aegis({ env: 'development', quiet: true, routes: [{ path: '/p', idempotency: true }] }))).toEqual([
      ['routes[0].idempotency', 'the route takes idempotency keys but the policy has no idempotency store.'],
    ]);
    expect(
      configProblems(() =>
        aegis({ env: 'development', quiet: true, idempotency: { store: {} as IdempotencyStore, ttl: 'soon' as '1h', maxResponseSize: 'big' as '1mb', header: 'bad header' }, routes: [{ path: '/p', idempotency: { required: 'yes' as unknown as boolean } }] }),
      ),
    ).toEqual([
      ['routes[0].idempotency.required', 'expected true or false, got "yes".'],
      ['idempotency.store', 'expected an IdempotencyStore, got an object.'],
      ['idempotency.ttl', '"soon" is not a duration.'],
      ['idempotency.maxResponseSize', '"big" is not a size.'],
      ['idempotency.header', 'must be a header name, got "bad header".'],
    ]);
  });
});

describe('50 concurrent duplicates of one request run the handler exactly once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aegis-idempotency-'));
  const children: ChildApp[] = [];
  let redis: RedisServer | undefined;
  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop()));
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** 50 identical requests at once, spread over `ports`; every answer. */
  async function duplicates(ports: number[], key: string, path = '/api/payments'): Promise<Array<{ status: number; body: string; replayed: boolean }>> {
    const agent = new Agent({ keepAlive: true, maxSockets: 50 });
    const body = JSON.stringify({ amount: 1999, currency: 'EUR' });
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        new Promise<{ status: number; body: string; replayed: boolean }>((resolve, reject) => {
          const headers = { host: 'localhost', 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'idempotency-key': `"${key}"` };
          const req = request({ host: '127.0.0.1', port: ports[i % ports.length], path, method: 'POST', headers, agent }, (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, replayed: res.headers['idempotent-replayed'] === 'true' }));
          });
          req.on('error', reject);
          req.end(body);
        }),
      ),
    );
    agent.destroy();
    return answers;
  }

  function check(answers: Array<{ status: number; body: string; replayed: boolean }>, runLog: string): void {
    const runs = readFileSync(runLog, 'utf8').trim().split('\n');
    expect(runs.length).toBe(1);
    const created = answers.filter((a) => a.status === 201);
    const conflicts = answers.filter((a) => a.status === 409);
    expect(created.length + conflicts.length).toBe(50);
    expect(created.filter((a) => !a.replayed).length).toBe(1);
    expect(new Set(created.map((a) => a.body)).size).toBe(1);
    expect(conflicts.every((a) => a.body === 'Conflict: a request with this Idempotency-Key is still being processed\n')).toBe(true);
  }

  it('memory store, one process', async () => {
    const app = await startApp();
    try {
      const port = Number(new URL(app.base).port);
      const answers = await duplicates([port], 'once', '/api/charge');
      // In one process the run log is the app's own list.
      expect(app.runs).toEqual(['{"amount":1999,"currency":"EUR"}']);
      const log = join(dir, 'memory.log');
      writeFileSync(log, `${app.runs.join('\n')}\n`);
      check(answers, log);
    } finally {
      await app.close();
    }
  });

  for (const kind of ['sqlite', 'redis'] as const) {
    it(`${kind}: two processes share the store`, async () => {
      let where = join(dir, 'idempotency.db');
      if (kind === 'redis') {
        redis = await startRedisServer();
        where = redis.url;
      }
      const log = join(dir, `${kind}.log`);
      writeFileSync(log, '');
      const child = fileURLToPath(new URL('../fixtures/idempotency-app-child.mjs', import.meta.url));
      const started = await Promise.all([0, 1].map(() => startChildApp(child, [kind, where], { RUN_LOG: log })));
      children.push(...started);
      const answers = await duplicates(started.map((s) => s.port), `once-${kind}`);
      check(answers, log);
      expect(readFileSync(log, 'utf8')).toMatch(/^\d+ \{"amount":1999,"currency":"EUR"\}\n$/);
    });
  }
});
