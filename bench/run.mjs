// npm run bench: hello-world throughput, bare vs Aegis, measured in the same run.
//
// Each pair of servers runs side by side; wrk (a separate process, keep-alive, pinned to its own
// core) loads one, then the other, alternating the order every round. A round's ratio compares two
// runs seconds apart, so the machine's drift (it is shared) mostly cancels; the median of the
// round ratios is reported with its spread. Server CPU time per request is reported too: it is
// less disturbed by other tenants than throughput is.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canCountInstructions, instructionsPerRequest } from './instructions.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const ALL_PAIRS = [
  ['node', 'node+aegis'],
  ['express+helmet', 'express+aegis'],
  // Reference: a response of the same size with no code at all (see servers/start.mjs).
  ['node', 'node+same-bytes'],
];
// BENCH_ONLY=node runs only the pairs whose subject mentions it.
const PAIRS = ALL_PAIRS.filter(([, subject]) => !process.env.BENCH_ONLY || subject.includes(process.env.BENCH_ONLY));

function have(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

if (!have('wrk')) {
  console.error('npm run bench needs wrk (a load generator in its own process): apt-get install -y wrk');
  process.exit(2);
}
const pin = have('taskset') && availableParallelism() >= 2;
const SERVER_CORE = ['-c', '0'];
const LOAD_CORE = ['-c', '1'];

function startServer(config, port) {
  const args = [join(here, 'servers/start.mjs'), config, String(port)];
  const child = pin
    ? spawn('taskset', [...SERVER_CORE, process.execPath, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${config} server exited with ${code}`)));
    child.once('message', () => resolve({ config, port, child }));
  });
}

function request(server, message) {
  return new Promise((resolve) => {
    server.child.once('message', resolve);
    server.child.send(message);
  });
}

function wrk(port, seconds) {
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, `http://127.0.0.1:${port}/`];
  const out = execFileSync(pin ? 'taskset' : 'wrk', pin ? [...LOAD_CORE, 'wrk', ...args] : args, { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const bad = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const errors = /Socket errors: (.*)/.exec(out)?.[1];
  if (!Number.isFinite(rps) || bad > 0 || errors) throw new Error(`wrk run against port ${port} was not clean:\n${out}`);
  return rps;
}

async function measure(server) {
  await request(server, 'start');
  const rps = wrk(server.port, SECONDS);
  const { served, cpuMicros } = await request(server, 'stop');
  return { rps, cpuPerRequest: cpuMicros / served };
}

async function checkServes(server) {
  const response = await fetch(`http://127.0.0.1:${server.port}/`);
  const body = await response.text();
  const csp = response.headers.get('content-security-policy') ?? '';
  if (response.status !== 200 || !body.startsWith('Hello, world!\n')) throw new Error(`${server.config} answered ${response.status} ${JSON.stringify(body.slice(0, 40))}`);
  if (server.config.includes('aegis') && !csp.includes("'nonce-")) throw new Error(`${server.config} sent no CSP nonce: not measuring Aegis`);
  if (server.config === 'express+helmet' && !csp) throw new Error('express+helmet sent no CSP');
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** How many bytes of headers Aegis adds to the hello-world response (measured, not assumed). */
async function measureAddedHeaderBytes() {
  const bytes = async (config, port) => {
    const server = await startServer(config, port);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      await response.text();
      return [...response.headers].filter(([name]) => !['date', 'connection', 'keep-alive', 'content-length', 'content-type'].includes(name)).reduce((sum, [name, value]) => sum + name.length + value.length + 4, 0);
    } finally {
      server.child.disconnect();
    }
  };
  return (await bytes('node+aegis', 40990)) - (await bytes('node', 40991));
}

const results = [];
let port = 41000 + Math.floor(Math.random() * 1000);
process.env.BENCH_EXTRA_BYTES = String(await measureAddedHeaderBytes());
console.error(`bench: Aegis adds ${process.env.BENCH_EXTRA_BYTES} bytes of headers to the hello-world response`);
console.error(`bench: ${ROUNDS} rounds x ${SECONDS}s per server, ${CONNECTIONS} keep-alive connections, wrk${pin ? ' on core 1, servers on core 0' : ''}`);
for (const [baseName, subjectName] of PAIRS) {
  const base = await startServer(baseName, port++);
  const subject = await startServer(subjectName, port++);
  try {
    await checkServes(base);
    await checkServes(subject);
    wrk(base.port, 2); // warm-up (JIT)
    wrk(subject.port, 2);
    const rounds = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [base, subject] : [subject, base];
      const [first, second] = [await measure(order[0]), await measure(order[1])];
      const [b, s] = round % 2 === 0 ? [first, second] : [second, first];
      rounds.push({ base: b, subject: s, ratio: s.rps / b.rps, cpuRatio: b.cpuPerRequest / s.cpuPerRequest });
      console.error(`  ${subjectName} vs ${baseName}: round ${round + 1}/${ROUNDS}  ${b.rps.toFixed(0)} vs ${s.rps.toFixed(0)} req/s  (${(s.rps / b.rps * 100).toFixed(1)}%)`);
    }
    const ratios = rounds.map((r) => r.ratio);
    results.push({
      base: baseName,
      subject: subjectName,
      baseRps: median(rounds.map((r) => r.base.rps)),
      subjectRps: median(rounds.map((r) => r.subject.rps)),
      ratio: median(ratios),
      ratioMin: Math.min(...ratios),
      ratioMax: Math.max(...ratios),
      // The best run of each side: the runs least disturbed by whatever else the machine was doing.
      bestRatio: Math.max(...rounds.map((r) => r.subject.rps)) / Math.max(...rounds.map((r) => r.base.rps)),
      baseCpuPerRequest: median(rounds.map((r) => r.base.cpuPerRequest)),
      subjectCpuPerRequest: median(rounds.map((r) => r.subject.cpuPerRequest)),
      cpuRatio: median(rounds.map((r) => r.cpuRatio)),
      rounds,
    });
  } finally {
    base.child.disconnect();
    subject.child.disconnect();
  }
}

const table = [
  '| pair | baseline req/s | subject req/s | throughput ratio: median of rounds (min–max) | best run vs best run | server CPU µs/req |',
  '|---|---:|---:|---:|---:|---:|',
  ...results.map(
    (r) =>
      `| ${r.subject} vs ${r.base} | ${r.baseRps.toFixed(0)} | ${r.subjectRps.toFixed(0)} | ` +
      `**${(r.ratio * 100).toFixed(1)}%** (${(r.ratioMin * 100).toFixed(1)}–${(r.ratioMax * 100).toFixed(1)}%) | ` +
      `${(r.bestRatio * 100).toFixed(1)}% | ${r.baseCpuPerRequest.toFixed(2)} → ${r.subjectCpuPerRequest.toFixed(2)} |`,
  ),
];
console.log(table.join('\n'));

// Second measure: instructions per request (valgrind), which the machine's noise does not move.
const instructions = [];
if (process.env.BENCH_INSTRUCTIONS === '0') console.error('bench: instruction counts skipped (BENCH_INSTRUCTIONS=0)');
else if (!canCountInstructions()) console.error('bench: instruction counts skipped: install valgrind (apt-get install -y valgrind)');
else {
  for (const [baseName, subjectName] of PAIRS) {
    console.error(`  counting instructions: ${baseName}, ${subjectName} (valgrind, about a minute each)`);
    const base = await instructionsPerRequest(baseName, port++, process.env);
    const subject = await instructionsPerRequest(subjectName, port++, process.env);
    instructions.push({ base: baseName, subject: subjectName, baseInstructions: base, subjectInstructions: subject, ratio: subject / base });
  }
  table.push(
    '',
    '| pair | baseline instructions/request | subject instructions/request | subject / baseline |',
    '|---|---:|---:|---:|',
    ...instructions.map((r) => `| ${r.subject} vs ${r.base} | ${r.baseInstructions.toFixed(0)} | ${r.subjectInstructions.toFixed(0)} | ${(r.ratio * 100).toFixed(1)}% |`),
  );
  console.log(table.slice(-instructions.length - 3).join('\n'));
}

mkdirSync(join(here, 'results'), { recursive: true });
const meta = { date: new Date().toISOString(), node: process.version, rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, pinned: pin };
writeFileSync(join(here, 'results/latest.json'), `${JSON.stringify({ ...meta, results, instructions }, null, 2)}\n`);
writeFileSync(join(here, 'results/latest.md'), `${table.join('\n')}\n`);
