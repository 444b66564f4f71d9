/**
 * The Redis rate-limit store against a real redis-server, through both clients an application may
 * own: node-redis (`redis`) and ioredis. The shared contract suite runs unchanged on each; then the
 * Redis-specific promises: key layout and prefix, TTL, one script per decision, exactness across
 * connections, the script cache, the app's client left open, options.
 */

import { describe, expect, it } from 'vitest';
import { AegisConfigError } from '../../src/core/config-error.js';
import { redisRateLimitStore } from '../../src/stores/index.js';
import type { RateLimitStore } from '../../src/stores/index.js';
import { allowed, denied, LIMIT, rateLimitStoreContract, T0 } from '../contract/rate-limit-store.contract.js';
import { useRedis } from '../helpers/redis-clients.js';

const redis = useRedis({ prefix: 'rl' });
const { freshPrefix, kinds } = redis;

for (const kind of kinds) {
  const sharedClient = redis.sharedClient(kind);
  rateLimitStoreContract(`redis (${kind.name})`, async () => redisRateLimitStore({ client: await sharedClient(), prefix: freshPrefix('contract') }));

  describe(`redisRateLimitStore with ${kind.name}`, () => {
    it('keeps one string per key, <prefix>rl:<key>, holding the TAT in microseconds, with a TTL of the burst window', async () => {
      const { client, inspect } = await kind.open();
      const prefix = freshPrefix('layout');
      const store = redisRateLimitStore({ client, prefix });
      await store.consume('ip:1', { intervalMs: 1000 / 3, burst: 3 }, T0 + 0.5);
      expect(await store.consume('user:a', { intervalMs: 60_000, burst: 10 }, T0, 4)).toEqual(allowed(6, 240_000));
      expect(await inspect.keys(`${prefix}*`)).toEqual([`${prefix}rl:ip:1`, `${prefix}rl:user:a`]);
      expect(await inspect.get(`${prefix}rl:ip:1`)).toBe(String(T0 * 1000 + 500 + 333_333));
      expect(await inspect.get(`${prefix}rl:user:a`)).toBe(String((T0 + 240_000) * 1000));
      const ttl = await inspect.pttl(`${prefix}rl:user:a`);
      expect(ttl).toBeGreaterThan(600_000 - 5_000);
      expect(ttl).toBeLessThanOrEqual(600_000);
      await store.reset('user:a');
      expect(await inspect.keys(`${prefix}*`)).toEqual([`${prefix}rl:ip:1`]);
    });

    it("the default prefix is 'aegis:', and a denied request leaves the value and TTL alone", async () => {
      const { client, inspect } = await kind.open(kind.name === 'ioredis' ? 7 : 6);
      const store = redisRateLimitStore({ client });
      await store.reset('k');
      for (let i = 0; i < 5; i++) await store.consume('k', LIMIT, T0);
      expect(await inspect.keys('*')).toEqual(['aegis:rl:k']);
      const value = await inspect.get('aegis:rl:k');
      const ttl = await inspect.pttl('aegis:rl:k');
      expect(await store.consume('k', LIMIT, T0)).toEqual(denied(1000, 5000));
      expect(await inspect.get('aegis:rl:k')).toBe(value);
      expect(await inspect.pttl('aegis:rl:k')).toBeLessThanOrEqual(ttl);
    });

    it('lets Redis drop the key once its TAT is past (PX = the burst window)', async () => {
      const { client, inspect } = await kind.open();
      const prefix = freshPrefix('expiry');
      const store = redisRateLimitStore({ client, prefix });
      expect(await store.consume('k', { intervalMs: 30, burst: 2 }, T0)).toEqual(allowed(1, 30));
      expect(await inspect.keys(`${prefix}*`)).toEqual([`${prefix}rl:k`]);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await inspect.keys(`${prefix}*`)).toEqual([]);
    });

    it('is exact across connections: 2 stores × 300 parallel requests at one instant allow exactly burst', async () => {
      const prefix = freshPrefix('race');
      const one = redisRateLimitStore({ client: (await kind.open()).client, prefix });
      const two = redisRateLimitStore({ client: (await kind.open()).client, prefix });
      const limit = { intervalMs: 10, burst: 250 };
      const decisions = await Promise.all(Array.from({ length: 600 }, (_, i) => (i % 2 === 0 ? one : two).consume('shared', limit, T0)));
      expect(decisions.filter((d) => d.allowed).length).toBe(250);
      expect(decisions.filter((d) => !d.allowed).every((d) => d.retryAfterMs === 10 && d.resetAfterMs === 2500)).toBe(true);
    });

    it('runs again after the server forgot its scripts (EVAL on NOSCRIPT)', async () => {
      const { client, inspect } = await kind.open();
      const store = redisRateLimitStore({ client, prefix: freshPrefix('noscript') });
      expect(await store.consume('k', LIMIT, T0)).toEqual(allowed(4, 1000));
      await inspect.scriptFlush();
      expect(await store.consume('k', LIMIT, T0)).toEqual(allowed(3, 2000));
      await inspect.scriptFlush();
      await store.reset('k');
      expect(await store.consume('k', LIMIT, T0)).toEqual(allowed(4, 1000));
    });

    it("close() leaves the application's client open; the closed store refuses further calls", async () => {
      const { client, inspect, isOpen } = await kind.open();
      const prefix = freshPrefix('close');
      const store = redisRateLimitStore({ client, prefix });
      await store.consume('k', LIMIT, T0);
      await store.close();
      expect(isOpen()).toBe(true);
      expect(await inspect.ping()).toBe('PONG');
      await expect(store.consume('k', LIMIT, T0)).rejects.toThrow('This Redis rate limit store is closed; make a new one with redisRateLimitStore().');
      expect(await redisRateLimitStore({ client, prefix }).consume('k', LIMIT, T0)).toEqual(allowed(3, 2000));
    });
  });
}

