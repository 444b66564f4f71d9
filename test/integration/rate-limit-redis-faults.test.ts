/**
 * The Redis rate-limit store failing mid-run, for real: the test's own redis-server is stopped
 * while the server keeps taking requests, then started again on the same port. The configured
 * failure mode holds (open: served; closed: 503), each failure is an event, nothing crashes, and
 * decisions resume once the client has reconnected, without restarting anything.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import { aegis, type AegisEvent } from 'aegis';
import { withAegis } from 'aegis/node';
import { redisRateLimitStore } from 'aegis/stores';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';

let redis: RedisServer | undefined;
let server: Server | undefined;
let client: ReturnType<typeof createClient> | undefined;

afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await client?.disconnect().catch(() => {});
  await redis?.stop();
});

describe('Redis rate-limit store stopped and restarted mid-run', () => {
  it('open stays served, closed answers 503, both emit events; decisions resume when Redis is back', async () => {
    redis = await startRedisServer();
    // Reconnect every 100 ms, and no offline queue: a command sent while Redis is away fails at
    // once instead of running later (a queued decision would count a request twice). node-redis
    // emits 'error' while it reconnects, and an application must listen (Node ends the process on
    // an unhandled 'error').
    client = createClient({ url: redis.url, disableOfflineQueue: true, socket: { reconnectStrategy: () => 100 } });
    client.on('error', () => {});
    await client.connect();
    const events: AegisEvent[] = [];
    const policy = aegis({
      env: 'development',
      quiet: true,
      onEvent: (e) => events.push(e),
      rateLimit: {
        store: redisRateLimitStore({ client, timeout: 300 }),
        routes: { '/open': { limit: '100/min' }, '/closed': { limit: '100/min', onStoreFailure: 'closed' } },
      },
    });
    server = createServer(withAegis(policy, (_req, res) => res.end('ok')));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const base = `http://localhost:${(server.address() as AddressInfo).port}`;
    const get = async (path: string): Promise<[number, string | null]> => {
      const response = await fetch(base + path);
      await response.text();
      return [response.status, response.headers.get('ratelimit')];
    };

    expect(await get('/open')).toEqual([200, '"per-ip";r=99;t=1']);
    expect(await get('/closed')).toEqual([200, '"per-ip";r=99;t=1']);

    const port = redis.port;
    await redis.stop();
    expect(await get('/open')).toEqual([200, null]);
    expect(await get('/closed')).toEqual([503, null]);
    expect(events.map((e) => [e.type, e.path])).toEqual([
      ['ratelimit.store_failed', '/open'],
      ['ratelimit.store_failed', '/closed'],
    ]);

    redis = await startRedisServer({ port });
    let back = await get('/closed');
    for (let tries = 0; back[0] !== 200 && tries < 40; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      back = await get('/closed');
    }
    // The new server is empty (the test's redis keeps nothing on disk): the counter starts again.
    expect(back).toEqual([200, '"per-ip";r=99;t=1']);
    expect(await get('/open')).toEqual([200, '"per-ip";r=99;t=1']);
  });
});

