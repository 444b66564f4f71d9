/**
 * A real nginx (Debian's `nginx-light`, /usr/sbin/nginx) for integration tests: one foreground
 * process in a fresh temporary prefix, on free loopback ports, with the `http {}` body the test
 * writes. Start it in `beforeAll`, `stop()` it in `afterAll`.
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where Debian installs nginx (`apt-get install nginx-light`; `.ci/run` does it). */
export const NGINX = '/usr/sbin/nginx';
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 10_000;

/** The installed nginx's version, e.g. `[1, 22, 1]` (from `nginx -v`, which prints to stderr). */
export function nginxVersion(): [number, number, number] {
  const run = spawnSync(NGINX, ['-v'], { encoding: 'utf8' });
  const printed = `${run.stdout ?? ''}${run.stderr ?? ''}${run.error?.message ?? ''}`;
  const match = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(printed);
  if (!match) throw new Error(`cannot read the nginx version from \`${NGINX} -v\`: ${printed}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Whether this nginx has the `http2 on;` directive (1.25.1+); older ones take `http2` on `listen`. */
export function nginxHasHttp2Directive(): boolean {
  const [major, minor, patch] = nginxVersion();
  return major > 1 || (major === 1 && (minor > 25 || (minor === 25 && patch >= 1)));
}

/**
 * `count` distinct free ports of 127.0.0.1: each bound with port 0 (all at once, so they differ),
 * then released for nginx to bind.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, HOST, resolve);
      });
    }
    return servers.map((server) => (server.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** What the test's configuration is written from. */
export interface NginxContext {
  /** The prefix directory (temporary; removed by `stop()`). Put document roots and files here. */
  readonly dir: string;
  /** The free ports reserved for this server, in order. */
  readonly ports: readonly number[];
}

/** Options of {@link startNginx}. */
export interface NginxOptions {
  /** How many free loopback ports to reserve. Default 1. */
  readonly ports?: number;
  /** Files to write under the prefix before starting, by relative path (directories are created). */
  readonly files?: (context: NginxContext) => Readonly<Record<string, string>>;
  /** The body of the `http {}` block: `server {}` blocks listening on `127.0.0.1:<port>`. */
  readonly http: (context: NginxContext) => string;
}

/** A running nginx. */
export interface NginxServer extends NginxContext {
  readonly child: ChildProcess;
  /** The full nginx.conf as written. */
  readonly config: string;
  /** What nginx printed so far (live); its error log goes to stderr. */
  readonly output: { stdout: string; stderr: string };
  /** Stops nginx (SIGQUIT, then SIGTERM, then SIGKILL of its process group) and removes the prefix. */
  stop(): Promise<void>;
}

/**
 * The nginx.conf around the test's `http {}` body: one worker, temp paths inside the prefix, no
 * access log, a minimal MIME map. `daemon`, `pid` and `error_log` are given with `-g`. As root,
 * workers run as root too (the default `nobody` cannot read a 0700 temporary directory).
 */
export function nginxConfig(http: string): string {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return [
    ...(asRoot ? ['user root;'] : []),
    'worker_processes 1;',
    'events { worker_connections 64; }',
    'http {',
    '  access_log off;',
    '  client_body_temp_path temp/client_body;',
    '  proxy_temp_path temp/proxy;',
    '  fastcgi_temp_path temp/fastcgi;',
    '  uwsgi_temp_path temp/uwsgi;',
    '  scgi_temp_path temp/scgi;',
    '  types { text/html html; text/plain txt; text/css css; application/javascript js; }',
    '  default_type application/octet-stream;',
    http
      .trim()
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n'),
    '}',
    '',
  ].join('\n');
}

/**
 * Starts nginx in the foreground (`-p <tmp> -c <tmp>/nginx.conf -g 'daemon off; …'`) and resolves
 * once every reserved port accepts connections. Rejects with nginx's stderr when the configuration
 * is refused, the process exits, or a port is still closed after 10 s.
 * @example const nginx = await startNginx({ ports: 1, http: ({ ports }) => `server { listen 127.0.0.1:${ports[0]}; return 204; }` });
 */
export async function startNginx(options: NginxOptions): Promise<NginxServer> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: install Debian's nginx-light (apt-get install -y nginx-light; .ci/run does it).`);
  const dir = mkdtempSync(join(tmpdir(), 'aegis-nginx-'));
  const ports = await freePorts(options.ports ?? 1);
  const context: NginxContext = { dir, ports };
  mkdirSync(join(dir, 'temp'));
  for (const [path, content] of Object.entries(options.files?.(context) ?? {})) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  const config = nginxConfig(options.http(context));
  const configFile = join(dir, 'nginx.conf');
  writeFileSync(configFile, config);

  const child = spawn(NGINX, ['-p', `${dir}/`, '-e', 'stderr', '-c', configFile, '-g', `daemon off; pid ${join(dir, 'nginx.pid')}; error_log stderr;`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a last-resort SIGKILL reaches the workers too.
    detached: true,
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const server: NginxServer = { dir, ports, child, config, output, stop: () => stopNginx(child, exited, dir) };
  try {
    await waitUntilListening(ports, child, exited, output);
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message}\nnginx stderr:\n${output.stderr}\nnginx.conf:\n${config}`, { cause: error });
  }
  return server;
}

async function waitUntilListening(ports: readonly number[], child: ChildProcess, exited: Promise<void>, output: { stderr: string }): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let gone = false;
  void exited.then(() => (gone = true));
  for (const port of ports) {
    for (;;) {
      if (gone) throw new Error(`nginx exited (code ${String(child.exitCode)}, signal ${String(child.signalCode)}) before listening on ${HOST}:${port}`);
      if (await accepts(port)) break;
      if (Date.now() > deadline) throw new Error(`nginx did not accept connections on ${HOST}:${port} within ${START_TIMEOUT_MS} ms (stderr so far: ${output.stderr.length} chars)`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function stopNginx(child: ChildProcess, exited: Promise<void>, dir: string): Promise<void> {
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const waitFor = (ms: number): Promise<boolean> => Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
  const signal = (name: NodeJS.Signals): void => {
    try {
      child.kill(name);
    } catch {
      // already gone
    }
  };
  if (running()) {
    signal('SIGQUIT');
    if (!(await waitFor(3000))) {
      signal('SIGTERM');
      if (!(await waitFor(2000)) && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await waitFor(2000);
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
