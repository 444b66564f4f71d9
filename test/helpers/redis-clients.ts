/**
 * The two Redis clients an application may own, node-redis (`redis`) and ioredis, opened on a real
 * redis-server for the Redis store tests. `useRedis()` starts one server for the test file
 * (beforeAll), gives each client kind an `open()` that returns the client, an inspector for raw
 * commands and `isOpen()`, and closes every client and stops the server in afterAll.
 */

import { Redis, type RedisOptions } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll } from 'vitest';
import type { RedisStoreOptions } from '../../src/stores/redis/options.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

/** What a Redis store takes as `client`. */
export type RedisClient = RedisStoreOptions['client'];

/** Raw commands the tests use to look inside Redis, whichever client made the store. */
export interface RedisInspector {
  /** KEYS, sorted. */
  keys(pattern: string): Promise<string[]>;
  /** Every key of the database by SCAN, sorted. */
  scanAll(): Promise<string[]>;
  get(key: string): Promise<string | null>;
  hgetall(key: string): Promise<Record<string, string>>;
  pttl(key: string): Promise<number>;
  scriptFlush(): Promise<void>;
  ping(): Promise<string>;
}

/** One connection of a client kind. */
export interface OpenedRedisClient {
  readonly client: RedisClient;
  readonly inspect: RedisInspector;
  /** Whether the client is still connected and ready. */
  isOpen(): boolean;
  /** Closes the connection at once (a client of a stopped server would reconnect for ever). */
  drop(): void;
}

/** One application client kind: how to open a connection (on a database, of a server) and look inside with it. */
export interface RedisClientKind {
  readonly name: 'node-redis' | 'ioredis';
  open(db?: number, target?: RedisServer): Promise<OpenedRedisClient>;
}

/** The test file's redis-server and client kinds, from {@link useRedis}. */
export interface RedisFixture {
  /** The shared server (set in beforeAll). */
  readonly server: RedisServer;
  /** node-redis, then ioredis. */
  readonly kinds: readonly [RedisClientKind, RedisClientKind];
  /** A prefix no other test uses, so each store starts empty on the one shared server. */
  freshPrefix(label: string): string;
  /** One connection of `kind` opened on first use and reused: for the contract suite's `make`. */
  sharedClient(kind: RedisClientKind): () => Promise<RedisClient>;
  /** An ioredis client on the shared server with extra options (such as `keyPrefix`), closed in afterAll. */
  ioredis(options: RedisOptions): Redis;
}

/**
 * Starts a redis-server for this test file and closes every client opened through the fixture.
 * `prefix` starts each fresh key prefix. With `retryMs`, both clients reconnect every `retryMs` and
 * queue commands meanwhile; without, ioredis gives up a command after one retry.
 */
export function useRedis(options: { prefix: string; retryMs?: number }): RedisFixture {
  let server: RedisServer | undefined;
  const drops: Array<() => void> = [];
  let prefixes = 0;
  const { retryMs } = options;
  const shared = (): RedisServer => {
    if (server === undefined) throw new Error('the redis-server is not started yet: use it inside a test or hook');
    return server;
  };

  const nodeRedis: RedisClientKind = {
    name: 'node-redis',
    async open(db = 0, target = shared()) {
      const client = createClient({ url: `${target.url}/${db}`, ...(retryMs === undefined ? {} : { socket: { reconnectStrategy: () => retryMs } }) });
      client.on('error', () => undefined);
      await client.connect();
      const drop = (): void => void (client.isOpen && client.destroy());
      drops.push(drop);
      const inspect: RedisInspector = {
        keys: async (pattern) => (await client.keys(pattern)).sort(),
        async scanAll() {
          const keys: string[] = [];
          for await (const batch of client.scanIterator({ MATCH: '*', COUNT: 100 })) keys.push(...(batch as unknown as string[]));
          return keys.sort();
        },
        get: (key) => client.get(key),
        hgetall: async (key) => ({ ...(await client.hGetAll(key)) }),
        pttl: (key) => client.pTTL(key),
        scriptFlush: async () => void (await client.scriptFlush()),
        ping: () => client.ping(),
      };
      return { client: client as unknown as RedisClient, inspect, isOpen: () => client.isOpen && client.isReady, drop };
    },
  };

  const ioredisClient = (target: RedisServer, extra: RedisOptions): Redis => {
    const client = new Redis({ host: target.host, port: target.port, ...(retryMs === undefined ? { maxRetriesPerRequest: 1 } : { retryStrategy: () => retryMs }), ...extra });
    client.on('error', () => undefined);
    drops.push(() => client.disconnect());
    return client;
  };

  const ioredis: RedisClientKind = {
    name: 'ioredis',
    async open(db = 0, target = shared()) {
      const client = ioredisClient(target, { db });
      await client.ping();
      const inspect: RedisInspector = {
        keys: async (pattern) => (await client.keys(pattern)).sort(),
        async scanAll() {
          const keys: string[] = [];
          let cursor = '0';
          do {
            const [next, batch] = await client.scan(cursor, 'MATCH', '*', 'COUNT', 100);
            keys.push(...batch);
            cursor = next;
          } while (cursor !== '0');
          return keys.sort();
        },
        get: (key) => client.get(key),
        hgetall: (key) => client.hgetall(key),
        pttl: (key) => client.pttl(key),
        scriptFlush: async () => void (await client.script('FLUSH')),
        ping: () => client.ping(),
      };
      return { client, inspect, isOpen: () => client.status === 'ready', drop: () => client.disconnect() };
    },
  };

  beforeAll(async () => {
    server = await startRedisServer();
  });

  afterAll(async () => {
    for (const drop of drops.splice(0)) {
      try {
        drop();
      } catch {
        // already closed
      }
    }
    await server?.stop();
  });

  return {
    get server() {
      return shared();
    },
    kinds: [nodeRedis, ioredis],
    freshPrefix: (label) => `${options.prefix}${++prefixes}:${label}:`,
    sharedClient(kind) {
      let opened: Promise<OpenedRedisClient> | undefined;
      return async () => (await (opened ??= kind.open())).client;
    },
    ioredis: (extra) => ioredisClient(shared(), extra),
  };
}
