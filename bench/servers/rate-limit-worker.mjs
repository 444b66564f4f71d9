// One rate limiter in a process of its own, for bench/rate-limit.mjs (one process per contender:
// no JIT or GC cross-talk between them). Two modes:
//
//   node rate-limit-worker.mjs throughput <aegis|rlf|erl> <memory|redis> <allowed|denied>
//     Sets the limiter up, then answers IPC messages { run: seconds }: it makes decisions for that
//     long, CONCURRENCY (64) in flight, keys in turn (round robin over KEYS keys), each call awaited
//     as a request handler awaits it, and replies { decisions, allowed, denied, wallMs, cpuMicros }.
//     'allowed': a limit no key reaches during the run; 'denied': every key was consumed up to its
//     limit (1 per hour) before the first run, so every decision is a denial.
//     Redis: BENCH_RATELIMIT_REDIS (redis://…) and BENCH_RATELIMIT_CLIENT (node-redis | ioredis).
//   node --expose-gc rate-limit-worker.mjs memory <aegis|rlf|erl> <count>
//     V8 heap used by <count> tracked keys (one decision each) minus the same limiter empty, after
//     full GCs; prints one JSON line.
//
// The limiters, the same limit for all three:
//   aegis  memoryRateLimitStore() / redisRateLimitStore({ client }): consume(key, { intervalMs, burst }, Date.now())
//   rlf    rate-limiter-flexible RateLimiterMemory / RateLimiterRedis: consume(key) (rejects on denial)
//   erl    express-rate-limit's MemoryStore: increment(key), allowed when totalHits <= limit (the
//          comparison its middleware makes); memory only.
import { createRequire } from 'node:module';
import { memoryRateLimitStore, redisRateLimitStore } from 'aegis/stores';
import { MemoryStore } from 'express-rate-limit';

const require = createRequire(import.meta.url);
const { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } = require('rate-limiter-flexible');

const HOUR_MS = 3_600_000;
/** 'allowed': 10 million per hour, far above what a key gets in a run; 'denied': 1 per hour. */
const LIMITS = { allowed: 10_000_000, denied: 1 };
const KEYS = Number(process.env.BENCH_RATELIMIT_KEYS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_RATELIMIT_CONCURRENCY ?? 64);

