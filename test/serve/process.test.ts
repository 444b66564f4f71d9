/**
 * serve() in its own process, as a service runs (test/fixtures/serve-app.mjs, configured by JSON in
 * SERVE_FIXTURE): the production guard's refusals (message, fix, exit code 1, no secret in the
 * output), starts that must succeed (a safe production set-up, behind a declared proxy),
 * the development notices, graceful shutdown on SIGTERM/SIGINT and the certificate expiry warning.
 *
 * Children get a small, explicit environment (not the test runner's: vitest sets NODE_ENV=test).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { connect as http2Connect, type SecureClientSessionOptions } from 'node:http2';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { certificateFiles, pfxFile } from '../helpers/certificates.js';
import { getOnSocket } from '../helpers/raw-http.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = join(ROOT, 'test/fixtures/serve-app.mjs');
const DAY = 86_400_000;
/** A weak secret planted in the refused configurations: it must never appear in any output. */
const PLANTED = 'planted-Secret-42';
/** A PFX passphrase: it must never appear in any output either. */
const PASSPHRASE = 'correct-horse-battery-staple-7';

interface Fixture {
  policy?: Record<string, unknown>;
  serve?: Record<string, unknown>;
  config?: Record<string, unknown>;
  configOnError?: 'throw' | 'exit';
  secrets?: Record<string, string>;
}

interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  execArgv?: string[];
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  output: { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

function start(fixture: Fixture, options: RunOptions = {}): Running {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SERVE_FIXTURE: JSON.stringify(fixture), ...options.env };
  const child = spawn(process.execPath, [...(options.execArgv ?? []), FIXTURE], { cwd: options.cwd ?? mkdtempSync(join(tmpdir(), 'aegis-proc-')), env });
  children.push(child);
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

/** Runs a fixture that must not start: resolves with its exit code and output. */
async function refused(fixture: Fixture, options: RunOptions = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = start(fixture, options);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 15_000);
  const code = await run.exited;
  clearTimeout(timer);
  return { code, ...run.output };
}

