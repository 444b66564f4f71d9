// Rate-limit benchmark (`BENCH_ONLY=ratelimit npm run bench`; a full `npm run bench` runs it too).
//
// Aegis' rate-limit stores against rate-limiter-flexible (RLF) and express-rate-limit (ERL), each
// limiter in a child process of its own (servers/rate-limit-worker.mjs: no JIT or GC cross-talk),
// pinned to core 0 (redis-server to core 1). Every run makes decisions for ROUNDS_SECONDS with 64
// decisions in flight (each awaited, as a server's request handlers await them), keys in turn
// over 10,000 keys. The contenders run one after the other, the order rotated and reversed from
// round to round; each round's ratios compare runs seconds apart, so the shared machine's drift
// mostly cancels, and the median of the round ratios is reported with its min–max.
//
//   1. In-process, memory: memoryRateLimitStore().consume() vs RateLimiterMemory.consume() vs
//      ERL's MemoryStore.increment(). Workload 'allowed' (a limit no key reaches) and 'denied'
//      (every key already at its limit of 1 per hour: RLF rejects, which is caught).
//   2. Redis: redisRateLimitStore vs RateLimiterRedis, each with its own client of the SAME library
//      (node-redis, then ioredis), one redis-server started on a free port for the run (no
//      persistence; its directory is deleted at the end), FLUSHALL between workloads. Per decision:
//      commands sent (INFO commandstats, script commands apart from the commands they run inside),
//      bytes in and out (INFO stats) and redis-server CPU (INFO cpu).
//   3. Memory per tracked key: V8 heap after full GCs with 100,000 keys minus the limiter empty,
//      each limiter in a fresh process with --expose-gc.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { have, median, startBenchRedis, sum } from './tools.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.BENCH_RATELIMIT_ROUNDS ?? 8);
const SECONDS = Number(process.env.BENCH_RATELIMIT_SECONDS ?? 1);
const KEYS = Number(process.env.BENCH_RATELIMIT_KEYS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_RATELIMIT_CONCURRENCY ?? 64);
const MEMORY_KEYS = 100_000;
const WORKLOADS = ['allowed', 'denied'];
const LABEL = {
  aegis: 'Aegis',
  rlf: 'rate-limiter-flexible',
  erl: 'express-rate-limit',
};
const API = {
  memory: { aegis: 'memoryRateLimitStore().consume()', rlf: 'RateLimiterMemory.consume()', erl: 'MemoryStore.increment()' },
  redis: { aegis: 'redisRateLimitStore().consume()', rlf: 'RateLimiterRedis.consume()' },
};
/**
 * Commands counted as round trips: scripts (INFO commandstats also counts the commands a script
 * runs, GET, SET, …, which cost no round trip) and EXEC (a pipelined MULTI … EXEC is one). Neither
 * limiter sends any other command when it decides; the table lists every command per decision.
 */
const ROUND_TRIP_COMMANDS = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro', 'exec']);

const spread = (values) => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) });

/** Round r's order: the contenders rotated by r, reversed every other round. */
function orderOf(contenders, round) {
  const rotated = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
  return round % 2 === 0 ? rotated : rotated.reverse();
}

/**
 * Runs the rate-limit benchmark with the snapshot `work` (see run.mjs). Returns
 * { meta, memoryThroughput, redis, memory, notes, markdown }, or { skipped }.
 */