describe('redisRateLimitStore with an ioredis client that has its own keyPrefix', () => {
  it('puts the key under keyPrefix + prefix', async () => {
    const prefixed = redis.ioredis({ db: 8, keyPrefix: 'app:' });
    const store = redisRateLimitStore({ client: prefixed, prefix: 'aegis:' });
    await store.consume('k', LIMIT, T0);
    const plain = (await kinds[1].open(8)).inspect;
    expect(await plain.keys('*')).toEqual(['app:aegis:rl:k']);
  });
});

describe('redisRateLimitStore: options, timeout and inputs the types forbid', () => {
  it('names the bad option and the fix', () => {
    expect(() => redisRateLimitStore(undefined as unknown as Parameters<typeof redisRateLimitStore>[0])).toThrow(AegisConfigError);
    expect(() => redisRateLimitStore({} as Parameters<typeof redisRateLimitStore>[0])).toThrow(
      'Invalid Redis rate limit store options (1 problem):\n  - client: is required. Fix: pass your connected node-redis client (createClient() of `redis`) or ioredis client (new Redis()), or an object with evalScript(script, keys, args).',
    );
    const client = { evalScript: async () => null };
    expect(() => redisRateLimitStore({ client, prefix: 'bad prefix', timeout: 0 })).toThrow(
      [
        'Invalid Redis rate limit store options (2 problems):',
        "  - prefix: \"bad prefix\" is not a usable key prefix. Fix: write a short string without spaces or control characters, such as 'aegis:' or 'myapp:sessions:'.",
        "  - timeout: must be longer than 0. Fix: give a duration such as '2s'.",
      ].join('\n'),
    );
  });

  it('fails fast with the timeout when Redis does not answer', async () => {
    const store = redisRateLimitStore({ client: { evalScript: () => new Promise(() => undefined) }, timeout: 50 });
    await expect(store.consume('k', LIMIT, T0)).rejects.toThrow('Redis did not answer within 50 ms');
  });

  it('sends one script per decision and refuses bad arguments before sending anything', async () => {
    const sent: unknown[][] = [];
    const store: RateLimitStore = redisRateLimitStore({
      client: { evalScript: async (...args: unknown[]) => (sent.push(args), T0 * 1000 + 500) },
      prefix: 'p:',
    });
    await expect(store.consume('', LIMIT, T0)).rejects.toThrow('Rate limit store: key must be a non-empty string');
    await expect(store.consume('k', LIMIT, T0, 6)).rejects.toThrow('Rate limit store: cost must be an integer from 1 to limit.burst (5), got number 6.');
    await expect(store.reset('')).rejects.toThrow('Rate limit store: key must be a non-empty string');
    expect(sent).toEqual([]);
    expect(await store.consume('k', { intervalMs: 1000 / 3, burst: 3 }, T0 + 0.5, 2)).toEqual(allowed(1, 667));
    expect(sent.length).toBe(1);
    expect(sent[0]?.slice(1)).toEqual([['p:rl:k'], [String(T0 * 1000 + 500), '666666', String(T0 * 1000 + 500 + 999_999 - 666_666), '1000']]);
  });
});