/** Waits until the output matches `pattern` (or the process exits, or 15 s pass). */
async function waitFor(run: Running, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpExecArray> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const match = pattern.exec(run.output[stream]);
    if (match) return match;
    if (run.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`no ${pattern} on ${stream} (exit ${run.child.exitCode}).\nstdout: ${run.output.stdout}\nstderr: ${run.output.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts a fixture that must listen; resolves with its ports. */
async function listening(fixture: Fixture, options: RunOptions = {}): Promise<Running & { port: number; redirectPort: number | undefined }> {
  const run = start(fixture, options);
  const match = await waitFor(run, 'stdout', /^listening (\d+) (\d+|-)$/m);
  return { ...run, port: Number(match[1]), redirectPort: match[2] === '-' ? undefined : Number(match[2]) };
}

/** A TLS connection that trusts `ca` only and names localhost. */
function openTls(port: number, ca: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca, ALPNProtocols: ['http/1.1'] }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * What happens to a new HTTPS request: `refused` (no connection), `reset` (the kernel completed the
 * handshake in the instant before the listener closed, then reset it), or `served`.
 */
function tryNewRequest(port: number, ca: string): Promise<'refused' | 'reset' | 'served'> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca, ALPNProtocols: ['http/1.1'] }, () => {
      socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    });
    socket.once('data', () => {
      socket.destroy();
      resolve('served');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'reset'));
    socket.once('close', () => resolve('reset'));
  });
}

/** Whether a TCP connection to the port is refused, trying for up to a second (the listener's close reaches the kernel a moment after Node's). */
async function refusesConnections(port: number): Promise<boolean> {
  const deadline = Date.now() + 1000;
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connectTcp({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
    });
    if (refused || Date.now() > deadline) return refused;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function closed(socket: TLSSocket): Promise<void> {
  return new Promise((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));
}

const localhost = certificateFiles({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
const PRODUCTION_ENV = { NODE_ENV: 'production' };
/** A production set-up with nothing to refuse: certificate for its host, HSTS on (the default), no debugging. */
function safeProduction(extra: { policy?: Record<string, unknown>; serve?: Record<string, unknown> } = {}): Fixture {
  return {
    policy: { env: 'production', hosts: ['localhost'], ...extra.policy },
    serve: { port: 0, redirectPort: 0, tls: { cert: localhost.cert, key: localhost.key }, ...extra.serve },
  };
}

/** The refusal text for exactly one finding. */
function refusal(lines: string): string {
  return `Aegis refuses to start in production (1 problem):\n${lines}\nRun \`npx aegis check\` for the full report.\n`;
}

describe('a safe production start (the control for every refusal below)', () => {
  it('listens on HTTPS and on the redirect port, serves, and exits 0 on SIGTERM', async () => {
    const run = await listening(safeProduction(), { env: PRODUCTION_ENV });
    expect(run.redirectPort).toBeGreaterThan(0);
    const socket = await openTls(run.port, localhost.pem.cert);
    const response = await getOnSocket(socket, '/');
    expect(response.status).toBe(200);
    expect(response.body).toBe('ok');
    expect(response.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    socket.destroy();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    // A self-signed certificate is a warning for `aegis check`, not a reason to refuse.
    expect(run.output.stderr).toBe('');
  });

  it('serves plain HTTP when the policy trusts the proxy that terminates TLS', async () => {
    const run = await listening(safeProduction({ policy: { proxy: { trust: ['loopback'] } }, serve: { tls: false } }), { env: PRODUCTION_ENV });
    expect(run.redirectPort).toBeUndefined();
    const reply = await fetch(`http://127.0.0.1:${run.port}/`, { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'localhost' } });
    expect(reply.status).toBe(200);
    expect(await reply.text()).toBe('ok');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });
});

describe('production refusals: each names the problem and its fix, and exits 1', () => {
  it('TLS absent and no trusted proxy (tls: false)', async () => {
    const result = await refused(safeProduction({ serve: { tls: false } }), { env: PRODUCTION_ENV });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      refusal(
        '  AEGIS-E001 error   TLS missing: Nothing encrypts traffic: no certificate is served and no TLS-terminating proxy is declared.\n' +
          "                     Fix: serve with tls: { cert, key } (or { pfx }), or declare the proxy that terminates TLS with proxy: { trust: ['10.0.0.0/8'] } and tls: false.",
      ),
    );
  });

  it('no certificate configured: refused, and no development certificate is made', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'aegis-proc-'));
    const result = await refused(safeProduction({ serve: { tls: undefined } }), { env: PRODUCTION_ENV, cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('  AEGIS-E001 error   TLS missing: ');
    expect(result.stderr).not.toContain('development certificate');
    expect(existsSync(join(cwd, '.aegis'))).toBe(false);
  });

  it('NODE_ENV is not production', async () => {
    const result = await refused(safeProduction(), { env: { NODE_ENV: 'development' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      refusal(
        '  AEGIS-E006 error   debugging on: NODE_ENV is "development": frameworks (Express included) then show stack traces and skip caches.\n' +
          '                     Fix: set NODE_ENV=production.',
      ),
    );
  });

  it('the inspector is enabled (--inspect)', async () => {
    const result = await refused(safeProduction(), { env: PRODUCTION_ENV, execArgv: ['--inspect=127.0.0.1:0'] });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      refusal(
        '  AEGIS-E006 error   debugging on: The Node.js inspector is enabled (--inspect): anyone who reaches its port can run code in the process.\n' +
          '                     Fix: remove --inspect from the command line and from NODE_OPTIONS.',
      ),
    );
  });

  it('the application declares debug mode', async () => {
    const result = await refused(safeProduction({ serve: { debug: true } }), { env: PRODUCTION_ENV });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(refusal('  AEGIS-E006 error   debugging on: The application declares debug mode.\n                     Fix: turn the debug setting off in production.'));
  });

  it('cookies would not be Secure', async () => {
    const result = await refused(safeProduction({ serve: { cookies: { secure: false } } }), { env: PRODUCTION_ENV });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      refusal('  AEGIS-E007 error   cookies not Secure: Session cookies are not marked Secure: browsers send them over plain HTTP too.\n                     Fix: set cookies.secure to true (the default).'),
    );
  });

  it("CORS allows '*' with credentials", async () => {
    const result = await refused(safeProduction({ serve: { cors: { origins: '*', credentials: true } } }), { env: PRODUCTION_ENV });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      refusal(
        "  AEGIS-E008 error   CORS wildcard with credentials: CORS allows every origin ('*') together with credentials: any site could read authenticated responses if the origin is reflected.\n" +
          '                     Fix: list the origins that may call this service, or turn credentials off.',
      ),
    );
  });

  it('HSTS is off', async () => {
    const result = await refused(safeProduction({ policy: { headers: { strictTransportSecurity: false } } }), { env: PRODUCTION_ENV });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Aegis refuses to start in production \(1 problem\):\n {2}AEGIS-E005 error {3}HSTS off: .+\n {21}Fix: .+\nRun `npx aegis check` for the full report\.\n$/);
  });

  it('the certificate has expired', async () => {
    const expired = certificateFiles({ dnsNames: ['localhost'], now: new Date(Date.now() - 10 * DAY), days: 5 });
    const validTo = new X509Certificate(expired.pem.cert).validTo;
    const result = await refused(safeProduction({ serve: { tls: { cert: expired.cert, key: expired.key } } }), { env: PRODUCTION_ENV });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('  AEGIS-E003 error   certificate expired: ');
    expect(result.stderr).toContain(new Date(validTo).toISOString().slice(0, 10));
    expect(result.stderr).toContain(expired.cert);
  });

  it("the certificate's names do not cover the allowed hosts", async () => {
    const other = certificateFiles({ dnsNames: ['other.example.com'] });
    const result = await refused(safeProduction({ policy: { hosts: ['api.example.com', 'localhost'] }, serve: { tls: { cert: other.cert, key: other.key } } }), { env: PRODUCTION_ENV });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('  AEGIS-E004 error   certificate names: ');
    expect(result.stderr).toContain('api.example.com, localhost');
  });

  it('a PKCS#12 bundle with the wrong passphrase: names the file, never the passphrase', async () => {
    const pfx = pfxFile(certificateFiles({ dnsNames: ['localhost'] }), PASSPHRASE);
    const result = await refused(safeProduction({ serve: { tls: { pfx, passphraseEnv: 'SITE_PFX_PASS' } } }), { env: { ...PRODUCTION_ENV, SITE_PFX_PASS: `${PASSPHRASE}-wrong` } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`  AEGIS-E002 error   certificate unreadable: The PKCS#12 bundle ${pfx} could not be opened with the passphrase in SITE_PFX_PASS`);
    expect(`${result.stdout}${result.stderr}`).not.toContain(PASSPHRASE);
  });

  it('weak and repeated secrets in the configuration: listed by name, values never shown', async () => {
    const result = await refused({ ...safeProduction(), secrets: { SESSION_SECRET: PLANTED, CSRF_SECRET: PLANTED } }, { env: PRODUCTION_ENV });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'Aegis refuses to start in production (3 problems):\n' +
        '  AEGIS-E009 error   weak secret: SESSION_SECRET: only 102 bits of entropy (at least 256 are needed).\n' +
        '                     Fix: set SESSION_SECRET to a new value from `npx aegis secret`.\n' +
        '  AEGIS-E009 error   weak secret: CSRF_SECRET: only 102 bits of entropy (at least 256 are needed).\n' +
        '                     Fix: set CSRF_SECRET to a new value from `npx aegis secret`.\n' +
        '  AEGIS-E009 error   weak secret: CSRF_SECRET: the same value as SESSION_SECRET: every secret must be different.\n' +
        '                     Fix: set CSRF_SECRET to a new value from `npx aegis secret`.\n' +
        'Run `npx aegis check` for the full report.\n',
    );
    expect(`${result.stdout}${result.stderr}`).not.toContain(PLANTED);
  });

  it('loadConfig with onError "exit": every problem at once, a pointer to aegis secret, exit 1, no value shown', async () => {
    const schema = {
      session: { env: 'SESSION_SECRET', type: 'secret', required: true },
      signing: { env: 'SIGNING_KEYS', type: 'secrets', required: true },
      api: { env: 'API_SECRET', type: 'secret', required: true },
    };
    const result = await refused({ ...safeProduction(), config: schema, configOnError: 'exit' }, { env: { ...PRODUCTION_ENV, AEGIS_ENV: 'production', SESSION_SECRET: 'changeme', SIGNING_KEYS: `${PLANTED} ${PLANTED}` } });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'Invalid configuration (5 problems):\n' +
        '  - API_SECRET: is required but not set. Fix: set API_SECRET in the environment to a new value from `npx aegis secret`.\n' +
        '  - SESSION_SECRET: weak secret: a known placeholder; only 22 bits of entropy (at least 256 are needed). Fix: set SESSION_SECRET to a new value from `npx aegis secret`.\n' +
        '  - SIGNING_KEYS: key 1 of 2 in SIGNING_KEYS: weak secret: only 102 bits of entropy (at least 256 are needed). Fix: replace key 1 of 2 in SIGNING_KEYS with a new value from `npx aegis secret`.\n' +
        '  - SIGNING_KEYS: key 2 of 2 in SIGNING_KEYS: weak secret: only 102 bits of entropy (at least 256 are needed). Fix: replace key 2 of 2 in SIGNING_KEYS with a new value from `npx aegis secret`.\n' +
        '  - SIGNING_KEYS: key 2 of 2 in SIGNING_KEYS: the same value as key 1 of 2 in SIGNING_KEYS; every secret must be different. Fix: replace key 2 of 2 in SIGNING_KEYS with a new value from `npx aegis secret`.\n',
    );
    expect(`${result.stdout}${result.stderr}`).not.toContain(PLANTED);
    expect(result.stderr).not.toContain('changeme');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('several problems at once are all listed in one refusal', async () => {
    const result = await refused(safeProduction({ policy: { headers: { strictTransportSecurity: false } }, serve: { tls: false, cookies: { secure: false } } }), { env: { NODE_ENV: 'development' } });
    expect(result.code).toBe(1);
    const ids = [...result.stderr.matchAll(/^ {2}(AEGIS-E\d{3}) /gm)].map((match) => match[1]);
    expect(ids).toEqual(['AEGIS-E001', 'AEGIS-E005', 'AEGIS-E006', 'AEGIS-E007']);
    expect(result.stderr.split('\n')[0]).toBe('Aegis refuses to start in production (4 problems):');
  });
});