export async function rateLimitBench({ work }) {
  const serversDir = join(work, 'bench/servers');
  if (!existsSync(join(work, 'dist/esm/stores/index.js')) || !existsSync(join(serversDir, 'rate-limit-worker.mjs'))) {
    return { skipped: 'the rate-limit benchmark needs dist/esm/stores (run `node scripts/build.mjs`)' };
  }
  const dir = mkdtempSync(join(work, 'ratelimit-'));
  const pin = have('taskset') && availableParallelism() >= 2;
  const NODE_CORE = '0';
  const REDIS_CORE = '1';
  const pinned = (core, command, args) => (pin ? ['taskset', ['-c', core, command, ...args]] : [command, args]);
  const notes = [];
  const cleanups = [];
  const env = { ...process.env, BENCH_RATELIMIT_KEYS: String(KEYS), BENCH_RATELIMIT_CONCURRENCY: String(CONCURRENCY) };

  async function startWorker(impl, backend, workload, extraEnv = {}) {
    const [command, args] = pinned(NODE_CORE, process.execPath, [join(serversDir, 'rate-limit-worker.mjs'), 'throughput', impl, backend, workload]);
    const child = spawn(command, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`rate-limit worker ${impl} ${backend} ${workload} exited with ${code}`)));
      child.once('message', resolve);
    });
    const exited = new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    const worker = {
      impl,
      run: (seconds) =>
        new Promise((resolve) => {
          child.once('message', resolve);
          child.send({ run: seconds });
        }),
      async stop() {
        if (child.connected) child.disconnect();
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    };
    cleanups.push(() => worker.stop());
    return worker;
  }

  /** ROUNDS rounds over `workers` (after a warm-up run each); `around(worker, run)` may measure more around each run. */
  async function rounds(name, workers, around = (worker, run) => run()) {
    for (const worker of workers) await worker.run(Math.max(1, SECONDS)); // warm-up (JIT, pools, caches)
    const result = [];
    for (let round = 0; round < ROUNDS; round++) {
      const runs = {};
      for (const worker of orderOf(workers, round)) {
        const run = await around(worker, () => worker.run(SECONDS));
        runs[worker.impl] = { ...run, rate: (run.decisions / run.wallMs) * 1000, cpuPerDecision: run.cpuMicros / run.decisions };
      }
      result.push(runs);
      console.error(`  ${name}: round ${round + 1}/${ROUNDS}  ${workers.map((w) => `${w.impl} ${Math.round(runs[w.impl].rate)}/s`).join('  ')}`);
    }
    return result;
  }

  /** Per contender: median decisions/s, CPU per decision, decisions allowed; per baseline: Aegis / baseline ratios. */
  function summarize(runsByRound, impls) {
    const sides = Object.fromEntries(
      impls.map((impl) => {
        const runs = runsByRound.map((r) => r[impl]);
        const decisions = sum(runs.map((r) => r.decisions));
        return [
          impl,
          {
            rate: median(runs.map((r) => r.rate)),
            bestRate: Math.max(...runs.map((r) => r.rate)),
            cpuPerDecision: median(runs.map((r) => r.cpuPerDecision)),
            busy: median(runs.map((r) => r.cpuMicros / (r.wallMs * 1000))),
            decisions,
            allowedShare: sum(runs.map((r) => r.allowed)) / decisions,
          },
        ];
      }),
    );
    const ratios = Object.fromEntries(impls.filter((impl) => impl !== 'aegis').map((impl) => [impl, spread(runsByRound.map((r) => r.aegis.rate / r[impl].rate))]));
    return { sides, ratios };
  }

  const loadAtStart = loadavg()[0];
  const inflight = `${CONCURRENCY} decisions in flight, keys in turn over ${KEYS.toLocaleString('en-US')} keys`;
  console.error(`bench: rate limits: ${ROUNDS} rounds x ${SECONDS}s per limiter, ${inflight}, a process per limiter${pin ? ` on core ${NODE_CORE}, redis-server on core ${REDIS_CORE}` : ''}`);
  try {
    // 1. In-process memory stores.
    const memoryThroughput = [];
    for (const workload of WORKLOADS) {
      const impls = ['aegis', 'rlf', 'erl'];
      const workers = [];
      for (const impl of impls) workers.push(await startWorker(impl, 'memory', workload));
      try {
        const runs = await rounds(`memory, ${workload}`, workers);
        memoryThroughput.push({ backend: 'memory', workload, ...summarize(runs, impls), rounds: runs });
      } finally {
        for (const worker of workers) await worker.stop();
      }
    }

    // 2. Redis.
    const redis = [];
    if (!have('redis-server')) notes.push('redis-server is not installed (apt-get install -y redis-server): the Redis comparison was skipped.');
    else {
      const server = await startBenchRedis(dir, (command, args) => pinned(REDIS_CORE, command, args));
      cleanups.push(() => server.stop());
      const { createClient } = await import('redis');
      const admin = await createClient({ url: server.url }).connect();
      cleanups.push(() => admin.quit().catch(() => {}));
      const info = async () => {
        const text = await admin.info('all'); // 'all': the default sections leave commandstats out
        const field = (name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(text)?.[1]);
        const commands = {};
        for (const [, name, calls] of text.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)) commands[name] = Number(calls);
        return {
          cpuMicros: (field('used_cpu_user') + field('used_cpu_sys')) * 1e6,
          bytesIn: field('total_net_input_bytes'),
          bytesOut: field('total_net_output_bytes'),
          commands,
        };
      };
      server.version = /^redis_version:(\S+)/m.exec(await admin.info('server'))?.[1];
      const around = async (worker, run) => {
        const before = await info();
        const result = await run();
        const after = await info();
        const commands = {};
        for (const [name, calls] of Object.entries(after.commands)) {
          const delta = calls - (before.commands[name] ?? 0);
          if (delta > 0 && name !== 'info') commands[name] = delta;
        }
        return { ...result, redisCpuMicros: after.cpuMicros - before.cpuMicros, bytesIn: after.bytesIn - before.bytesIn, bytesOut: after.bytesOut - before.bytesOut, commands };
      };
      for (const client of ['node-redis', 'ioredis']) {
        for (const workload of WORKLOADS) {
          await admin.flushAll();
          const impls = ['aegis', 'rlf'];
          const workers = [];
          for (const impl of impls) workers.push(await startWorker(impl, 'redis', workload, { BENCH_RATELIMIT_REDIS: server.url, BENCH_RATELIMIT_CLIENT: client }));
          try {
            const runs = await rounds(`redis (${client}), ${workload}`, workers, around);
            const summary = summarize(runs, impls);
            for (const impl of impls) {
              const side = runs.map((r) => r[impl]);
              const decisions = sum(side.map((r) => r.decisions));
              const commands = {};
              for (const r of side) for (const [name, calls] of Object.entries(r.commands)) commands[name] = (commands[name] ?? 0) + calls;
              const perDecision = Object.fromEntries(Object.entries(commands).map(([name, calls]) => [name, calls / decisions]));
              Object.assign(summary.sides[impl], {
                redisCpuPerDecision: sum(side.map((r) => r.redisCpuMicros)) / decisions,
                bytesInPerDecision: sum(side.map((r) => r.bytesIn)) / decisions,
                bytesOutPerDecision: sum(side.map((r) => r.bytesOut)) / decisions,
                roundTripsPerDecision: sum(Object.entries(perDecision).filter(([name]) => ROUND_TRIP_COMMANDS.has(name)).map(([, x]) => x)),
                commandsPerDecision: perDecision,
              });
            }
            redis.push({ backend: 'redis', client, workload, ...summary, rounds: runs });
          } finally {
            for (const worker of workers) await worker.stop();
          }
        }
      }
      await admin.flushAll();
      notes.push(`Redis ${server.version ?? ''}, loopback, no persistence.`.replace('  ', ' '));
    }

    // 3. Memory per tracked key.
    console.error(`bench: rate limits: memory per key (${MEMORY_KEYS.toLocaleString('en-US')} keys, a fresh process per limiter)`);
    const memory = ['aegis', 'rlf', 'erl'].map((impl) => {
      const [command, args] = pinned(NODE_CORE, process.execPath, ['--expose-gc', join(serversDir, 'rate-limit-worker.mjs'), 'memory', impl, String(MEMORY_KEYS)]);
      const result = spawnSync(command, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      if (result.status !== 0) throw new Error(`rate-limit memory measurement of ${impl} failed (${result.status})`);
      return JSON.parse(result.stdout.trim().split('\n').pop());
    });

    const meta = {
      date: new Date().toISOString(),
      node: process.version,
      rounds: ROUNDS,
      seconds: SECONDS,
      keys: KEYS,
      concurrency: CONCURRENCY,
      memoryKeys: MEMORY_KEYS,
      pinned: pin,
      loadAverage: [loadAtStart, loadavg()[0]],
    };
    return { meta, memoryThroughput, redis, memory, notes, markdown: markdown(meta, memoryThroughput, redis, memory, notes) };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

const ratio = (s) => `**${s.median.toFixed(2)}×** (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
const percent = (x) => `${(x * 100).toFixed(1)}%`;
const thousands = (x) => Math.round(x).toLocaleString('en-US');
const fixed = (x, digits = 2) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits));

function markdown(meta, memoryThroughput, redis, memory, notes) {
  const lines = [
    `Rate limits: ${meta.rounds} rounds of ${meta.seconds} s per limiter, ${meta.concurrency} decisions in flight (each awaited), keys in turn over ${thousands(meta.keys)} keys; ` +
      `a process per limiter${meta.pinned ? ' (core 0; redis-server on core 1)' : ''}, the order rotated every round; ratios are medians of the rounds' ratios (min–max). ` +
      `'allowed': a limit no key reaches; 'denied': every key already over its limit. Load average ${meta.loadAverage.map((x) => x.toFixed(1)).join(' → ')}.`,
    '',
    '| backend | workload | limiter | decisions/s (median) | Node CPU µs/decision | Node busy | allowed | Aegis / this: median of rounds (min–max) |',
    '|---|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of memoryThroughput) {
    for (const impl of Object.keys(r.sides)) {
      const s = r.sides[impl];
      lines.push(
        `| memory | ${r.workload} | ${LABEL[impl]}: ${API.memory[impl]} | ${thousands(s.rate)} | ${fixed(s.cpuPerDecision, 3)} | ${percent(s.busy)} | ${percent(s.allowedShare)} | ${impl === 'aegis' ? '–' : ratio(r.ratios[impl])} |`,
      );
    }
  }
  if (redis.length > 0) {
    lines.push(
      '',
      '| Redis client | workload | limiter | decisions/s (median) | Aegis / RLF: median (min–max) | Node CPU µs/decision | Node busy | redis-server CPU µs/decision | round trips/decision | commands/decision (in Redis) | bytes in / out per decision |',
      '|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|',
    );
    for (const r of redis) {
      for (const impl of Object.keys(r.sides)) {
        const s = r.sides[impl];
        const commands = Object.entries(s.commandsPerDecision)
          .sort((a, b) => b[1] - a[1])
          .map(([name, x]) => `${name} ${x.toFixed(2)}`)
          .join(', ');
        lines.push(
          `| ${r.client} | ${r.workload} | ${LABEL[impl]}: ${API.redis[impl]} | ${thousands(s.rate)} | ${impl === 'aegis' ? '–' : ratio(r.ratios[impl])} | ${fixed(s.cpuPerDecision)} | ${percent(s.busy)} | ${fixed(s.redisCpuPerDecision)} | ${fixed(s.roundTripsPerDecision)} | ${commands} | ${fixed(s.bytesInPerDecision, 0)} / ${fixed(s.bytesOutPerDecision, 0)} |`,
        );
      }
    }
  }
  lines.push(
    '',
    `| memory per tracked key (${thousands(meta.memoryKeys)} keys, V8 heap after GC, key strings included) | bytes per key |`,
    '|---|---:|',
    ...memory.map((m) => `| ${LABEL[m.impl]}: ${API.memory[m.impl].replace(/\.\w+\(\)$/, '')} | ${thousands(m.bytesPerKey)} |`),
  );
  for (const note of notes) lines.push('', note);
  return lines.join('\n');
}

/** bench/results/rate-limit.{json,md} (git-ignored). */
export function writeRateLimitResults(outcome) {
  mkdirSync(join(here, 'results'), { recursive: true });
  const { meta, notes, memoryThroughput, redis, memory } = outcome;
  writeFileSync(join(here, 'results/rate-limit.json'), `${JSON.stringify({ ...meta, notes, memoryThroughput, redis, memory }, null, 2)}\n`);
  writeFileSync(join(here, 'results/rate-limit.md'), `${outcome.markdown}\n`);
}
