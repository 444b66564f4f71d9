/**
 * The demo site as a user runs it: `node examples/demo/server.js` in a child process, spoken to
 * over real sockets. Proves the routes, the headers that matter, the JSON event lines on stdout,
 * and a clean exit on SIGTERM even with a keep-alive connection open.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LISTENING = /^Aegis demo listening on http:\/\/localhost:(\d+)\/$/;
const CSP =
  /^default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; script-src 'nonce-([A-Za-z0-9+/]{22,}={0,2})' 'strict-dynamic'; report-uri \/_aegis\/csp-report$/;

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
let stdout = '';
let stderr = '';
// A keep-alive agent: connections stay open between requests, as a browser's would.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One HTTP request to the demo, over the keep-alive agent. */
function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
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
  return stdout
    .split('\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as EventLine);
}

/** Waits (at most `ms`) until an event matching `test` has been printed. */
async function waitForEvent(test: (event: EventLine) => boolean, ms = 5000): Promise<EventLine> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = events().find(test);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching event within ${ms} ms; stdout was:\n${stdout}`);
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
  if (!existsSync(`${ROOT}dist/esm/index.js`)) throw new Error('dist/ is missing: run `npm run build` (npm test does it in pretest).');
  child = spawn(process.execPath, ['examples/demo/server.js'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', AEGIS_ENV: 'development' },
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo printed no listening line within 10 s.\nstdout: ${stdout}\nstderr: ${stderr}`)), 10_000);
    const check = () => {
      const match = LISTENING.exec(stdout.split('\n')[0] ?? '');
      if (match && stdout.includes('\n')) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => reject(new Error(`the demo exited with ${code} before listening.\nstderr: ${stderr}`)));
  });
});

afterAll(() => {
  agent.destroy();
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('demo site (node examples/demo/server.js)', () => {
  it('prints exactly one line with the real port, and the development notice on stderr only', () => {
    expect(port).toBeGreaterThan(0);
    expect(stdout).toBe(`Aegis demo listening on http://localhost:${port}/\n`);
    // The notice's wording belongs to src/core/policy.ts; only its stream and opening matter here.
    expect(stderr.startsWith('[aegis] development profile')).toBe(true);
  });

  it('GET /api/status answers the exact JSON with the security headers', async () => {
    const reply = await send('/api/status', { headers: { Host: `localhost:${port}` } });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(reply.body).toBe('{"service":"aegis-demo","status":"ok"}');
    expect(reply.headers['content-security-policy']).toMatch(CSP);
    expect(reply.headers['x-frame-options']).toBe('DENY');
    // Plain HTTP: no Reporting-Endpoints and no report-to (browsers ignore them there; report-uri works).
    expect(reply.headers['reporting-endpoints']).toBe(undefined);
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
        'document-uri': `http://localhost:${port}/blocked?session=s3cr3t-token`,
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
      documentURL: `http://localhost:${port}/blocked`,
      blockedURL: 'inline',
      effectiveDirective: 'script-src-elem',
      disposition: 'enforce',
      lineNumber: 14,
    });
    expect(event.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(stdout.includes('s3cr3t-token')).toBe(false);
  });

  it('logs a Reporting API report (application/reports+json) the same way', async () => {
    const body = [
      {
        type: 'csp-violation',
        age: 1,
        url: `http://localhost:${port}/blocked`,
        body: { documentURL: `http://localhost:${port}/blocked`, blockedURL: 'inline', effectiveDirective: 'script-src-elem', disposition: 'report', lineNumber: 15 },
      },
    ];
    const reply = await send('/_aegis/csp-report', { method: 'POST', headers: { 'Content-Type': 'application/reports+json' }, body: JSON.stringify(body) });
    expect(reply.status).toBe(204);
    const event = await waitForEvent((e) => e.type === 'csp.violation' && e.detail?.lineNumber === 15);
    expect(event.reason).toBe('csp.reported');
    expect(event.detail).toEqual({ documentURL: `http://localhost:${port}/blocked`, blockedURL: 'inline', effectiveDirective: 'script-src-elem', disposition: 'report', lineNumber: 15 });
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

  it('exits 0 within 3 s on SIGTERM, with a keep-alive connection still open', async () => {
    const reply = await send('/api/status');
    expect(reply.headers.connection).toBe('keep-alive');
    expect(child.kill('SIGTERM')).toBe(true);
    expect(await exitWithin(3000)).toBe(0);
  });
});
