/** The demo site as a user runs it: `node examples/demo/server.js` in a child process. */

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The demo's one stdout line once it listens (its wording belongs to examples/demo/server.js). */
export const LISTENING = /^Aegis demo listening on https:\/\/localhost:(\d+)\/ \(http:\/\/localhost:(\d+)\/ redirects there\)$/;

/** A running demo: its process, its ports and what it printed so far. */
export interface DemoProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  readonly httpPort: number;
  /** Everything printed so far (live). */
  readonly output: { stdout: string; stderr: string };
}

/** Runs `node examples/demo/server.js` from the repository root (for the `aegis` self-import) with `env` added. */
export function spawnDemo(env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['examples/demo/server.js'], { cwd: ROOT, env: { ...process.env, ...env } });
}

/**
 * Starts the demo with `env` and resolves once it printed its listening line, with the real ports.
 * Rejects (with what it printed) when it exits first or prints nothing within 10 s.
 */
export async function startDemo(env: Record<string, string>): Promise<DemoProcess> {
  if (!existsSync(`${ROOT}dist/esm/index.js`)) throw new Error('dist/ is missing: run `npm run build` (npm test does it in pretest).');
  const child = spawnDemo(env);
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const [port, httpPort] = await new Promise<[number, number]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo printed no listening line within 10 s.\nstdout: ${output.stdout}\nstderr: ${output.stderr}`)), 10_000);
    const check = (): void => {
      const match = LISTENING.exec(output.stdout.split('\n')[0] ?? '');
      if (match && output.stdout.includes('\n')) {
        clearTimeout(timer);
        resolve([Number(match[1]), Number(match[2])]);
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code} before listening.\nstderr: ${output.stderr}`));
    });
  });
  return { child, port, httpPort, output };
}

/** Kills the demo if it still runs. */
export function stopDemo(demo: DemoProcess | undefined): void {
  if (demo && demo.child.exitCode === null && demo.child.signalCode === null) demo.child.kill('SIGKILL');
}
