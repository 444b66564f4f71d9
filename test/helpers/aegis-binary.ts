/** The real `aegis` command, run as a user runs it: `node bin/aegis.mjs <args>` in a child process. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The path of the `aegis` executable in this repository. */
export const AEGIS_BIN = fileURLToPath(new URL('../../bin/aegis.mjs', import.meta.url));

/** What the command printed and its exit code. */
export interface BinaryResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/aegis.mjs <args>` in `cwd` with exactly `env`, stdin closed; resolves when it exits. */
export function runAegisBinary(args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<BinaryResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AEGIS_BIN, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
