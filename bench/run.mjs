// npm run bench: hello-world throughput, bare vs Aegis, measured in the same run.
//
// Each pair of servers runs side by side; wrk (a separate process, keep-alive, pinned to its own
// core) loads one, then the other, alternating the order every round. A round's ratio compares two
// runs seconds apart, so the machine's drift (it is shared) mostly cancels; the median of the
// round ratios is reported with its spread. Server CPU time per request is reported too: it is
// less disturbed by other tenants than throughput is.
//
// HTTPS pairs: a bare node:https server and serve() get the same throwaway certificate (EC P-256,
// made by createSelfSignedCertificate for this run, deleted at the end), the same handler and the
// same wrk. wrk offers no ALPN, so both speak HTTP/1.1 (serve's default server is node:http2 with
// allowHTTP1, which hands such connections to Node's HTTP/1.1 code). The 'handshake' load sends
// `Connection: close`, so every request is a new TCP connection and a new TLS handshake. wrk DOES
// resume TLS sessions: it closes with SSL_shutdown + SSL_clear and reuses the SSL object, which
// keeps the previous connection's session and offers it on the next handshake. About half of the
// handshakes are then resumptions (TLS 1.3 PSK with a fresh X25519 exchange, no certificate
// signature), the other half full handshakes (ECDSA P-256 signature). Both servers accept
// resumption (Node's default, which serve() keeps) and get the same client; each server counts
// its handshakes and resumptions, and the shares are reported for both sides.
import { execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canCountInstructions, instructionsPerRequest } from './instructions.mjs';
import { scanVsTestssl, writeScanResults } from './scan-vs-testssl.mjs';
import { rateLimitBench, writeRateLimitResults } from './rate-limit.mjs';
import { sessionsBench, writeSessionResults } from './sessions.mjs';
import { have } from './tools.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);