describe('development', () => {
  it('makes the development certificate (0600) and says once what is relaxed and where the certificate is', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'aegis-proc-dev-'));
    const run = await listening({ policy: { env: 'development' }, serve: { port: 0, redirectPort: false } }, { cwd, env: { NODE_ENV: 'development' } });
    const certPath = join(cwd, '.aegis/dev-cert/dev-cert.pem');
    const keyPath = join(cwd, '.aegis/dev-cert/dev-key.pem');
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    const certificate = new X509Certificate(readFileSync(certPath));
    expect(certificate.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    const socket = await openTls(run.port, readFileSync(certPath, 'utf8'));
    expect((await getOnSocket(socket, '/')).status).toBe(200);
    socket.destroy();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const stderr = run.output.stderr;
    expect(stderr.match(/\[aegis\] development profile/g)).toHaveLength(1);
    expect(stderr).toContain('  - Strict-Transport-Security is not sent (it would pin localhost to HTTPS)\n');
    expect(stderr.match(/\[aegis\] serving HTTPS with a self-signed development certificate/g)).toHaveLength(1);
    expect(stderr).toContain(`(${certPath}, valid until `);
  });
});

describe('graceful shutdown', () => {
  const ca = localhost.pem.cert;
  const testFixture = (serve: Record<string, unknown> = {}): Fixture => ({
    policy: { env: 'test', hosts: ['localhost'] },
    serve: { port: 0, redirectPort: false, tls: { cert: localhost.cert, key: localhost.key }, ...serve },
  });

  it('on SIGTERM: the in-flight request completes, idle keep-alive closes, new connections are refused, exit 0', async () => {
    const run = await listening(testFixture(), { env: { SLOW_MS: '1500' } });
    const idle = await openTls(run.port, ca);
    expect((await getOnSocket(idle, '/')).status).toBe(200);
    const busy = await openTls(run.port, ca);
    const slow = getOnSocket(busy, '/slow');
    await waitFor(run, 'stdout', /^slow started$/m);

    run.child.kill('SIGTERM');
    await closed(idle); // the idle keep-alive connection is closed at once
    expect(await tryNewRequest(run.port, ca)).not.toBe('served');
    expect(await refusesConnections(run.port)).toBe(true);
    expect(run.child.exitCode).toBeNull(); // still finishing /slow

    const response = await slow;
    expect(response.status).toBe(200);
    expect(response.body).toBe('slow done');
    expect(await run.exited).toBe(0);
    expect(run.output.stderr).toBe('');
  });

  it('SIGINT does the same', async () => {
    const run = await listening(testFixture(), { env: { SLOW_MS: '300' } });
    const busy = await openTls(run.port, ca);
    const slow = getOnSocket(busy, '/slow');
    await waitFor(run, 'stdout', /^slow started$/m);
    run.child.kill('SIGINT');
    expect((await slow).body).toBe('slow done');
    expect(await run.exited).toBe(0);
  });

  it('on SIGTERM an HTTP/2 stream in flight completes (the session gets GOAWAY), exit 0', async () => {
    const run = await listening(testFixture(), { env: { SLOW_MS: '800' } });
    const session = http2Connect(`https://localhost:${run.port}`, { ca, host: '127.0.0.1', servername: 'localhost' } as SecureClientSessionOptions);
    const stream = session.request({ ':path': '/slow' });
    let body = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    const status = new Promise<number>((resolve) => stream.once('response', (headers) => resolve(Number(headers[':status']))));
    const ended = new Promise<void>((resolve) => stream.once('end', () => resolve()));
    const goaway = new Promise<void>((resolve) => session.once('goaway', () => resolve()));
    await waitFor(run, 'stdout', /^slow started$/m);
    run.child.kill('SIGTERM');
    await goaway;
    await ended;
    expect(await status).toBe(200);
    expect(body).toBe('slow done');
    session.close();
    expect(await run.exited).toBe(0);
  });

  it('past shutdownTimeout, the requests left are cut off, it says so, and exits 0', async () => {
    const run = await listening(testFixture({ shutdownTimeout: '300ms' }), { env: { SLOW_MS: '20000' } });
    const busy = await openTls(run.port, ca);
    void getOnSocket(busy, '/slow').catch(() => undefined);
    await waitFor(run, 'stdout', /^slow started$/m);
    const began = Date.now();
    run.child.kill('SIGTERM');
    await closed(busy);
    expect(await run.exited).toBe(0);
    expect(Date.now() - began).toBeLessThan(10_000);
    expect(run.output.stderr).toBe('[aegis] shutdown: requests still running after 300 ms were cut off (1 connection was busy when shutdown began).\n');
    expect(run.output.stdout).toContain('"type":"server.shutdown_forced"');
  });
});

describe('certificate expiry', () => {
  it('warns at start, on stderr and as an event, when the certificate expires within 30 days', async () => {
    const soon = certificateFiles({ dnsNames: ['localhost'], days: 10 });
    const validTo = new Date(new X509Certificate(soon.pem.cert).validTo).toISOString();
    const run = await listening({ policy: { env: 'test', hosts: ['localhost'] }, serve: { port: 0, redirectPort: false, tls: { cert: soon.cert, key: soon.key } } });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output.stderr).toBe(`[aegis] warning: the TLS certificate from ${soon.cert} + ${soon.key} expires in 10 days (${validTo}). Renew it; Aegis reloads the files without a restart.\n`);
    const event = JSON.parse(run.output.stdout.split('\n').find((line) => line.includes('tls.expiring')) ?? '{}') as { level: string; detail: unknown };
    expect(event.level).toBe('warn');
    expect(event.detail).toEqual({ source: `${soon.cert} + ${soon.key}`, validTo, days: 10 });
  });
});
