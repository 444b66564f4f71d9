/**
 * The Redis idempotency store against a real redis-server, through both clients an application may
 * own: node-redis (`redis`) and ioredis. The shared contract suite runs unchanged on each; then the
 * Redis-specific promises: key layout and prefix, TTLs, one script per operation, atomicity across
 * connections, the script cache, the app's client left open, the timeout when the server is
 * stopped, options.
 */

import { describe, expect, it } from 'vitest';
import { AegisConfigError } from '../../src/core/config-error.js';
import type { IdempotencyStore } from '../../src/stores/idempotency-store.js';
import { redisIdempotencyStore } from '../../src/stores/redis/idempotency-store.js';
import { acquire, completedWith, idempotencyStoreContract, LOCK_MS, plain, RESPONSE, RUNNING, T0, TTL_MS } from '../contract/idempotency-store.contract.js';
import { useRedis } from '../helpers/redis-clients.js';
import { startRedisServer } from '../helpers/redis-server.js';

const redis = useRedis({ prefix: 'idem', retryMs: 100 });
const { freshPrefix, kinds } = redis;

for (const kind of kinds) {
  const sharedClient = redis.sharedClient(kind);
  idempotencyStoreContract(`redis (${kind.name})`, async () => redisIdempotencyStore({ client: await sharedClient(), prefix: freshPrefix('contract') }));

  describe(`redisIdempotencyStore with ${kind.name}`, () => {
    it('keeps one hash per key, <prefix>idem:<key>: fp, token, exp (µs) while running, PX = lockMs', async () => {
      const { client, inspect } = await kind.open();
      const prefix = freshPrefix('layout');
      const store = redisIdempotencyStore({ client, prefix });
      const token = await acquire(store, 'client:1:abc', 'fp-1', T0 + 0.5, LOCK_MS);
      expect(await inspect.keys(`${prefix}*`)).toEqual([`${prefix}idem:client:1:abc`]);
      expect(await inspect.hgetall(`${prefix}idem:client:1:abc`)).toEqual({ fp: 'fp-1', token, exp: String((T0 + LOCK_MS) * 1000 + 500) });
      const ttl = await inspect.pttl(`${prefix}idem:client:1:abc`);
      expect(ttl).toBeGreaterThan(LOCK_MS - 5_000);
      expect(ttl).toBeLessThanOrEqual(LOCK_MS);
    });

    it('a completed record drops the token, holds status, headers (JSON) and body (base64), PX = ttlMs', async () => {
      const { client, inspect } = await kind.open();
      const prefix = freshPrefix('completed');
      const store = redisIdempotencyStore({ client, prefix });
      const token = await acquire(store, 'k', 'fp');
      expect(await store.complete('k', token, RESPONSE, T0 + 1, TTL_MS)).toBe(true);
      expect(await inspect.hgetall(`${prefix}idem:k`)).toEqual({
        fp: 'fp',
        exp: String((T0 + 1 + TTL_MS) * 1000),
        status: '201',
        headers: JSON.stringify(RESPONSE.headers),
        body: Buffer.from(RESPONSE.body).toString('base64'),
      });
      const ttl = await inspect.pttl(`${prefix}idem:k`);
      expect(ttl).toBeGreaterThan(TTL_MS - 5_000);
      expect(ttl).toBeLessThanOrEqual(TTL_MS);
      await store.release('k', token); // not running any more: kept
      expect(await inspect.keys(`${prefix}*`)).toEqual([`${prefix}idem:k`]);
    });

    it('release deletes the running key; a wrong token leaves it', async () => {
      const { client, inspect } = await kind.open();
      const prefix = freshPrefix('release');
      const store = redisIdempotencyStore({ client, prefix });
      const token = await acquire(store, 'k', 'fp');
      await store.release('k', 'not-the-token');
      expect(await inspect.keys(`${prefix}*`)).toEqual([`${prefix}idem:k`]);
      await store.release('k', token);
      expect(await inspect.keys(`${prefix}*`)).toEqual([]);
    });

    it("the default prefix is 'aegis:'", async () => {
      const { client, inspect } = await kind.open(kind.name === 'ioredis' ? 11 : 10);
      const store = redisIdempotencyStore({ client });
      const found = await store.begin('k', 'fp', T0, LOCK_MS);
      if (found.state === 'acquired') await store.release('k', found.token);
      await acquire(store, 'k', 'fp');
      expect(await inspect.keys('*')).toEqual(['aegis:idem:k']);
      const token = (await inspect.hgetall('aegis:idem:k'))['token'] as string;
      await store.release('k', token);
    });

    it('lets Redis drop a running key once its lock has run out in real time (PX = lockMs)', async () => {
      const { client, inspect } = await kind.open();
      const prefix = freshPrefix('expiry');
      const store = redisIdempotencyStore({ client, prefix });
      const token = await acquire(store, 'k', 'fp', T0, 30);
      expect(await inspect.keys(`${prefix}*`)).toEqual([`${prefix}idem:k`]);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await inspect.keys(`${prefix}*`)).toEqual([]);
      expect(await store.complete('k', token, RESPONSE, T0 + 10, TTL_MS)).toBe(false); // collected: the late complete finds no owner
    });

    it('is atomic across connections: 2 stores × 100 parallel begins of one key acquire it once', async () => {
      const prefix = freshPrefix('race');
      const one = redisIdempotencyStore({ client: (await kind.open()).client, prefix });
      const two = redisIdempotencyStore({ client: (await kind.open()).client, prefix });
      const outcomes = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? one : two).begin(`k${i % 4 < 2 ? 'a' : 'b'}`, 'fp', T0, LOCK_MS)));
      expect(outcomes.filter((o) => o.state === 'acquired').length).toBe(2);
      expect(outcomes.filter((o) => o.state === 'running').length).toBe(198);
    });

    it('runs again after the server forgot its scripts (EVAL on NOSCRIPT)', async () => {
      const { client, inspect } = await kind.open();
      const store = redisIdempotencyStore({ client, prefix: freshPrefix('noscript') });
      const token = await acquire(store, 'k', 'fp');
      await inspect.scriptFlush();
      expect(await store.complete('k', token, RESPONSE, T0, TTL_MS)).toBe(true);
      await inspect.scriptFlush();
      expect(plain(await store.begin('k', 'fp', T0, LOCK_MS))).toEqual(completedWith(RESPONSE));
      const other = await acquire(store, 'k2', 'fp');
      await inspect.scriptFlush();
      await store.release('k2', other);
      await acquire(store, 'k2', 'fp');
    });

    it("close() leaves the application's client open; the closed store refuses further calls", async () => {
      const { client, inspect, isOpen } = await kind.open();
      const prefix = freshPrefix('close');
      const store = redisIdempotencyStore({ client, prefix });
      await acquire(store, 'k', 'fp');
      await store.close();
      expect(isOpen()).toBe(true);
      expect(await inspect.ping()).toBe('PONG');
      await expect(store.begin('k', 'fp', T0, LOCK_MS)).rejects.toThrow('This Redis idempotency store is closed; make a new one with redisIdempotencyStore().');
      expect(plain(await redisIdempotencyStore({ client, prefix }).begin('k', 'fp', T0, LOCK_MS))).toEqual(RUNNING);
    });

    it('fails within the timeout while its server is stopped, and works again once it is back', async () => {
      let own = await startRedisServer();
      const { client, drop } = await kind.open(0, own);
      try {
        const store = redisIdempotencyStore({ client, prefix: freshPrefix('down'), timeout: 200 });
        const token = await acquire(store, 'k', 'fp');
        const port = own.port;
        await own.stop();
        const started = Date.now();
        // node-redis and ioredis queue commands while they reconnect: only the timeout ends the wait.
        await expect(store.begin('k2', 'fp', T0, LOCK_MS)).rejects.toThrow('Redis did not answer within 200 ms');
        await expect(store.complete('k', token, RESPONSE, T0, TTL_MS)).rejects.toThrow('Redis did not answer within 200 ms');
        expect(Date.now() - started).toBeLessThan(2_000);
        own = await startRedisServer({ port }); // its clients reconnect to the same port
        let outcome: unknown;
        for (let tries = 0; tries < 40 && outcome === undefined; tries++) {
          outcome = await store.begin('k', 'fp', T0, LOCK_MS).catch(() => undefined);
          if (outcome === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(plain(outcome as never)).toEqual({ state: 'acquired', token: 'string' }); // the new server is empty
      } finally {
        drop(); // a client of a stopped server would reconnect for ever
        await own.stop();
      }
    });
  });
}

