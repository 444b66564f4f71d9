/**
 * The demo site as a user runs it: `node examples/demo/server.js` in a child process, spoken to
 * over real sockets. Proves the HTTPS listener with the development certificate (trusted here as
 * the only CA, so the certificate must really cover localhost), the redirect listener, the routes,
 * the headers that matter, the JSON event lines on stdout, and a clean exit on SIGTERM even with a
 * keep-alive connection open. Also: the production profile refuses to start the demo.
 *
 * The development certificate is made in a temporary directory (AEGIS_DEV_CERT_DIR, which the
 * demo passes to serve() as devCertificateDir), not in the repository's `.aegis/dev-cert`: the test
 * sees the certificate being made, and does not depend on (or reuse) whatever is cached there.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnDemo, startDemo } from './helpers/demo-process.js';

const CSP =
  /^default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; script-src 'nonce-([A-Za-z0-9+/]{22,}={0,2})' 'strict-dynamic'; report-uri \/_aegis\/csp-report; report-to csp-endpoint$/;
/** The opening of serve()'s notice about the development certificate (its wording belongs to src/serve/serve.ts). */
const DEV_CERT_NOTICE = '[aegis] serving HTTPS with a self-signed development certificate (';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface EventLine {
  type: string;
  level: string;
  time: string;
  requestId?: string;
  ip?: string;
  method?: string;
  path?: string;
  status?: number;
  reason: string;
  detail?: Record<string, unknown>;
}

let child: ChildProcessWithoutNullStreams;
let port = 0;
let httpPort = 0;
/** What the demo printed so far (live). */
let output = { stdout: '', stderr: '' };
const workDir = mkdtempSync(join(tmpdir(), 'aegis-demo-'));
const certDir = join(workDir, 'dev-cert');
/** The development certificate the demo made, read once it listens: the only CA the requests trust. */
let ca: Buffer;
// A keep-alive agent: connections stay open between requests, as a browser's would.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Collects a response into a Reply. */
function collect(resolve: (reply: Reply) => void) {
  return (res: IncomingMessage) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (body += chunk));
    res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
  };
}

/**
 * One HTTPS request to the demo, over the keep-alive agent. It connects to 127.0.0.1 but names
 * `localhost` (SNI, Host), and verifies the certificate against the development certificate only
 * (no `rejectUnauthorized: false`).
 */
function send(path: string, options: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = { Host: `localhost:${port}`, ...options.headers };
    const req = request({ host: '127.0.0.1', servername: 'localhost', ca, port, path, method: options.method ?? 'GET', headers, agent }, collect(resolve));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** One plain-HTTP request to the redirect listener (on its own connection). */
function sendPlain(path: string, host: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: httpPort, path, headers: { Host: host }, agent: false }, collect(resolve));
    req.on('error', reject);
    req.end();
  });
}

/** The nonce in a reply's CSP header, after checking the whole header value. */
function nonceOf(reply: Reply): string {
  const value = String(reply.headers['content-security-policy']);
  expect(value).toMatch(CSP);
  return CSP.exec(value)?.[1] ?? '';
}

