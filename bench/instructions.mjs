// Instructions per request, counted by valgrind's callgrind in the server process: the same
// binary, the same requests, the same count whatever else the machine is doing. Throughput (wrk)
// says what users see; this says, without noise, how much work each configuration does.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// V8 keeps compiling and re-optimising for tens of thousands of requests, and under valgrind
// that work is counted too: a short warm-up measures the compiler, not the request path.
const WARM_UP = Number(process.env.BENCH_INSTRUCTION_WARMUP ?? 40000);
const MEASURED = Number(process.env.BENCH_INSTRUCTION_REQUESTS ?? 20000);

/** True when valgrind and callgrind_control are installed. */
export function canCountInstructions() {
  return spawnSync('sh', ['-c', 'command -v valgrind && command -v callgrind_control']).status === 0;
}

// The https configurations (see servers/start.mjs) are loaded over TLS, trusting BENCH_TLS_CERT.
const schemeOf = (config) => (config.startsWith('https') ? 'https' : 'http');

function load(config, port, requests, env) {
  execFileSync(process.execPath, [join(here, 'fixed-load.mjs'), String(port), String(requests), '8', schemeOf(config)], { stdio: 'inherit', env });
}

function getOnce(config, port, env) {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port, path: '/', agent: false };
    const client = schemeOf(config) === 'https' ? https.get({ ...options, ca: readFileSync(env.BENCH_TLS_CERT ?? '') }, done) : http.get(options, done);
    client.on('error', reject);
    function done(response) {
      response.resume();
      response.on('end', resolve);
    }
  });
}

/** The port the server listens on (it picks a free one and says so over IPC), once it answers. */
async function waitUntilServing(config, child, env) {
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server under valgrind did not start in 2 minutes')), 120_000);
    child.once('exit', (code) => reject(new Error(`server under valgrind exited with ${code}`)));
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message.ready);
    });
  });
  await getOnce(config, port, env);
  return port;
}

/** Instructions the server executes per request for one configuration (after a warm-up). */
export async function instructionsPerRequest(config, env) {
  const dir = mkdtempSync(join(tmpdir(), 'aegis-callgrind-'));
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${join(dir, 'out.%p')}`, process.execPath, join(env.BENCH_SERVERS_DIR ?? join(here, 'servers'), 'start.mjs'), config],
    { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env },
  );
  try {
    const port = await waitUntilServing(config, child, env);
    load(config, port, WARM_UP, env);
    const control = (...args) => execFileSync('callgrind_control', [...args, String(child.pid)], { stdio: 'ignore' });
    control('-i', 'on');
    load(config, port, MEASURED, env);
    control('-i', 'off');
    control('-d');
    const dump = readdirSync(dir).find((name) => /\.\d+$/.test(name) && name.split('.').length === 3);
    const totals = /^totals:\s+(\d+)/m.exec(readFileSync(join(dir, dump ?? ''), 'utf8'));
    if (!totals) throw new Error('no totals in the callgrind dump');
    return Number(totals[1]) / MEASURED;
  } finally {
    child.kill('SIGKILL');
  }
}
