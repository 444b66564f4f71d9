/**
 * The Redis rate-limit store against a real redis-server, through both clients an application may
 * own: node-redis (`redis`) and ioredis. The shared contract suite runs unchanged on each; then the
 * Redis-specific promises: key layout and prefix, TTL, one script per decision, exactness across
 * connections, the script cache, the app's client left open, options.
 */

import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AegisConfigError } from '../../src/core/config-error.js';
import { redisRateLimitStore } from '../../src/stores/index.js';
import type { RateLimitStore } from '../../src/stores/index.js';
import { allowed, denied, LIMIT, rateLimitStoreContract, T0 } from '../contract/rate-limit-store.contract.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';

type Client = Parameters<typeof redisRateLimitStore>[0]['client'];

/** Raw commands the tests use to look inside Redis, whichever client made the store. */
interface Inspector {
  keys(pattern: string): Promise<string[]>;
  get(key: string): Promise<string | null>;
  pttl(key: string): Promise<number>;
  scriptFlush(): Promise<void>;
  ping(): Promise<string>;
}

interface ClientKind {
  readonly name: string;
  open(db?: number): Promise<{ client: Client; inspect: Inspector; isOpen(): boolean }>;
}

let server: RedisServer;
const clients: Array<{ close(): Promise<unknown> }> = [];
let prefixes = 0;
/** A prefix no other test uses, so each store starts empty on the one shared server. */
const freshPrefix = (label: string): string => `rl${++prefixes}:${label}:`;

const kinds: ClientKind[] = [
  {
    name: 'node-redis',
    async open(db = 0) {
      const client = createClient({ url: `${server.url}/${db}` });
      client.on('error', () => undefined);
      await client.connect();
      clients.push({ close: () => (client.isOpen ? client.quit() : Promise.resolve()) });
      const inspect: Inspector = {
        keys: async (pattern) => (await client.keys(pattern)).sort(),
        get: (key) => client.get(key),
        pttl: (key) => client.pTTL(key),
        scriptFlush: async () => void (await client.scriptFlush()),
        ping: () => client.ping(),
      };
      return { client: client as unknown as Client, inspect, isOpen: () => client.isOpen && client.isReady };
    },
  },
  {
    name: 'ioredis',
    async open(db = 0) {
      const client = new Redis({ host: server.host, port: server.port, db, maxRetriesPerRequest: 1 });
      clients.push({ close: () => (client.status === 'end' ? Promise.resolve() : client.quit()) });
      await client.ping();
      const inspect: Inspector = {
        keys: async (pattern) => (await client.keys(pattern)).sort(),
        get: (key) => client.get(key),
        pttl: (key) => client.pttl(key),
        scriptFlush: async () => void (await client.script('FLUSH')),
        ping: () => client.ping(),
      };
      return { client, inspect, isOpen: () => client.status === 'ready' };
    },
  },
];

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await server?.stop();
});

for (const kind of kinds) {
  let shared: Awaited<ReturnType<ClientKind['open']>> | undefined;
  rateLimitStoreContract(`redis (${kind.name})`, async () => {
    shared ??= await kind.open();
    return redisRateLimitStore({ client: shared.client, prefix: freshPrefix('contract') });
  });

  describe(`redisRateLimitStore with ${kind.name}`, () => {
    it('keeps one string per key, <prefix>rl:<key>, holding the TAT in microseconds, with a TTL of resetAfterMs', async () => {
      const { client, inspect } = await kind.open();
      const prefix = freshPrefix('layout');
      const store = redisRateLimitStore({ client, prefix });
      await store.consume('ip:1', { intervalMs: 1000 / 3, burst: 3 }, T0 + 0.5);
      expect(await store.consume('user:a', { intervalMs: 60_000, burst: 10 }, T0, 4)).toEqual(allowed(6, 240_000));
      expect(await inspect.keys(`${prefix}*`)).toEqual([`${prefix}rl:ip:1`, `${prefix}rl:user:a`]);
      expect(await inspect.get(`${prefix}rl:ip:1`)).toBe(String(T0 * 1000 + 500 + 333_333));
      expect(await inspect.get(`${prefix}rl:user:a`)).toBe(String((T0 + 240_000) * 1000));
      const ttl = await inspect.pttl(`${prefix}rl:user:a`);
      expect(ttl).toBeGreaterThan(240_000 - 5_000);
      expect(ttl).toBeLessThanOrEqual(240_000);
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

    it('lets Redis drop the key once its TAT is past (PX = resetAfterMs)', async () => {
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
    const prefixed = new Redis({ host: server.host, port: server.port, db: 8, keyPrefix: 'app:' });
    clients.push({ close: () => prefixed.quit() });
    const store = redisRateLimitStore({ client: prefixed, prefix: 'aegis:' });
    await store.consume('k', LIMIT, T0);
    const plain = (await kinds[1]?.open(8))?.inspect;
    expect(await plain?.keys('*')).toEqual(['app:aegis:rl:k']);
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
      client: { evalScript: async (...args: unknown[]) => (sent.push(args), [1, String(T0 * 1000 + 500)]) },
      prefix: 'p:',
    });
    await expect(store.consume('', LIMIT, T0)).rejects.toThrow('Rate limit store: key must be a non-empty string');
    await expect(store.consume('k', LIMIT, T0, 6)).rejects.toThrow('Rate limit store: cost must be an integer from 1 to limit.burst (5), got number 6.');
    await expect(store.reset('')).rejects.toThrow('Rate limit store: key must be a non-empty string');
    expect(sent).toEqual([]);
    expect(await store.consume('k', { intervalMs: 1000 / 3, burst: 3 }, T0 + 0.5, 2)).toEqual(allowed(1, 667));
    expect(sent.length).toBe(1);
    expect(sent[0]?.slice(1)).toEqual([['p:rl:k'], [String(T0 * 1000 + 500), '333333', '999999', '2']]);
  });
});