/** Client-side keys as a server would derive them from the client's address. */
const keyOf = (i) => `ip:10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;

async function redisClient() {
  const url = process.env.BENCH_RATELIMIT_REDIS;
  if (process.env.BENCH_RATELIMIT_CLIENT === 'ioredis') {
    const { Redis } = await import('ioredis');
    const client = new Redis(url, { lazyConnect: true });
    await client.connect();
    return { client, lib: 'ioredis', close: () => client.quit() };
  }
  const { createClient } = await import('redis');
  const client = await createClient({ url }).connect();
  return { client, lib: 'node-redis', close: () => client.quit() };
}

/**
 * { decide(key) → Promise<boolean> (allowed), close() } for one contender. Each `decide` is the
 * contender's own call plus the least code that reads its verdict.
 */
async function limiter(impl, backend, points, { maxKeys } = {}) {
  const redis = backend === 'redis' ? await redisClient() : undefined;
  const close = async () => redis?.close();
  if (impl === 'aegis') {
    const limit = { intervalMs: HOUR_MS / points, burst: points };
    const store = backend === 'redis' ? redisRateLimitStore({ client: redis.client }) : memoryRateLimitStore(maxKeys ? { maxKeys } : {});
    return { decide: async (key) => (await store.consume(key, limit, Date.now())).allowed, close };
  }
  if (impl === 'rlf') {
    const options = { points, duration: HOUR_MS / 1000 };
    const rlf =
      backend === 'redis'
        ? new RateLimiterRedis({ ...options, storeClient: redis.client, useRedisPackage: redis.lib === 'node-redis' })
        : new RateLimiterMemory(options);
    return {
      async decide(key) {
        try {
          await rlf.consume(key);
          return true;
        } catch (error) {
          if (error instanceof RateLimiterRes) return false;
          throw error;
        }
      },
      close,
    };
  }
  if (impl === 'erl') {
    if (backend !== 'memory') throw new Error('express-rate-limit is measured with its MemoryStore only');
    const store = new MemoryStore();
    store.init({ windowMs: HOUR_MS });
    return {
      decide: async (key) => (await store.increment(key)).totalHits <= points,
      close: async () => store.shutdown?.(),
    };
  }
  throw new Error(`unknown limiter ${impl}`);
}

async function throughput(impl, backend, workload) {
  const points = LIMITS[workload];
  const { decide, close } = await limiter(impl, backend, points);
  const keys = Array.from({ length: KEYS }, (_, i) => keyOf(i));
  if (workload === 'denied') {
    // Every key up to its limit, then one more decision each must be a denial.
    for (const key of keys) for (let n = 0; n < points; n++) if (!(await decide(key))) throw new Error(`${impl}: prefill denied ${key}`);
    for (const key of keys.slice(0, 10)) if (await decide(key)) throw new Error(`${impl}: ${key} over its limit was allowed`);
  } else {
    for (const key of keys.slice(0, 10)) if (!(await decide(key))) throw new Error(`${impl}: ${key} under its limit was denied`);
  }
  let next = 0;
  async function run(seconds) {
    let decisions = 0;
    let allowed = 0;
    let stop = false;
    const start = performance.now();
    const end = start + seconds * 1000;
    const cpu = process.cpuUsage();
    const worker = async () => {
      while (!stop) {
        const key = keys[next];
        next = next + 1 === KEYS ? 0 : next + 1;
        if (await decide(key)) allowed++;
        // The clock is read every 64 decisions: reading it costs about as much as a memory decision.
        if ((++decisions & 63) === 0 && performance.now() >= end) stop = true;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const wallMs = performance.now() - start;
    const { user, system } = process.cpuUsage(cpu);
    return { decisions, allowed, denied: decisions - allowed, wallMs, cpuMicros: user + system };
  }
  process.on('message', async (message) => {
    if (message.run) process.send(await run(message.run));
  });
  process.on('disconnect', () => close().finally(() => process.exit(0)));
  process.send({ ready: true });
}

async function memory(impl, count) {
  const gc = async () => {
    for (let i = 0; i < 4; i++) {
      globalThis.gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    return process.memoryUsage().heapUsed;
  };
  // A limit of 1 per hour: each key's first decision is allowed and stored, and a second decision
  // of the first key (the least recently used) must be denied, which shows that it is still tracked.
  const points = LIMITS.denied;
  // Aegis' memory store keeps at most maxKeys keys (default 100_000): room for all of them.
  const { decide } = await limiter(impl, 'memory', points, { maxKeys: Math.max(100_000, count) });
  // Only the keys' state is counted: the limiter exists in both figures. Keys are made as they are
  // consumed and only the limiter keeps them, so each key's string is counted as the limiter keeps it.
  const empty = await gc();
  for (let i = 0; i < count; i++) if (!(await decide(keyOf(i)))) throw new Error(`${impl}: key ${i} denied while filling`);
  const filled = await gc();
  if (await decide(keyOf(0))) throw new Error(`${impl}: key 0 was forgotten (allowed again)`);
  process.stdout.write(`${JSON.stringify({ impl, keys: count, emptyHeap: empty, filledHeap: filled, bytesPerKey: (filled - empty) / count })}\n`);
}

const [mode, impl, ...rest] = process.argv.slice(2);
if (mode === 'throughput') await throughput(impl, rest[0], rest[1]);
else if (mode === 'memory') await memory(impl, Number(rest[0]));
else throw new Error(`usage: rate-limit-worker.mjs throughput <impl> <memory|redis> <allowed|denied> | memory <impl> <count>`);