/** Stdout lines after the listening line, parsed as JSON events. */
function events(): EventLine[] {
  return output.stdout
    .split('\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as EventLine);
}

/** Waits (at most `ms`) until `count` events matching `test` have been printed, and returns the last of them. */
async function waitForEvent(test: (event: EventLine) => boolean, count = 1, ms = 5000): Promise<EventLine> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = events().filter(test)[count - 1];
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching event within ${ms} ms; stdout was:\n${output.stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Resolves with the exit code, or rejects after `ms`. */
function exitWithin(ms: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => reject(new Error(`the demo did not exit within ${ms} ms`)), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

beforeAll(async () => {
  const demo = await startDemo({ PORT: '0', HTTP_PORT: '0', HOST: '127.0.0.1', AEGIS_ENV: 'development', AEGIS_DEV_CERT_DIR: certDir });
  ({ child, port, httpPort } = demo);
  output = demo.output;
  ca = readFileSync(join(certDir, 'dev-cert.pem'));
});

afterAll(() => {
  agent.destroy();
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(workDir, { recursive: true, force: true });
});

describe('demo site (node examples/demo/server.js)', () => {
  it('prints exactly one line with the real ports, and the notices on stderr only', () => {
    expect(port).toBeGreaterThan(0);
    expect(httpPort).toBeGreaterThan(0);
    expect(httpPort).not.toBe(port);
    expect(output.stdout).toBe(`Aegis demo listening on https://localhost:${port}/ (http://localhost:${httpPort}/ redirects there)\n`);
    // The notices' wording belongs to src/core/policy.ts and src/serve/serve.ts; only their stream,
    // their opening and how often they appear matter here.
    expect(output.stderr.startsWith('[aegis] development profile')).toBe(true);
    expect(output.stderr.split(DEV_CERT_NOTICE)).toHaveLength(2);
    expect(output.stderr).toContain(`${DEV_CERT_NOTICE}${join(certDir, 'dev-cert.pem')}, valid until `);
  });

  it('serves HTTP/1.1 only: an Express app gets no HTTP/2, even when the client offers h2 first', async () => {
    const protocol = await new Promise<string | false | null>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca, ALPNProtocols: ['h2', 'http/1.1'] }, () => {
        // Verified against the development certificate for the name localhost.
        expect(socket.authorized).toBe(true);
        resolve(socket.alpnProtocol);
        socket.end();
      });
      socket.on('error', reject);
    });
    expect(protocol).toBe('http/1.1');
  });

  it('GET /api/status answers the exact JSON over HTTPS with the security headers', async () => {
    const reply = await send('/api/status');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(reply.body).toBe('{"service":"aegis-demo","status":"ok"}');
    expect(reply.headers['content-security-policy']).toMatch(CSP);
    expect(reply.headers['x-frame-options']).toBe('DENY');
    // A secure response: the Reporting API endpoint is announced (the CSP names it with report-to).
    expect(reply.headers['reporting-endpoints']).toBe('csp-endpoint="/_aegis/csp-report"');
    // The development profile never sends HSTS, even over HTTPS: it would pin localhost to HTTPS.
    expect(reply.headers['strict-transport-security']).toBe(undefined);
    expect(reply.headers['x-powered-by']).toBe(undefined);
  });

  it('GET / has one inline script whose nonce is the nonce of the CSP header, fresh per response', async () => {
    const first = await send('/');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('text/html; charset=utf-8');
    const nonce = nonceOf(first);
    expect(first.body.match(/<script\b[^>]*>/g)).toEqual([`<script nonce="${nonce}">`]);
    expect(first.body).toContain('<p id="script-result" class="result">If you can read this, the inline script did not run.</p>');

    const second = await send('/');
    const secondNonce = nonceOf(second);
    expect(second.body.match(/<script\b[^>]*>/g)).toEqual([`<script nonce="${secondNonce}">`]);
    expect(secondNonce).not.toBe(nonce);
  });

  it('GET /blocked has an inline script without a nonce, and the text it would replace', async () => {
    const reply = await send('/blocked');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.headers['content-security-policy']).toMatch(CSP);
    expect(reply.body.match(/<script\b[^>]*>/g)).toEqual(['<script>']);
    expect(reply.body).toContain(
      '<p id="verdict" class="warning">Blocked: the inline script on this page has no nonce, so the browser refused to run it.</p>',
    );
  });

  it('GET /style.css is served as CSS; an unknown path is a 404 with the headers', async () => {
    const css = await send('/style.css');
    expect([css.status, css.headers['content-type']]).toEqual([200, 'text/css; charset=utf-8']);
    const missing = await send('/nope');
    expect([missing.status, missing.headers['content-type'], missing.body]).toEqual([404, 'text/plain; charset=utf-8', 'Not found\n']);
    expect(missing.headers['x-frame-options']).toBe('DENY');
  });

  it('logs a CSP report (report-uri format) as one JSON line, without the query string', async () => {
    const report = {
      'csp-report': {
        'document-uri': `https://localhost:${port}/blocked?session=s3cr3t-token`,
        'blocked-uri': 'inline',
        'effective-directive': 'script-src-elem',
        disposition: 'enforce',
        'line-number': 14,
      },
    };
    const reply = await send('/_aegis/csp-report', { method: 'POST', headers: { 'Content-Type': 'application/csp-report' }, body: JSON.stringify(report) });
    expect([reply.status, reply.body]).toEqual([204, '']);
    const event = await waitForEvent((e) => e.type === 'csp.violation' && e.detail?.lineNumber === 14);
    expect(event).toMatchObject({ level: 'warn', ip: '127.0.0.1', method: 'POST', path: '/_aegis/csp-report', reason: 'csp.blocked' });
    expect(event.detail).toEqual({
      documentURL: `https://localhost:${port}/blocked`,
      blockedURL: 'inline',
      effectiveDirective: 'script-src-elem',
      disposition: 'enforce',
      lineNumber: 14,
    });
    expect(event.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(output.stdout.includes('s3cr3t-token')).toBe(false);
  });

  it('logs a Reporting API report (application/reports+json) the same way', async () => {
    const body = [
      {
        type: 'csp-violation',
        age: 1,
        url: `https://localhost:${port}/blocked`,
        body: { documentURL: `https://localhost:${port}/blocked`, blockedURL: 'inline', effectiveDirective: 'script-src-elem', disposition: 'report', lineNumber: 15 },
      },
    ];
    const reply = await send('/_aegis/csp-report', { method: 'POST', headers: { 'Content-Type': 'application/reports+json' }, body: JSON.stringify(body) });
    expect(reply.status).toBe(204);
    const event = await waitForEvent((e) => e.type === 'csp.violation' && e.detail?.lineNumber === 15);
    expect(event.reason).toBe('csp.reported');
    expect(event.detail).toEqual({ documentURL: `https://localhost:${port}/blocked`, blockedURL: 'inline', effectiveDirective: 'script-src-elem', disposition: 'report', lineNumber: 15 });
  });

  it('the report endpoint only accepts POST', async () => {
    const reply = await send('/_aegis/csp-report');
    expect([reply.status, reply.headers.allow]).toEqual([405, 'POST']);
    const event = await waitForEvent((e) => e.type === 'csp.report_rejected' && e.reason === 'csp_report.method');
    expect([event.status, event.method]).toEqual([405, 'GET']);
  });

  it('refuses a foreign Host with 421 and logs host.rejected', async () => {
    const reply = await send('/api/status', { headers: { Host: 'attacker.example' } });
    expect([reply.status, reply.body]).toEqual([421, 'Misdirected Request: this server does not serve that host\n']);
    const event = await waitForEvent((e) => e.type === 'host.rejected');
    expect(event.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(event).toEqual({
      type: 'host.rejected',
      level: 'warn',
      time: event.time,
      requestId: event.requestId,
      ip: '127.0.0.1',
      method: 'GET',
      path: '/api/status',
      status: 421,
      reason: 'host.not_allowed',
      detail: { host: 'attacker.example' },
    });
  });

  it('the plain-HTTP listener redirects to the same path and query on HTTPS (308), and logs it', async () => {
    const reply = await sendPlain('/api/status?x=1', `localhost:${httpPort}`);
    expect([reply.status, reply.headers.location, reply.body]).toEqual([308, `https://localhost:${port}/api/status?x=1`, '']);
    const event = await waitForEvent((e) => e.type === 'https.redirected');
    expect(event).toMatchObject({ level: 'info', ip: '127.0.0.1', method: 'GET', path: '/api/status', status: 308, reason: 'https.required' });
  });

  it('the plain-HTTP listener checks the Host too: a foreign one gets 421, not a redirect', async () => {
    const reply = await sendPlain('/api/status?x=1', 'attacker.example');
    expect([reply.status, reply.headers.location, reply.body]).toEqual([421, undefined, 'Misdirected Request: this server does not serve that host\n']);
    // The second host.rejected event of this run (the first came from the HTTPS listener above).
    const event = await waitForEvent((e) => e.type === 'host.rejected', 2);
    expect(event).toMatchObject({ level: 'warn', ip: '127.0.0.1', method: 'GET', path: '/api/status', status: 421, reason: 'host.not_allowed', detail: { host: 'attacker.example' } });
  });

  it('exits 0 within 3 s on SIGTERM, with a keep-alive connection still open, every event line intact', async () => {
    const reply = await send('/api/status');
    expect(reply.headers.connection).toBe('keep-alive');
    expect(child.kill('SIGTERM')).toBe(true);
    expect(await exitWithin(3000)).toBe(0);
    // Nothing was cut short or added on the way out: the listening line, then whole JSON lines.
    expect(output.stdout.endsWith('\n')).toBe(true);
    expect(events().map((e) => e.type)).toEqual([
      'csp.violation',
      'csp.violation',
      'csp.report_rejected',
      'host.rejected',
      'https.redirected',
      'host.rejected',
    ]);
  });
});

describe('demo site in the production profile', () => {
  it('refuses to start without hosts, with Aegis\' message on stderr, and exits 1', async () => {
    const demo = spawnDemo({ PORT: '0', HTTP_PORT: '0', HOST: '127.0.0.1', AEGIS_ENV: 'production', AEGIS_DEV_CERT_DIR: join(workDir, 'production') });
    let out = '';
    let err = '';
    demo.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    demo.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const code = await new Promise<number | null>((resolve) => demo.once('close', resolve));
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(/^Invalid Aegis policy \(1 problem\):\n {2}- hosts: the production profile needs the host names this service answers for/);
    // Refused before serve() ran: no development certificate was made.
    expect(existsSync(join(workDir, 'production'))).toBe(false);
  });
});
