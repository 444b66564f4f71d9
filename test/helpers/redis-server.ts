/**
 * A real `redis-server` for integration tests: one process on a free loopback port, no
 * persistence, in a fresh temporary directory. Start it in `beforeAll`, `stop()` it in `afterAll`.
 * Nothing is skipped: without redis-server the tests fail and say how to install it.
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from './nginx.js';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 10_000;

/** A running redis-server. */
export interface RedisServer {
  readonly host: string;
  readonly port: number;
  /** `redis://127.0.0.1:<port>`, for node-redis's `createClient({ url })`. */
  readonly url: string;
  readonly child: ChildProcess;
  /** What it printed so far (live). */
  readonly output: { stdout: string; stderr: string };
  /** Stops the server (SIGTERM, then SIGKILL) and removes its directory. */
  stop(): Promise<void>;
}

/** The redis-server on PATH, or a thrown error saying how to install it. */
export function redisServerCommand(): string {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) {
    throw new Error('redis-server is missing: install it (apt-get install -y redis-server; .ci/run does it) to run the Redis store tests.');
  }
  return 'redis-server';
}

/**
 * Starts `redis-server --port N --bind 127.0.0.1 --save '' --appendonly no` in a temporary
 * directory (on `options.port`, else a free port) and resolves once it answers PING. Rejects with its output when it exits first or does
 * not answer within 10 s.
 */
export async function startRedisServer(options: { port?: number } = {}): Promise<RedisServer> {
  const command = redisServerCommand();
  const dir = mkdtempSync(join(tmpdir(), 'aegis-redis-'));
  // A given port restarts a stopped server where its clients reconnect.
  const [port] = options.port === undefined ? await freePorts(1) : [options.port];
  if (port === undefined) throw new Error('no free port');
  const child = spawn(command, ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: RedisServer = { host: HOST, port, url: `redis://${HOST}:${port}`, child, output, stop: () => stop(child, exited, dir) };
  try {
    await waitForPong(port, child, exited);
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message}\nredis-server stdout:\n${output.stdout}\nstderr:\n${output.stderr}`, { cause: error });
  }
  return server;
}

async function waitForPong(port: number, child: ChildProcess, exited: Promise<void>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`redis-server exited (code ${String(child.exitCode)}, signal ${String(child.signalCode)}) before answering PING on ${HOST}:${port}`);
    if (await pings(port)) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer PING on ${HOST}:${port} within ${START_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends an inline PING and resolves true on `+PONG`. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      reply += chunk;
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.once('error', () => done(false));
  });
}

async function stop(child: ChildProcess, exited: Promise<void>, dir: string): Promise<void> {
  const waitFor = (ms: number): Promise<boolean> => Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    if (!(await waitFor(3000))) {
      child.kill('SIGKILL');
      await waitFor(2000);
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
