/**
 * The Redis session store against a real redis-server, through both clients an application may
 * own: node-redis (`redis`) and ioredis. The shared contract suite runs unchanged on each; then the
 * Redis-specific promises: key prefix, TTLs, two processes sharing revocations, the app's client
 * left open, concurrency, the script cache, option errors.
 */

import { describe, expect, it } from 'vitest';
import { AegisConfigError } from '../../src/core/config-error.js';
import { redisSessionStore } from '../../src/stores/redis/index.js';
import type { SessionStore } from '../../src/stores/index.js';
import { record, sessionStoreContract, T0 } from '../contract/session-store.contract.js';
import { useRedis } from '../helpers/redis-clients.js';

const MIN = 60_000;

const redis = useRedis({ prefix: 't' });
const { freshPrefix, kinds } = redis;

for (const [index, kind] of kinds.entries()) {
  // Databases of their own for the tests that SCAN everything: 1 and 2 for node-redis, 3 and 4 for ioredis.
  const scanDb = 2 * index + 1;
  const defaultPrefixDb = 2 * index + 2;
  // The contract's `make` runs inside each test, after beforeAll: one connection per kind, reused.
  const sharedClient = redis.sharedClient(kind);
  sessionStoreContract(`redis (${kind.name})`, async () => redisSessionStore({ client: await sharedClient(), prefix: freshPrefix('contract') }));

  describe(`redisSessionStore with ${kind.name}`, () => {
    it('writes only keys under its prefix: <prefix>sess:<id> and <prefix>user:<userId>', async () => {
      const { client, inspect } = await kind.open(scanDb);
      const prefix = 'app1:';
      const store = redisSessionStore({ client, prefix });
      await store.create('s1', record({ userId: 'alice', data: { a: 1 } }));
      await store.create('s2', record());
      await store.update('s2', { set: { b: 2 }, userId: 'bob' }, T0);
      await store.rotate('s1', 's3', record({ userId: 'alice' }));
      expect(await inspect.scanAll()).toEqual([`${prefix}sess:s2`, `${prefix}sess:s3`, `${prefix}user:alice`, `${prefix}user:bob`]);
      await store.destroyByUser('alice');
      await store.destroyByUser('bob');
      expect(await inspect.scanAll()).toEqual([]);
    });

    it("the default prefix is 'aegis:'", async () => {
      const { client, inspect } = await kind.open(defaultPrefixDb);
      const store = redisSessionStore({ client });
      await store.create('s1', record({ userId: 'alice' }));
      expect(await inspect.scanAll()).toEqual(['aegis:sess:s1', 'aegis:user:alice']);
    });

    it('sets TTLs until the earlier deadline, slides them with the idle deadline, and keeps the user index alive as long', async () => {
      const { client, inspect } = await kind.open();
      const prefix = freshPrefix('ttl');
      const store = redisSessionStore({ client, prefix });
      const sess = `${prefix}sess:s1`;
      const index = `${prefix}user:alice`;

      await store.create('s1', record({ userId: 'alice' })); // idle deadline 30 min after createdAt
      // The index is read first: both TTLs were equal when set, so it cannot read lower than the session's.
      const indexTtl = await inspect.pttl(index);
      const created = await inspect.pttl(sess);
      expect(created).toBeGreaterThan(30 * MIN - 5_000);
      expect(created).toBeLessThanOrEqual(30 * MIN);
      expect(indexTtl).toBeGreaterThanOrEqual(created);

      await store.update('s1', { idleExpiresAt: T0 + 70 * MIN }, T0 + 20 * MIN); // capped by absolute (60 min): 40 min left
      const slidIndex = await inspect.pttl(index);
      const slid = await inspect.pttl(sess);
      expect(slid).toBeGreaterThan(40 * MIN - 5_000);
      expect(slid).toBeLessThanOrEqual(40 * MIN);
      expect(slidIndex).toBeGreaterThanOrEqual(slid);

      await store.update('s1', { set: { a: 1 } }, T0 + 50 * MIN); // no slide: 10 min left to the absolute deadline
      const late = await inspect.pttl(sess);
      expect(late).toBeGreaterThan(10 * MIN - 5_000);
      expect(late).toBeLessThanOrEqual(10 * MIN);

      await store.create('anon', record({ idleExpiresAt: T0 + 5 * MIN }));
      const anon = await inspect.pttl(`${prefix}sess:anon`);
      expect(anon).toBeGreaterThan(0);
      expect(anon).toBeLessThanOrEqual(5 * MIN);
    });

    it('two instances on two connections (two processes) see each other’s revocations on their next call', async () => {
      const prefix = freshPrefix('shared');
      const a = redisSessionStore({ client: (await kind.open()).client, prefix });
      const b = redisSessionStore({ client: (await kind.open()).client, prefix });
      await a.create('phone', record({ userId: 'alice', data: { device: 'phone' } }));
      await a.create('laptop', record({ userId: 'alice', data: { device: 'laptop' } }));
      await b.create('tablet', record({ userId: 'alice', data: { device: 'tablet' } }));
      expect((await b.listByUser('alice', T0)).map(([id]) => id)).toEqual(['laptop', 'phone', 'tablet']);
      expect(await b.get('phone', T0)).toEqual(record({ userId: 'alice', data: { device: 'phone' } }));

      expect(await b.destroy('phone')).toBe(true); // revoke one session in "process" B
      expect(await a.get('phone', T0)).toBeUndefined();
      expect(await a.update('phone', { set: { x: 1 } }, T0)).toBeUndefined();

      expect(await a.destroyByUser('alice')).toBe(2); // "sign out everywhere" in A
      expect(await b.get('laptop', T0)).toBeUndefined();
      expect(await b.get('tablet', T0)).toBeUndefined();
      expect(await b.listByUser('alice', T0)).toEqual([]);

      await a.create('fixated', record({ data: { step: 1 } }));
      expect(await b.rotate('fixated', 'fresh', record({ userId: 'alice' }))).toBe(true); // rotation in B
      expect(await a.get('fixated', T0)).toBeUndefined();
      expect(await a.get('fresh', T0)).toEqual(record({ userId: 'alice' }));
    });

    it("close() leaves the application's client open; the closed store refuses further calls", async () => {
      const { client, inspect, isOpen } = await kind.open();
      const prefix = freshPrefix('close');
      const store = redisSessionStore({ client, prefix });
      await store.create('s1', record());
      await store.close();
      expect(isOpen()).toBe(true);
      expect(await inspect.ping()).toBe('PONG');
      await expect(store.get('s1', T0)).rejects.toThrow('This Redis session store is closed; make a new one with redisSessionStore().');
      const again = redisSessionStore({ client, prefix });
      expect(await again.get('s1', T0)).toEqual(record());
    });

    it('50 parallel updates of distinct keys, from two connections, all land', async () => {
      const prefix = freshPrefix('concurrent');
      const one = redisSessionStore({ client: (await kind.open()).client, prefix });
      const two = redisSessionStore({ client: (await kind.open()).client, prefix });
      await one.create('s1', record({ data: { base: true }, userId: 'alice' }));
      const updates = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? one : two).update('s1', { set: { [`k${i}`]: { i } } }, T0 + i));
      const results = await Promise.all(updates);
      expect(results.every((r) => r !== undefined)).toBe(true);
      const expected: Record<string, unknown> = { base: true };
      for (let i = 0; i < 50; i++) expected[`k${i}`] = { i };
      expect(await one.get('s1', T0 + 50)).toEqual(record({ data: expected, userId: 'alice' }));
    });

    it('runs again after the server forgot its scripts (SCRIPT FLUSH, a restart, a failover): EVAL on NOSCRIPT', async () => {
      const { client, inspect } = await kind.open();
      const store = redisSessionStore({ client, prefix: freshPrefix('noscript') });
      await store.create('s1', record({ data: { a: 1 } }));
      await inspect.scriptFlush();
      expect(await store.get('s1', T0)).toEqual(record({ data: { a: 1 } }));
      await inspect.scriptFlush();
      expect(await store.update('s1', { set: { b: 2 } }, T0)).toEqual(record({ data: { a: 1, b: 2 } }));
    });

    it('keeps a key named __proto__ as plain data', async () => {
      const { client } = await kind.open();
      const store = redisSessionStore({ client, prefix: freshPrefix('proto') });
      await store.create('s1', record());
      const merged = await store.update('s1', { set: JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown> }, T0);
      expect(Object.getPrototypeOf(merged?.data)).toBe(Object.prototype);
      expect(Object.keys(merged?.data ?? {})).toEqual(['__proto__']);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });
  });
}

