// Sessions benchmark (`BENCH_ONLY=sessions npm run bench`; a full `npm run bench` runs it too).
//
// Throughput pairs, Express on both sides (servers/session-app.mjs), measured like run.mjs' pairs:
// both servers run side by side, wrk loads one then the other, alternating the order every round,
// and the median of the round ratios is reported with its spread, plus server CPU per request.
//
//   - the cost of a session read: Express + Aegis with sessions, reading one key, vs the same
//     Express + Aegis without sessions (memory, SQLite, Redis);
//   - Aegis sessions vs express-session, on each backend: MemoryStore, better-sqlite3-session-store,
//     connect-redis. The express-session side runs the same Express + Aegis (without sessions) in
//     front of express-session, so the only difference is the session layer. express-session is set
//     up with resave: false, saveUninitialized: false, rolling: false, a 30-minute cookie maxAge
//     (Aegis' idle timeout) and the same key. Both sides sign the cookie with HMAC-SHA256.
//
// Writes: a read-only request makes Aegis write only when the idle deadline would move by at least
// a minute (once per session per minute at most); the sessions are created just before their
// pair, which lasts less than a minute, so Aegis writes nothing during the pair. express-session
// calls its store's touch() on every request that does not save the session, when the store has
// one, and the three stores all do, each a write: MemoryStore re-serialises the session,
// connect-redis sends EXPIRE, the SQLite store runs an UPDATE. The main pairs therefore turn touch
// off (connect-redis: `disableTouch`; the other two have no option, so the store's touch is
// removed), so that neither side writes; reference pairs keep express-session's default. Each
// server counts its store's write calls and the table reports them per request.
//
// Load: each session server gets SESSIONS sessions (default 1000) made through its own API before
// the pair (GET /seed, which sets two keys), and wrk (a Lua script) sends them in turn: every
// request carries the cookie of a live session, a different one each time. The server without
// sessions gets the same requests as the Aegis server it is paired with. Every backend is new for
// each pair: a new SQLite file per server, a redis-server per server on a free port (pinned with
// wrk, off the server's core; its CPU per request is reported too). All of it is deleted at the end.
//
// Then micro-measurements (servers/session-micro.mjs, child processes): Aegis' SQLite store
// operations per second, and memory per session of the memory store and of the SQLite file.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { have, median, startBenchRedis, sum } from './tools.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.BENCH_SESSION_ROUNDS ?? 6);
const SECONDS = Number(process.env.BENCH_SESSION_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const SESSIONS = Number(process.env.BENCH_SESSION_COUNT ?? 1000);
const MICRO_SECONDS = Number(process.env.BENCH_SESSION_MICRO_SECONDS ?? 3);
const MEMORY_SESSIONS = 100_000;
const BACKENDS = ['memory', 'sqlite', 'redis'];
const LABEL = {
  'aegis': 'Aegis sessions',
  'none': 'no session',
  'express-session': 'express-session',
  'express-session+touch': 'express-session, touch per request',
};
const STORE = { memory: 'MemoryStore', sqlite: 'better-sqlite3-session-store', redis: 'connect-redis' };
const AEGIS_STORE = { memory: 'memorySessionStore', sqlite: 'sqliteSessionStore', redis: 'redisSessionStore' };

const ALL_PAIRS = [
  ...BACKENDS.map((backend) => ({ base: 'none', subject: 'aegis', backend, name: `session read (${backend}) vs no session` })),
  ...BACKENDS.map((backend) => ({ base: 'express-session', subject: 'aegis', backend, name: `Aegis vs express-session (${backend}: ${STORE[backend]}, no touch)` })),
  ...BACKENDS.map((backend) => ({
    base: 'express-session+touch',
    subject: 'aegis',
    backend,
    name: `reference: Aegis vs express-session (${backend}: ${STORE[backend]}, touch per request)`,
  })),
];


/**
 * Runs the sessions benchmark with the servers of the snapshot `work` (see run.mjs). Returns
 * { markdown, meta, results, micro }, or { skipped } when wrk is missing.
 * BENCH_SESSION_PAIRS=word keeps only the pairs whose name contains it (comma: alternatives).
 */
export async function sessionsBench({ work }) {
  if (!have('wrk')) return { skipped: 'the sessions benchmark needs wrk (apt-get install -y wrk)' };
  const serversDir = join(work, 'bench/servers');
  const dir = mkdtempSync(join(work, 'sessions-'));
  const pin = have('taskset') && availableParallelism() >= 2;
  const SERVER_CORE = '0';
  const LOAD_CORE = '1';
  const pinned = (core, command, args) => (pin ? ['taskset', ['-c', core, command, ...args]] : [command, args]);
  const key = randomBytes(32).toString('base64url');
  const filter = process.env.BENCH_SESSION_PAIRS?.split(',').filter(Boolean);
  const haveRedis = have('redis-server');
  const notes = [];
  if (!haveRedis) notes.push('redis-server is not installed (apt-get install -y redis-server): the Redis pairs were skipped.');
  const pairs = ALL_PAIRS.filter(({ name, backend }) => (!filter?.length || filter.some((word) => name.includes(word))) && (backend !== 'redis' || haveRedis));
  const cleanups = [];
  let fileCount = 0;

  /** A redis-server on a free loopback port (on the load core), stopped with the rest at the end. */
  async function startRedis() {
    const redis = await startBenchRedis(dir, (command, args) => pinned(LOAD_CORE, command, args));
    cleanups.push(() => redis.stop());
    return redis;
  }

  /** Starts a session-app server with a fresh backend of its own. */
  async function startServer(kind, backend) {
    const env = { ...process.env, BENCH_SESSION_KEY: key };
    let redis;
    let sqlite;
    if (kind !== 'none' && backend === 'sqlite') {
      sqlite = join(dir, `store-${++fileCount}.db`);
      env.BENCH_SESSION_SQLITE = sqlite;
    }
    if (kind !== 'none' && backend === 'redis') {
      redis = await startRedis();
      env.BENCH_SESSION_REDIS = redis.url;
    }
    const [command, args] = pinned(SERVER_CORE, process.execPath, [join(serversDir, 'session-app.mjs'), kind, backend]);
    const child = spawn(command, args, { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const port = await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`session-app ${kind} ${backend} exited with ${code}`)));
      child.once('message', (message) => resolve(message.ready));
    });
    const server = {
      kind,
      backend,
      port,
      child,
      redis,
      async stop() {
        const exited = new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
        if (child.connected) child.disconnect();
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
        await redis?.stop();
        if (sqlite) for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(sqlite + suffix, { force: true });
      },
    };
    return server;
  }

  function request(server, message) {
    return new Promise((resolve) => {
      server.child.once('message', resolve);
      server.child.send(message);
    });
  }

  /** Makes SESSIONS sessions through the server's own API; returns their `Cookie` header values. */
  async function seed(server) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const cookies = new Array(SESSIONS);
    let next = 0;
    const worker = async () => {
      while (next < SESSIONS) {
        const n = next++;
        const response = await get(server.port, `/seed?n=${n}`, undefined, agent);
        const setCookie = response.headers['set-cookie'];
        if (response.status !== 200 || !setCookie || setCookie.length !== 1) throw new Error(`${server.kind} ${server.backend}: /seed answered ${response.status} with ${JSON.stringify(setCookie)}`);
        cookies[n] = setCookie[0].split(';')[0];
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    agent.destroy();
    return cookies;
  }

  /** A request with a seeded cookie is served without a new cookie; one without a session gets 500. */
  async function check(server, cookies) {
    const name = `${server.kind} ${server.backend}`;
    for (const cookie of [cookies[0], cookies[cookies.length - 1]]) {
      const response = await get(server.port, '/', cookie);
      if (response.status !== 200 || response.body !== 'Hello, world!\n') throw new Error(`${name} answered ${response.status} ${JSON.stringify(response.body.slice(0, 40))}`);
      if (response.headers['set-cookie']) throw new Error(`${name} sent a cookie to a request that only reads: ${response.headers['set-cookie']}`);
      if (!String(response.headers['content-security-policy'] ?? '').includes("'nonce-")) throw new Error(`${name} sent no CSP nonce: Aegis is not in front`);
    }
    if (server.kind !== 'none') {
      const without = await get(server.port, '/');
      if (without.status !== 500) throw new Error(`${name} answered ${without.status} without a session cookie (expected 500: the handler did not read the session)`);
    }
  }

  /** A wrk script sending the cookies in turn, one per request (requests formatted once, in init). */
  function luaScript(cookies, label) {
    const file = join(dir, `${label}.lua`);
    const quoted = cookies.map((cookie) => `  "${cookie.replace(/["\\]/g, '\\$&')}",`).join('\n');
    writeFileSync(
      file,
      `local cookies = {\n${quoted}\n}\nlocal requests = {}\nlocal i = 0\n` +
        'function init(args)\n  for n, cookie in ipairs(cookies) do\n    requests[n] = wrk.format("GET", "/", { ["Host"] = wrk.headers["Host"], ["Cookie"] = cookie })\n  end\nend\n' +
        'function request()\n  i = i + 1\n  if i > #requests then i = 1 end\n  return requests[i]\nend\n',
    );
    return file;
  }

  function wrk(server, seconds, script) {
    // A 10 s timeout (wrk's default is 2 s): a store that writes on every request can keep a request
    // waiting that long on this shared machine, and a timeout would void the run.
    const args = ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--timeout', '10s', '-s', script, `http://127.0.0.1:${server.port}/`];
    const [command, fullArgs] = pinned(LOAD_CORE, 'wrk', args);
    const out = execFileSync(command, fullArgs, { encoding: 'utf8' });
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
    const bad = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
    const errors = /Socket errors: (.*)/.exec(out)?.[1];
    if (!Number.isFinite(rps) || bad > 0 || errors) throw new Error(`wrk run against ${server.kind} ${server.backend} was not clean:\n${out}`);
    return rps;
  }

  async function measure(server, script) {
    const redisBefore = server.redis && cpuTicks(server.redis.pid);
    await request(server, 'start');
    const rps = wrk(server, SECONDS, script);
    const { served, cpuMicros, wallMicros, writes } = await request(server, 'stop');
    const redisMicros = server.redis ? ((cpuTicks(server.redis.pid) - redisBefore) * 1e6) / CLOCK_TICKS : undefined;
    return { rps, served, cpuMicros, cpuPerRequest: cpuMicros / served, busy: cpuMicros / wallMicros, writes, redisMicros };
  }

  const results = [];
  const loadAtStart = loadavg()[0];
  console.error(
    `bench: sessions: ${ROUNDS} rounds x ${SECONDS}s per server, ${CONNECTIONS} keep-alive connections, ${SESSIONS} sessions per server sent in turn` +
      `${pin ? `, servers on core ${SERVER_CORE}, wrk and redis-server on core ${LOAD_CORE}` : ''}`,
  );
  try {
    for (const pair of pairs) {
      const base = await startServer(pair.base, pair.backend);
      const subject = await startServer(pair.subject, pair.backend);
      try {
        const subjectCookies = await seed(subject);
        const baseCookies = pair.base === 'none' ? subjectCookies : await seed(base);
        await check(base, baseCookies);
        await check(subject, subjectCookies);
        const baseScript = luaScript(baseCookies, `base-${results.length}`);
        const subjectScript = luaScript(subjectCookies, `subject-${results.length}`);
        wrk(base, 2, baseScript); // warm-up (JIT)
        wrk(subject, 2, subjectScript);
        const rounds = [];
        for (let round = 0; round < ROUNDS; round++) {
          const order = round % 2 === 0 ? [[base, baseScript], [subject, subjectScript]] : [[subject, subjectScript], [base, baseScript]];
          const first = await measure(...order[0]);
          const second = await measure(...order[1]);
          const [b, s] = round % 2 === 0 ? [first, second] : [second, first];
          rounds.push({ base: b, subject: s, ratio: s.rps / b.rps });
          console.error(`  ${pair.name}: round ${round + 1}/${ROUNDS}  ${b.rps.toFixed(0)} vs ${s.rps.toFixed(0)} req/s  (${((s.rps / b.rps) * 100).toFixed(1)}%)`);
        }
        const ratios = rounds.map((r) => r.ratio);
        const side = (name) => {
          const runs = rounds.map((r) => r[name]);
          const served = sum(runs.map((r) => r.served));
          return {
            rps: median(runs.map((r) => r.rps)),
            bestRps: Math.max(...runs.map((r) => r.rps)),
            cpuPerRequest: median(runs.map((r) => r.cpuPerRequest)),
            busy: median(runs.map((r) => r.busy)),
            writesPerRequest: sum(runs.map((r) => r.writes)) / served,
            ...(runs[0].redisMicros !== undefined && { redisCpuPerRequest: sum(runs.map((r) => r.redisMicros)) / served }),
          };
        };
        const b = side('base');
        const s = side('subject');
        results.push({
          ...pair,
          baseLabel: pair.base === 'none' ? 'Express + Aegis, no session' : `${LABEL[pair.base]} (${STORE[pair.backend]})`,
          subjectLabel: `Aegis sessions (${AEGIS_STORE[pair.backend]})`,
          sessions: SESSIONS,
          ratio: median(ratios),
          ratioMin: Math.min(...ratios),
          ratioMax: Math.max(...ratios),
          bestRatio: s.bestRps / b.bestRps,
          baseStats: b,
          subjectStats: s,
          rounds,
        });
      } finally {
        await base.stop();
        await subject.stop();
      }
    }

    console.error(`bench: sessions: micro-measurements (SQLite store ${MICRO_SECONDS}s per operation; ${MEMORY_SESSIONS} sessions in memory)`);
    const micro = {
      sqlite: runMicro(pinned, SERVER_CORE, [join(serversDir, 'session-micro.mjs'), 'sqlite', dir, String(MICRO_SECONDS)]),
      memory: ['aegis', 'express-session'].map((impl) => runMicro(pinned, SERVER_CORE, ['--expose-gc', join(serversDir, 'session-micro.mjs'), 'memory', impl, String(MEMORY_SESSIONS)])),
    };
    const meta = {
      date: new Date().toISOString(),
      node: process.version,
      rounds: ROUNDS,
      seconds: SECONDS,
      connections: CONNECTIONS,
      sessionsPerServer: SESSIONS,
      pinned: pin,
      filesystem: filesystemOf(dir),
      // The machine is shared: its 1-minute load average when the pairs started and when they ended.
      loadAverage: [loadAtStart, loadavg()[0]],
    };
    return { meta, results, micro, notes, markdown: markdown(results, micro, meta, notes) };
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

function runMicro(pinned, core, args) {
  const [command, fullArgs] = pinned(core, process.execPath, args);
  const out = execFileSync(command, fullArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop());
}

const percent = (x) => `${(x * 100).toFixed(1)}%`;
const fixed = (x, digits = 2) => (x === undefined ? '–' : x.toFixed(digits));
const thousands = (x) => Math.round(x).toLocaleString('en-US');

function markdown(results, micro, meta, notes) {
  const lines = [
    `Sessions: ${meta.rounds} paired rounds of ${meta.seconds} s, ${meta.connections} keep-alive connections, every request with the cookie of one of ${meta.sessionsPerServer} live sessions (in turn); the handler reads one key. ` +
      `Load average ${meta.loadAverage.map((x) => x.toFixed(1)).join(' → ')}.`,
    '',
    '| pair | baseline | baseline req/s | Aegis req/s | Aegis / baseline: median of rounds (min–max) | best vs best | server CPU µs/req (baseline → Aegis) | server busy | redis-server CPU µs/req | store writes/req (baseline / Aegis) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) => {
      const b = r.baseStats;
      const s = r.subjectStats;
      const redis = s.redisCpuPerRequest === undefined ? '–' : `${fixed(b.redisCpuPerRequest)} → ${fixed(s.redisCpuPerRequest)}`;
      return (
        `| ${r.name} | ${r.baseLabel} | ${b.rps.toFixed(0)} | ${s.rps.toFixed(0)} | **${percent(r.ratio)}** (${percent(r.ratioMin)}–${percent(r.ratioMax)}) | ${percent(r.bestRatio)} | ` +
        `${fixed(b.cpuPerRequest)} → ${fixed(s.cpuPerRequest)} | ${percent(b.busy)} / ${percent(s.busy)} | ${redis} | ${fixed(b.writesPerRequest, 3)} / ${fixed(s.writesPerRequest, 3)} |`
      );
    }),
  ];
  if (micro) {
    const { sqlite, memory } = micro;
    lines.push(
      '',
      `Aegis' SQLite store (sqliteSessionStore: WAL, synchronous FULL, file on ${meta.filesystem}), one awaited call after another for ${fixed(sqlite.get.seconds, 0)} s each:`,
      '',
      '| operation | ops/s | µs per op |',
      '|---|---:|---:|',
      ...['create', 'get', 'update', 'destroy'].map((op) => `| ${op} | ${thousands(sqlite[op].opsPerSecond)} | ${fixed(1e6 / sqlite[op].opsPerSecond, 1)} |`),
      '',
      '| memory per session (data: { n, user }) | sessions | bytes per session |',
      '|---|---:|---:|',
      ...memory.map((m) => `| ${m.impl === 'aegis' ? "Aegis' memorySessionStore, V8 heap" : "reference: express-session's MemoryStore, V8 heap"} | ${thousands(m.sessions)} | ${thousands(m.bytesPerSession)} |`),
      `| Aegis' sqliteSessionStore, file size (checkpointed) | ${thousands(sqlite.file.sessions)} | ${thousands(sqlite.file.bytesPerSession)} |`,
    );
  }
  for (const note of notes) lines.push('', note);
  return lines.join('\n');
}

/** bench/results/sessions.{json,md} (git-ignored). */
export function writeSessionResults(outcome) {
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results/sessions.json'), `${JSON.stringify({ ...outcome.meta, notes: outcome.notes, results: outcome.results, micro: outcome.micro }, null, 2)}\n`);
  writeFileSync(join(here, 'results/sessions.md'), `${outcome.markdown}\n`);
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** User + system CPU ticks of a process (/proc/<pid>/stat). */
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function filesystemOf(path) {
  const out = spawnSync('df', ['-T', path], { encoding: 'utf8' }).stdout?.trim().split('\n').pop()?.split(/\s+/);
  return out?.[1] ?? 'unknown';
}



function get(port, path, cookie, agent = false) {
  return new Promise((resolve, reject) => {
    const client = http.get({ host: '127.0.0.1', port, path, agent, headers: cookie ? { cookie } : {} }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body }));
    });
    client.on('error', reject);
  });
}