// The servers run from a snapshot of this build (dist/, package.json, bench/servers/, with
// node_modules linked): tests on the same machine rebuild dist/ at any time, and a server started
// during a rebuild would fail, or run other code than the one this run began with. The run's
// throwaway certificate lives there too; all of it is deleted on exit.
const work = mkdtempSync(join(tmpdir(), 'aegis-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
cpSync(join(root, 'dist'), join(work, 'dist'), { recursive: true });
copyFileSync(join(root, 'package.json'), join(work, 'package.json'));
cpSync(join(here, 'servers'), join(work, 'bench/servers'), { recursive: true });
symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
if (!existsSync(join(work, 'dist/esm/index.js')) || !existsSync(join(work, 'dist/esm/serve/index.js'))) {
  console.error('bench: dist/ is incomplete (being rebuilt?); run `npm run bench` again');
  process.exit(2);
}
process.env.BENCH_SERVERS_DIR = join(work, 'bench/servers');
const { createSelfSignedCertificate } = await import(join(work, 'dist/esm/tls/index.js'));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const LOADS = {
  'keep-alive': { wrkArgs: [], label: '' },
  'handshake': { wrkArgs: ['-H', 'Connection: close'], label: ' (new connection + TLS handshake per request)' },
};
const ALL_PAIRS = [
  { base: 'node', subject: 'node+aegis', load: 'keep-alive' },
  { base: 'express+helmet', subject: 'express+aegis', load: 'keep-alive' },
  // Reference: a response of the same size with no code at all (see servers/start.mjs).
  { base: 'node', subject: 'node+same-bytes', load: 'keep-alive' },
  { base: 'https', subject: 'https+serve', load: 'keep-alive' },
  { base: 'https', subject: 'https+serve', load: 'handshake' },
  // Reference: bare HTTPS with a response as large as serve()'s, no code (see servers/start.mjs).
  { base: 'https', subject: 'https+same-bytes', load: 'keep-alive' },
  // Reference: serve() with http2: false (node:https instead of node:http2's HTTP/1.1 fallback).
  { base: 'https', subject: 'https+serve-http1', load: 'keep-alive' },
  { base: 'https', subject: 'https+serve-http1', load: 'handshake' },
].map((pair) => ({ ...pair, name: `${pair.subject} vs ${pair.base}${LOADS[pair.load].label}` }));
// BENCH_ONLY=node runs only the pairs whose subject mentions it (BENCH_ONLY=https: the HTTPS
// pairs; BENCH_ONLY=handshake: the handshake pair; a comma separates alternatives).
const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const PAIRS = ALL_PAIRS.filter(({ subject, load }) => !only?.length || only.some((word) => `${subject} ${load}`.includes(word)));
// BENCH_ONLY=ratelimit: Aegis' rate-limit stores vs rate-limiter-flexible and express-rate-limit,
// in memory and on Redis, and memory per key (rate-limit.mjs). A full run does it first.
if (!only?.length || only.includes('ratelimit')) {
  const outcome = await rateLimitBench({ work });
  if (outcome.skipped) console.error(`bench: ${outcome.skipped}`);
  else {
    console.log(`${outcome.markdown}\n`);
    writeRateLimitResults(outcome);
  }
  if (PAIRS.length === 0 && !only.includes('sessions') && !only.includes('scan')) process.exit(outcome.skipped ? 2 : 0);
}
// BENCH_ONLY=sessions: Aegis sessions on Express vs none and vs express-session, per backend, and
// the stores' micro-measurements (sessions.mjs). A full run does it first.
if (!only?.length || only.includes('sessions')) {
  const outcome = await sessionsBench({ work });
  if (outcome.skipped) console.error(`bench: ${outcome.skipped}`);
  else {
    console.log(`${outcome.markdown}\n`);
    writeSessionResults(outcome);
  }
  if (PAIRS.length === 0 && !only.includes('scan')) process.exit(outcome.skipped ? 2 : 0);
}
// BENCH_ONLY=scan: a full `aegis scan` of a local HTTPS site vs testssl.sh (scan-vs-testssl.mjs),
// timed and checked verdict by verdict. A full run does it first; without testssl it is skipped.
if (!only?.length || only.includes('scan')) {
  const outcome = await scanVsTestssl({ work });
  if (outcome.skipped) {
    console.error(`bench: ${outcome.skipped}`);
    if (PAIRS.length === 0) process.exit(2);
  } else {
    console.log(`${outcome.markdown}\n`);
    writeScanResults(outcome);
    if (!outcome.ok) {
      console.error('bench: aegis and testssl disagree on a protocol or cipher verdict (see the tables above)');
      process.exitCode = 1;
    }
  }
  if (PAIRS.length === 0) process.exit();
}
const isTls = (config) => config.startsWith('https');

if (!have('wrk')) {
  console.error('npm run bench needs wrk (a load generator in its own process): apt-get install -y wrk');
  process.exit(2);
}
const pin = have('taskset') && availableParallelism() >= 2;
const SERVER_CORE = ['-c', '0'];
const LOAD_CORE = ['-c', '1'];

/** Starts a server on a free port (a fixed range could collide with another run or a test). */
function startServer(config) {
  const args = [join(process.env.BENCH_SERVERS_DIR, 'start.mjs'), config];
  const child = pin
    ? spawn('taskset', [...SERVER_CORE, process.execPath, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${config} server exited with ${code}`)));
    child.once('message', (message) => resolve({ config, port: message.ready, child }));
  });
}

function request(server, message) {
  return new Promise((resolve) => {
    server.child.once('message', resolve);
    server.child.send(message);
  });
}

function wrk(server, seconds, load) {
  const url = `${isTls(server.config) ? 'https' : 'http'}://127.0.0.1:${server.port}/`;
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, ...LOADS[load].wrkArgs, url];
  const out = execFileSync(pin ? 'taskset' : 'wrk', pin ? [...LOAD_CORE, 'wrk', ...args] : args, { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const bad = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const errors = /Socket errors: (.*)/.exec(out)?.[1];
  if (!Number.isFinite(rps) || bad > 0 || errors) throw new Error(`wrk run against ${server.config} (${load}) was not clean:\n${out}`);
  return rps;
}

async function measure(server, load) {
  await request(server, 'start');
  const rps = wrk(server, SECONDS, load);
  const { served, cpuMicros, wallMicros, handshakes, resumed } = await request(server, 'stop');
  return { rps, cpuPerRequest: cpuMicros / served, busy: cpuMicros / wallMicros, served, handshakes, resumed };
}

/** One GET / (HTTPS: trusting only this run's certificate, as a CA), with the certificate the server showed. */
function get(server) {
  const options = { host: '127.0.0.1', port: server.port, path: '/', agent: false };
  return new Promise((resolve, reject) => {
    const client = isTls(server.config) ? https.get({ ...options, ca: TLS.cert }, done) : http.get(options, done);
    client.on('error', reject);
    function done(response) {
      const peer = response.socket.getPeerCertificate?.();
      const tlsVersion = response.socket.getProtocol?.();
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body, peer, tlsVersion }));
    }
  });
}

async function checkServes(server) {
  const response = await get(server);
  const csp = response.headers['content-security-policy'] ?? '';
  const expected = server.config.endsWith('+same-bytes') ? response.body.startsWith('Hello, world!\n') : response.body === 'Hello, world!\n';
  if (response.status !== 200 || !expected) throw new Error(`${server.config} answered ${response.status} ${JSON.stringify(response.body.slice(0, 40))}`);
  if (server.config.includes('aegis') && !csp.includes("'nonce-")) throw new Error(`${server.config} sent no CSP nonce: not measuring Aegis`);
  if (server.config === 'express+helmet' && !csp) throw new Error('express+helmet sent no CSP');
  if (isTls(server.config)) {
    if (response.peer?.fingerprint256 !== TLS.fingerprint) throw new Error(`${server.config} did not present this run's certificate`);
    if (server.config.includes('serve') && (!csp.includes("'nonce-") || !response.headers['strict-transport-security'])) {
      throw new Error(`${server.config} sent no CSP nonce or no HSTS: not measuring serve() with its policy`);
    }
  }
  return response.tlsVersion;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// One throwaway certificate for this run, shared by every HTTPS server: createSelfSignedCertificate
// makes an EC P-256 key (ECDSA with SHA-256 signatures) for localhost, 127.0.0.1 and ::1.
const TLS = (() => {
  const { cert, key } = createSelfSignedCertificate({ days: 90 });
  process.env.BENCH_TLS_CERT = join(work, 'cert.pem');
  process.env.BENCH_TLS_KEY = join(work, 'key.pem');
  writeFileSync(process.env.BENCH_TLS_CERT, cert);
  writeFileSync(process.env.BENCH_TLS_KEY, key, { mode: 0o600 });
  const x509 = new X509Certificate(readFileSync(process.env.BENCH_TLS_CERT));
  return { cert, fingerprint: x509.fingerprint256, keyType: `${x509.publicKey.asymmetricKeyType} ${x509.publicKey.asymmetricKeyDetails?.namedCurve ?? ''}`.trim() };
})();

/** How many bytes of headers the subject adds to the hello-world response (measured, not assumed). */
async function measureAddedHeaderBytes(subjectConfig, baseConfig) {
  const bytes = async (config) => {
    const server = await startServer(config);
    try {
      const { headers } = await get(server);
      return Object.entries(headers)
        .filter(([name]) => !['date', 'connection', 'keep-alive', 'content-length', 'content-type'].includes(name))
        .reduce((sum, [name, value]) => sum + name.length + String(value).length + 4, 0);
    } finally {
      server.child.disconnect();
    }
  };
  return (await bytes(subjectConfig)) - (await bytes(baseConfig));
}

const results = [];
process.env.BENCH_EXTRA_BYTES = String(await measureAddedHeaderBytes('node+aegis', 'node'));
console.error(`bench: Aegis adds ${process.env.BENCH_EXTRA_BYTES} bytes of headers to the hello-world response`);
if (PAIRS.some(({ base }) => isTls(base))) {
  process.env.BENCH_EXTRA_BYTES_HTTPS = String(await measureAddedHeaderBytes('https+serve', 'https'));
  console.error(`bench: serve() adds ${process.env.BENCH_EXTRA_BYTES_HTTPS} bytes of headers to the hello-world response over HTTPS`);
}
console.error(`bench: ${ROUNDS} rounds x ${SECONDS}s per server, ${CONNECTIONS} keep-alive connections, wrk${pin ? ' on core 1, servers on core 0' : ''}`);
for (const { base: baseName, subject: subjectName, load, name } of PAIRS) {
  const base = await startServer(baseName);
  const subject = await startServer(subjectName);
  try {
    const tlsVersions = [await checkServes(base), await checkServes(subject)];
    if (isTls(baseName)) console.error(`bench: ${name}: ${tlsVersions.join(' / ')}, certificate key ${TLS.keyType}`);
    wrk(base, 2, load); // warm-up (JIT)
    wrk(subject, 2, load);
    const rounds = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [base, subject] : [subject, base];
      const [first, second] = [await measure(order[0], load), await measure(order[1], load)];
      const [b, s] = round % 2 === 0 ? [first, second] : [second, first];
      rounds.push({ base: b, subject: s, ratio: s.rps / b.rps, cpuRatio: b.cpuPerRequest / s.cpuPerRequest });
      console.error(`  ${name}: round ${round + 1}/${ROUNDS}  ${b.rps.toFixed(0)} vs ${s.rps.toFixed(0)} req/s  (${(s.rps / b.rps * 100).toFixed(1)}%)`);
    }
    const ratios = rounds.map((r) => r.ratio);
    const sum = (side, field) => rounds.reduce((total, r) => total + r[side][field], 0);
    results.push({
      name,
      load,
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
      // Share of the wall time the server process was on a CPU: near 100% means wrk kept it saturated.
      baseBusy: median(rounds.map((r) => r.base.busy)),
      subjectBusy: median(rounds.map((r) => r.subject.busy)),
      ...(isTls(baseName) && {
        tls: {
          versions: tlsVersions,
          keyType: TLS.keyType,
          baseHandshakesPerRequest: sum('base', 'handshakes') / sum('base', 'served'),
          subjectHandshakesPerRequest: sum('subject', 'handshakes') / sum('subject', 'served'),
          baseResumed: sum('base', 'resumed') / sum('base', 'handshakes'),
          subjectResumed: sum('subject', 'resumed') / sum('subject', 'handshakes'),
        },
      }),
      rounds,
    });
  } finally {
    base.child.disconnect();
    subject.child.disconnect();
  }
}

const percent = (x) => `${(x * 100).toFixed(1)}%`;
const table = [
  '| pair | baseline req/s | subject req/s | throughput ratio: median of rounds (min–max) | best run vs best run | server CPU µs/req | server busy |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...results.map(
    (r) =>
      `| ${r.name} | ${r.baseRps.toFixed(0)} | ${r.subjectRps.toFixed(0)} | ` +
      `**${percent(r.ratio)}** (${percent(r.ratioMin)}–${percent(r.ratioMax)}) | ` +
      `${percent(r.bestRatio)} | ${r.baseCpuPerRequest.toFixed(2)} → ${r.subjectCpuPerRequest.toFixed(2)} | ${percent(r.baseBusy)} / ${percent(r.subjectBusy)} |`,
  ),
];
const tlsNotes = results
  .filter((r) => r.tls)
  .map(
    (r) =>
      `- ${r.name}: ${r.tls.versions.join(' / ')}, certificate key ${r.tls.keyType}; ` +
      `handshakes per request ${r.tls.baseHandshakesPerRequest.toFixed(3)} / ${r.tls.subjectHandshakesPerRequest.toFixed(3)}, ` +
      `of which resumed ${percent(r.tls.baseResumed)} / ${percent(r.tls.subjectResumed)} (baseline / subject)`,
  );
if (tlsNotes.length > 0) table.push('', ...tlsNotes);
console.log(table.join('\n'));

// Second measure: instructions per request (valgrind), which the machine's noise does not move.
const instructions = [];
if (process.env.BENCH_INSTRUCTIONS === '0') console.error('bench: instruction counts skipped (BENCH_INSTRUCTIONS=0)');
else if (!canCountInstructions()) console.error('bench: instruction counts skipped: install valgrind (apt-get install -y valgrind)');
else {
  // Keep-alive load only (HTTPS included: the load generator trusts this run's certificate). A
  // handshake per request under valgrind would take the 40,000-request warm-up to hours.
  const counted = new Map();
  const count = async (config) => {
    if (!counted.has(config)) counted.set(config, await instructionsPerRequest(config, process.env));
    return counted.get(config);
  };
  for (const { base: baseName, subject: subjectName, load, name } of PAIRS) {
    if (load !== 'keep-alive') {
      console.error(`  instruction counts skipped for ${name}: keep-alive pairs only`);
      continue;
    }
    console.error(`  counting instructions: ${baseName}, ${subjectName} (valgrind, about a minute each)`);
    const base = await count(baseName);
    const subject = await count(subjectName);
    instructions.push({ name, base: baseName, subject: subjectName, baseInstructions: base, subjectInstructions: subject, ratio: subject / base });
  }
  table.push(
    '',
    '| pair | baseline instructions/request | subject instructions/request | subject / baseline |',
    '|---|---:|---:|---:|',
    ...instructions.map((r) => `| ${r.name} | ${r.baseInstructions.toFixed(0)} | ${r.subjectInstructions.toFixed(0)} | ${percent(r.ratio)} |`),
  );
  console.log(table.slice(-instructions.length - 3).join('\n'));
}

mkdirSync(join(here, 'results'), { recursive: true });
const meta = { date: new Date().toISOString(), node: process.version, rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, pinned: pin };
writeFileSync(join(here, 'results/latest.json'), `${JSON.stringify({ ...meta, results, instructions }, null, 2)}\n`);
writeFileSync(join(here, 'results/latest.md'), `${table.join('\n')}\n`);
