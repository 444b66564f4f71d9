/**
 * The Redis nonce store against a real redis-server, through both clients an application may own:
 * node-redis (`redis`) and ioredis. The shared contract suite runs unchanged on each; then the
 * Redis-specific promises: key layout and prefix, the PX TTL (real time), atomicity across
 * connections, the script cache, the app's client left open, a stopped server, options.
 */

import { describe, expect, it } from 'vitest';
import { AegisConfigError } from '../../src/core/config-error.js';
import { redisNonceStore } from '../../src/stores/redis/nonce-store.js';
import { CLOSED, LIFE, nonceStoreContract, T0 } from '../contract/nonce-store.contract.js';
import { useRedis } from '../helpers/redis-clients.js';
import { startRedisServer } from '../helpers/redis-server.js';

const redis = useRedis({ prefix: 'nc' });
const { freshPrefix, kinds } = redis;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

for (const kind of kinds) {
  const sharedClient = redis.sharedClient(kind);
  nonceStoreContract(`redis (${kind.name})`, async () => redisNonceStore({ client: await sharedClient(), prefix: freshPrefix('contract') }));

  describe(`redisNonceStore with ${kind.name}`, () => {
    it('keeps one string per nonce, <prefix>nonce:<nonce>, holding expiresAt, with PTTL expiresAt − now', async () => {
      const { client, inspect } = await kind.open();
      const prefix = freshPrefix('layout');
      const store = redisNonceStore({ client, prefix });
      expect(await store.claim('abc', T0 + 60_000, T0)).toBe(true);
      expect(await store.claim('f:1', T0 + 30_000.5, T0 + 0.25)).toBe(true);
      expect(await inspect.keys(`${prefix}*`)).toEqual([`${prefix}nonce:abc`, `${prefix}nonce:f:1`]);
      expect(await inspect.get(`${prefix}nonce:abc`)).toBe(String(T0 + 60_000));
      expect(await inspect.get(`${prefix}nonce:f:1`)).toBe('1700000030000.5');
      const ttl = await inspect.pttl(`${prefix}nonce:abc`);
      expect(ttl).toBeGreaterThan(60_000 - 2_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      const rounded = await inspect.pttl(`${prefix}nonce:f:1`); // 30 000.25 ms, rounded up
      expect(rounded).toBeGreaterThan(30_001 - 2_000);
      expect(rounded).toBeLessThanOrEqual(30_001);
    });

    it("the default prefix is 'aegis:', and a replay leaves the value and TTL alone", async () => {
      const { client, inspect } = await kind.open(kind.name === 'ioredis' ? 5 : 4);
      const store = redisNonceStore({ client });
      const nonce = `default-${Date.now()}`;
      expect(await store.claim(nonce, T0 + LIFE, T0)).toBe(true);
      expect(await inspect.keys('*')).toEqual([`aegis:nonce:${nonce}`]);
      const ttl = await inspect.pttl(`aegis:nonce:${nonce}`);
      expect(await store.claim(nonce, T0 + 100 * LIFE, T0 + 1)).toBe(false);
      expect(await inspect.get(`aegis:nonce:${nonce}`)).toBe(String(T0 + LIFE));
      expect(await inspect.pttl(`aegis:nonce:${nonce}`)).toBeLessThanOrEqual(ttl);
    });

    it('with real time: Redis drops the key after expiresAt − now, and the nonce is fresh again', async () => {
      const { client, inspect } = await kind.open();
      const prefix = freshPrefix('expiry');
      const store = redisNonceStore({ client, prefix });
      const start = Date.now();
      expect(await store.claim('n', start + 60, start)).toBe(true);
      expect(await store.claim('n', Date.now() + 60, Date.now())).toBe(false);
      await sleep(start + 60 + 25 - Date.now());
      expect(await inspect.keys(`${prefix}*`)).toEqual([]);
      const later = Date.now();
      expect(await store.claim('n', later + LIFE, later)).toBe(true);
      expect(await store.claim('n', later + LIFE, Date.now())).toBe(false);
      expect(await inspect.get(`${prefix}nonce:n`)).toBe(String(later + LIFE));
    });

    it('is atomic across connections: 2 stores × 200 parallel claims of one nonce, exactly one fresh', async () => {
      const prefix = freshPrefix('race');
      const one = redisNonceStore({ client: (await kind.open()).client, prefix });
      const two = redisNonceStore({ client: (await kind.open()).client, prefix });
      const answers = await Promise.all(Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? one : two).claim('shared', T0 + LIFE, T0)));
      expect(answers.filter(Boolean).length).toBe(1);
    });

    it('runs again after the server forgot its scripts (EVAL on NOSCRIPT)', async () => {
      const { client, inspect } = await kind.open();
      const store = redisNonceStore({ client, prefix: freshPrefix('noscript') });
      expect(await store.claim('a', T0 + LIFE, T0)).toBe(true);
      await inspect.scriptFlush();
      expect(await store.claim('a', T0 + LIFE, T0)).toBe(false);
      await inspect.scriptFlush();
      expect(await store.claim('b', T0 + LIFE, T0)).toBe(true);
    });

    it("close() leaves the application's client open; the closed store refuses claims", async () => {
      const { client, inspect, isOpen } = await kind.open();
      const prefix = freshPrefix('close');
      const store = redisNonceStore({ client, prefix });
      expect(await store.claim('n', T0 + LIFE, T0)).toBe(true);
      await store.close();
      expect(isOpen()).toBe(true);
      expect(await inspect.ping()).toBe('PONG');
      await expect(store.claim('n', T0 + LIFE, T0)).rejects.toThrow('This Redis nonce store is closed; make a new one with redisNonceStore().');
      await expect(store.claim('n', T0 + LIFE, T0)).rejects.toThrow(CLOSED);
      expect(await redisNonceStore({ client, prefix }).claim('n', T0 + LIFE, T0 + 1)).toBe(false);
    });

    it('rejects within the timeout when its server is stopped, and never answers true', async () => {
      const own = await startRedisServer();
      try {
        const { client } = await kind.open(0, own);
        const store = redisNonceStore({ client, prefix: freshPrefix('stopped'), timeout: 200 });
        expect(await store.claim('n', T0 + LIFE, T0)).toBe(true);
        await own.stop();
        const started = Date.now();
        const error = await store.claim('m', T0 + LIFE, T0).catch((e: unknown) => e);
        expect(Date.now() - started).toBeLessThan(200 + 300);
        expect(error).toBeInstanceOf(Error);
        // node-redis queues the command while it reconnects: the store's timeout ends the wait. ioredis
        // (maxRetriesPerRequest: 1, as useRedis opens it) may give up first with its own error.
        const expected = kind.name === 'node-redis' ? /^Redis did not answer within 200 ms$/ : /^(Redis did not answer within 200 ms|Reached the max retries per request limit \(which is 1\)\..*)$/;
        expect((error as Error).message).toMatch(expected);
        await expect(store.claim('n', T0 + 2 * LIFE, T0 + LIFE)).rejects.toThrow(Error); // expired, but unreachable: still no true
      } finally {
        await own.stop();
      }
    });
  });
}