describe('redisSessionStore with an ioredis client that has its own keyPrefix', () => {
  it('puts every key under keyPrefix + prefix, and revoking a user still finds every session', async () => {
    const prefixed = redis.ioredis({ db: 5, keyPrefix: 'app:' });
    const store = redisSessionStore({ client: prefixed, prefix: 'aegis:' });
    await store.create('s1', record({ userId: 'alice' }));
    await store.create('s2', record());
    await store.update('s2', { userId: 'alice', set: { a: 1 } }, T0);
    await store.rotate('s1', 's3', record({ userId: 'alice' }));
    expect(await (await kinds[1].open(5)).inspect.scanAll()).toEqual(['app:aegis:sess:s2', 'app:aegis:sess:s3', 'app:aegis:user:alice']);
    expect((await store.listByUser('alice', T0)).map(([id]) => id)).toEqual(['s2', 's3']);
    expect(await store.destroyByUser('alice')).toBe(2);
    expect(await (await kinds[1].open(5)).inspect.scanAll()).toEqual([]);
  });
});

describe('redisSessionStore: options and inputs the types forbid', () => {
  it('names the bad option and the fix', () => {
    expect(() => redisSessionStore(undefined as unknown as Parameters<typeof redisSessionStore>[0])).toThrow(AegisConfigError);
    expect(() => redisSessionStore(undefined as unknown as Parameters<typeof redisSessionStore>[0])).toThrow(
      "Invalid Redis session store options (1 problem):\n  - options: must be an object, got undefined. Fix: pass { client: yourRedisClient, prefix?: 'aegis:' }.",
    );
    expect(() => redisSessionStore({} as Parameters<typeof redisSessionStore>[0])).toThrow(
      'Invalid Redis session store options (1 problem):\n  - client: is required. Fix: pass your connected node-redis client (createClient() of `redis`) or ioredis client (new Redis()), or an object with evalScript(script, keys, args).',
    );
    expect(() => redisSessionStore({ client: { get() {} } as unknown as Parameters<typeof redisSessionStore>[0]['client'], prefix: 'bad prefix', prefx: 'x' } as Parameters<typeof redisSessionStore>[0])).toThrow(
      [
        'Invalid Redis session store options (3 problems):',
        '  - prefx: unknown option. Fix: did you mean "prefix"?',
        '  - client: an object is not a Redis client Aegis recognises. Fix: pass your connected node-redis client (createClient() of `redis`) or ioredis client (new Redis()), or an object with evalScript(script, keys, args).',
        "  - prefix: \"bad prefix\" is not a usable key prefix. Fix: write a short string without spaces or control characters, such as 'aegis:' or 'myapp:sessions:'.",
      ].join('\n'),
    );
  });

  it('checks the timeout option', () => {
    const client = { evalScript: async () => null };
    expect(() => redisSessionStore({ client, timeout: 'soon' as unknown as number })).toThrow(
      'Invalid Redis session store options (1 problem):\n  - timeout: "soon" is not a duration. Fix: give milliseconds (30000) or a duration string (\'30s\', \'5m\').',
    );
    expect(() => redisSessionStore({ client, timeout: 0 })).toThrow("  - timeout: must be longer than 0. Fix: give a duration such as '2s'.");
    expect(() => redisSessionStore({ client, timeout: '500ms' })).not.toThrow();
  });

  it('refuses ids, records and times that are not what the contract says, before any command is sent', async () => {
    const sent: unknown[] = [];
    const store: SessionStore = redisSessionStore({ client: { evalScript: async (...args: unknown[]) => void sent.push(args) } });
    await expect(store.get(undefined as unknown as string, T0)).rejects.toThrow('Session store: id must be a non-empty string, got undefined.');
    await expect(store.create('', record())).rejects.toThrow('id must be a non-empty string, got an empty string.');
    await expect(store.create('s1', record({ idleExpiresAt: Number.NaN }))).rejects.toThrow('record.idleExpiresAt must be a finite number');
    await expect(store.get('s1', Number.POSITIVE_INFINITY)).rejects.toThrow('now must be a finite number');
    await expect(store.update('s1', { userId: '' }, T0)).rejects.toThrow('change.userId must be a non-empty string');
    await expect(store.rotate('a', '', record())).rejects.toThrow('newId must be a non-empty string');
    await expect(store.destroyByUser('')).rejects.toThrow('userId must be a non-empty string');
    expect(sent).toEqual([]);
  });
});
