/**
 * An application in a child process, for the multi-process tests: runs `node <script> <args>` from
 * the repository root (for the `aegis` self-import), waits for its `{"port":N}` line, and keeps what
 * it writes to stderr (the fixtures print their events there, one JSON line each).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A running child application. */
export interface ChildApp {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, resolved once it has exited. */
  stop(): Promise<void>;
}

/** Starts the app; rejects with its stderr when it exits first or prints no port within 10 s. */
export async function startChildApp(script: string, args: readonly string[], env: Record<string, string> = {}): Promise<ChildApp> {
  const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no port within 10 s: ${stderr}`)), 10_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = /^\{"port":(\d+)\}\n/.exec(stdout);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${String(code)}: ${stderr}`)));
  });
  return {
    child,
    port,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
