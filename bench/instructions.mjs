// Instructions per request, counted by valgrind's callgrind in the server process: the same
// binary, the same requests, the same count whatever else the machine is doing. Throughput (wrk)
// says what users see; this says, without noise, how much work each configuration does.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
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

function load(port, requests) {
  execFileSync(process.execPath, [join(here, 'fixed-load.mjs'), String(port), String(requests), '8'], { stdio: 'inherit' });
}

async function waitUntilServing(port, child) {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`server under valgrind exited with ${child.exitCode}`);
    try {
      await (await fetch(`http://127.0.0.1:${port}/`)).text();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  throw new Error('server under valgrind did not start in 2 minutes');
}

/** Instructions the server executes per request for one configuration (after a warm-up). */
export async function instructionsPerRequest(config, port, env) {
  const dir = mkdtempSync(join(tmpdir(), 'aegis-callgrind-'));
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${join(dir, 'out.%p')}`, process.execPath, join(here, 'servers/start.mjs'), config, String(port)],
    { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env },
  );
  try {
    await waitUntilServing(port, child);
    load(port, WARM_UP);
    const control = (...args) => execFileSync('callgrind_control', [...args, String(child.pid)], { stdio: 'ignore' });
    control('-i', 'on');
    load(port, MEASURED);
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