describe('redisIdempotencyStore with an ioredis client that has its own keyPrefix', () => {
  it('puts the key under keyPrefix + prefix', async () => {
    const prefixed = redis.ioredis({ db: 12, keyPrefix: 'app:' });
    const store = redisIdempotencyStore({ client: prefixed, prefix: 'aegis:' });
    const token = await acquire(store, 'k', 'fp');
    expect(await store.complete('k', token, RESPONSE, T0, TTL_MS)).toBe(true);
    expect(plain(await store.begin('k', 'fp', T0, LOCK_MS))).toEqual(completedWith(RESPONSE));
    const plainClient = (await kinds[1].open(12)).inspect;
    expect(await plainClient.keys('*')).toEqual(['app:aegis:idem:k']);
  });
});

describe('redisIdempotencyStore: options, timeout and inputs the types forbid', () => {
  it('names the bad option and the fix', () => {
    expect(() => redisIdempotencyStore(undefined as unknown as Parameters<typeof redisIdempotencyStore>[0])).toThrow(AegisConfigError);
    expect(() => redisIdempotencyStore({} as Parameters<typeof redisIdempotencyStore>[0])).toThrow(
      'Invalid Redis idempotency store options (1 problem):\n  - client: is required. Fix: pass your connected node-redis client (createClient() of `redis`) or ioredis client (new Redis()), or an object with evalScript(script, keys, args).',
    );
    const client = { evalScript: async () => null };
    expect(() => redisIdempotencyStore({ client, prefix: 'bad prefix', timeout: 0 })).toThrow(
      [
        'Invalid Redis idempotency store options (2 problems):',
        "  - prefix: \"bad prefix\" is not a usable key prefix. Fix: write a short string without spaces or control characters, such as 'aegis:' or 'myapp:sessions:'.",
        "  - timeout: must be longer than 0. Fix: give a duration such as '2s'.",
      ].join('\n'),
    );
  });

  it('fails fast with the timeout when Redis does not answer', async () => {
    const store = redisIdempotencyStore({ client: { evalScript: () => new Promise(() => undefined) }, timeout: 50 });
    await expect(store.begin('k', 'fp', T0, LOCK_MS)).rejects.toThrow('Redis did not answer within 50 ms');
    await expect(store.complete('k', 't', RESPONSE, T0, TTL_MS)).rejects.toThrow('Redis did not answer within 50 ms');
    await expect(store.release('k', 't')).rejects.toThrow('Redis did not answer within 50 ms');
  });

  it('sends one script per operation and refuses bad arguments before sending anything', async () => {
    const sent: unknown[][] = [];
    const replies: unknown[] = [['acquired'], 1, 0];
    const store: IdempotencyStore = redisIdempotencyStore({
      client: { evalScript: async (...args: unknown[]) => (sent.push(args), replies.shift()) },
      prefix: 'p:',
    });
    await expect(store.begin('', 'fp', T0, LOCK_MS)).rejects.toThrow('Idempotency store: key must be a non-empty string');
    await expect(store.begin('k', 'fp', T0, 0)).rejects.toThrow('Idempotency store: lockMs must be');
    await expect(store.complete('k', 't', { status: 200, headers: [['X-A', '1']], body: Buffer.from('') }, T0, TTL_MS)).rejects.toThrow('response.headers[0]');
    await expect(store.release('k', '')).rejects.toThrow('Idempotency store: token must be');
    expect(sent).toEqual([]);
    const token = await acquire(store, 'k', 'fp', T0 + 0.5, 1_000.25);
    expect(sent.length).toBe(1);
    expect(sent[0]?.slice(1)).toEqual([['p:idem:k'], ['fp', String(T0 * 1000 + 500), String(T0 * 1000 + 1_000_750), '1001', token]]);
    const body = new Uint8Array([0, 1, 2, 0xff, 0xfe]).subarray(1, 4); // a view into a larger buffer: only its bytes go
    expect(await store.complete('k', token, { status: 200, headers: [['x-a', '1']], body }, T0 + 2, 500.5)).toBe(true);
    expect(sent[1]?.slice(1)).toEqual([['p:idem:k'], [token, String((T0 + 2) * 1000 + 500_500), '501', '200', '[["x-a","1"]]', Buffer.from([1, 2, 0xff]).toString('base64')]]);
    await store.release('k', token);
    expect(sent[2]?.slice(1)).toEqual([['p:idem:k'], [token]]);
    expect(sent.length).toBe(3);
  });

  it('rejects a reply it does not understand', async () => {
    const store = redisIdempotencyStore({ client: { evalScript: async () => ['bogus'] } });
    await expect(store.begin('k', 'fp', T0, LOCK_MS)).rejects.toThrow('Redis idempotency store: unexpected reply an array.');
  });
});