describe('redisNonceStore with an ioredis client that has its own keyPrefix', () => {
  it('puts the key under keyPrefix + prefix', async () => {
    const prefixed = redis.ioredis({ db: 8, keyPrefix: 'app:' });
    const store = redisNonceStore({ client: prefixed, prefix: 'aegis:' });
    expect(await store.claim('k', T0 + LIFE, T0)).toBe(true);
    const plain = (await kinds[1].open(8)).inspect;
    expect(await plain.keys('*')).toEqual(['app:aegis:nonce:k']);
  });
});

describe('redisNonceStore: options, timeout and inputs the types forbid', () => {
  it('names the bad option and the fix', () => {
    expect(() => redisNonceStore(undefined as unknown as Parameters<typeof redisNonceStore>[0])).toThrow(AegisConfigError);
    expect(() => redisNonceStore({} as Parameters<typeof redisNonceStore>[0])).toThrow(
      'Invalid Redis nonce store options (1 problem):\n  - client: is required. Fix: pass your connected node-redis client (createClient() of `redis`) or ioredis client (new Redis()), or an object with evalScript(script, keys, args).',
    );
    const client = { evalScript: async () => null };
    expect(() => redisNonceStore({ client, prefix: 'bad prefix', timeout: 0 })).toThrow(
      [
        'Invalid Redis nonce store options (2 problems):',
        "  - prefix: \"bad prefix\" is not a usable key prefix. Fix: write a short string without spaces or control characters, such as 'aegis:' or 'myapp:sessions:'.",
        "  - timeout: must be longer than 0. Fix: give a duration such as '2s'.",
      ].join('\n'),
    );
  });

  it('fails fast with the timeout when Redis does not answer', async () => {
    const store = redisNonceStore({ client: { evalScript: () => new Promise(() => undefined) }, timeout: 50 });
    const started = Date.now();
    await expect(store.claim('n', T0 + LIFE, T0)).rejects.toThrow('Redis did not answer within 50 ms');
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('sends one script per claim, and refuses bad arguments before sending anything', async () => {
    const sent: unknown[][] = [];
    const store = redisNonceStore({ client: { evalScript: async (...args: unknown[]) => (sent.push(args), 1) }, prefix: 'p:' });
    await expect(store.claim('', T0 + LIFE, T0)).rejects.toThrow('Nonce store: nonce must be a non-empty string');
    await expect(store.claim('n', T0, T0)).rejects.toThrow('Nonce store: expiresAt must be later than now, got expiresAt 1700000000000 and now 1700000000000.');
    expect(sent).toEqual([]);
    expect(await store.claim('n', T0 + 1000.5, T0 + 0.25)).toBe(true);
    expect(sent.length).toBe(1);
    expect(sent[0]?.slice(1)).toEqual([['p:nonce:n'], ['1700000000000.25', '1700000001000.5', '1001']]);
  });

  it('refuses a reply it does not understand instead of guessing', async () => {
    const store = redisNonceStore({ client: { evalScript: async () => 'OK' } });
    await expect(store.claim('n', T0 + LIFE, T0)).rejects.toThrow('Redis nonce store: unexpected reply "OK".');
  });
});
