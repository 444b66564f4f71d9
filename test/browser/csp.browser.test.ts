/**
 * The demo site in a real Chromium (driven by playwright-core, no mocks): what the browser
 * actually does with the headers Aegis sends.
 *
 * - the inline script with the nonce runs; the one without it does not;
 * - the violation report reaches Aegis' endpoint and becomes a `csp.violation` event, with the
 *   content type it really arrived with;
 * - the page refuses to render in a frame of another origin (and a same-origin frame, the control,
 *   does render);
 * - what Chromium says about the default Permissions-Policy header.
 *
 * The demo app is served twice from one policy, both times with `serve()` as `npm start` does:
 * over HTTPS with the development certificate (made in a temporary directory), because Chromium
 * only honours `Reporting-Endpoints` (report-to) on HTTPS responses; and over plain HTTP
 * (`tls: false`, as behind a TLS-terminating proxy), where pages report through report-uri.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AegisEvent } from 'aegis';
import { serve, type AegisServer } from 'aegis/serve';
import { createDemo } from '../../examples/demo/app.js';

/** The little of the DOM that the functions run in the page use (this project compiles without lib "dom"). */
declare const document: {
  getElementById(id: string): { textContent: string | null } | null;
  querySelector(selector: string): { nonce?: string } | null;
};

const CHROMIUM = '/usr/bin/chromium';
const SCRIPT_RAN = 'This line was written by an inline script that carried the nonce.';
const BLOCKED = 'Blocked: the inline script on this page has no nonce, so the browser refused to run it.';
const CHILD_TEXT = "A page of the parent's own origin.";

/** Features of Aegis' default Permissions-Policy that Chromium reports as unrecognised: none. */
const REJECTED_DEFAULT_FEATURES: string[] = [];

/** A request that reached the report endpoint, as seen before Aegis handles it. */
interface ReportRequest {
  scheme: 'http' | 'https';
  method: string;
  url: string;
  contentType: string | undefined;
}

let browser: Browser;
const servers: Server[] = [];
const demoServers: AegisServer[] = [];
const certDir = mkdtempSync(join(tmpdir(), 'aegis-browser-cert-'));
const events: AegisEvent[] = [];
const reportRequests: ReportRequest[] = [];
let httpOrigin = '';
let httpsOrigin = '';
let parentOrigin = '';

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Polls `find` every 50 ms until it returns a value, for at most `ms`. */
async function waitFor<T>(find: () => T | undefined, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A fresh page whose console messages are collected as `type: text`. */
async function openPage(): Promise<{ page: Page; messages: string[] }> {
  const page = await browser.newPage();
  const messages: string[] = [];
  page.on('console', (message) => messages.push(`${message.type()}: ${message.text()}`));
  return { page, messages };
}

function violationsFor(documentURL: string): AegisEvent[] {
  return events.filter((e) => e.type === 'csp.violation' && e.detail?.documentURL === documentURL);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: the browser tests need it. Install it with \`apt-get install -y chromium\` (npm test does it in pretest when run as root on Debian).`);
  }
  // The demo's own app and policy, in the development profile that `npm start` uses.
  const { app, policy } = createDemo({ env: 'development', quiet: true });
  policy.on('*', (event) => events.push(event));
  // Served as server.js serves it, on free ports of 127.0.0.1, without a redirect listener, and
  // without signal handlers (they would exit the test process). serve() still prints its one
  // stderr line about the development certificate.
  const common = { host: '127.0.0.1', port: 0, redirectPort: false, handleSignals: false } as const;
  const https = await serve(app, policy, { ...common, devCertificateDir: certDir });
  const http = await serve(app, policy, { ...common, tls: false });
  demoServers.push(https, http);
  // Records how reports arrive (method, content type), ahead of the server's own request
  // listener, which answers the report endpoint before Express would see it.
  const record = (scheme: 'http' | 'https') => (req: IncomingMessage) => {
    if (req.url?.startsWith('/_aegis/csp-report')) reportRequests.push({ scheme, method: req.method ?? '', url: req.url, contentType: req.headers['content-type'] });
  };
  https.server.prependListener('request', record('https'));
  http.server.prependListener('request', record('http'));
  httpsOrigin = `https://127.0.0.1:${https.port}`;
  httpOrigin = `http://127.0.0.1:${http.port}`;

  // Another origin (another port): a parent page that frames the demo, and one that frames itself.
  const parent = createServer((req, res) => {
    const pages: Record<string, string> = {
      '/frame-demo': `<!doctype html><title>parent</title><iframe id="framed" src="${httpOrigin}/"></iframe>`,
      '/frame-own': '<!doctype html><title>parent</title><iframe id="framed" src="/child"></iframe>',
      '/child': `<!doctype html><title>child</title><p id="child">${CHILD_TEXT}</p>`,
    };
    const html = pages[req.url ?? ''];
    // 204 for anything else (the favicon), so that no 404 shows up in the console.
    res.writeHead(html ? 200 : 204, { 'Content-Type': 'text/html; charset=utf-8' }).end(html ?? '');
  });
  parentOrigin = `http://127.0.0.1:${await listen(parent)}`;

  // --ignore-certificate-errors (not Playwright's ignoreHTTPSErrors) so that the report upload to
  // the HTTPS server with the self-signed development certificate is accepted too. No --short-reporting-delay: Chromium 156
  // delivers these reports within about 300 ms without it.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--ignore-certificate-errors'],
  });
});

afterAll(async () => {
  await browser?.close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await Promise.all(demoServers.map((server) => server.close()));
  rmSync(certDir, { recursive: true, force: true });
});

describe('demo site in Chromium', () => {
  it('runs the inline script that carries the nonce, and its fetch() of the JSON API succeeds', async () => {
    const { page } = await openPage();
    const response = await page.goto(`${httpOrigin}/`);
    const nonce = /'nonce-([^']+)'/.exec(response?.headers()['content-security-policy'] ?? '')?.[1];
    expect(await page.evaluate(() => document.querySelector('script')?.nonce)).toBe(nonce);
    expect(await page.textContent('#script-result')).toBe(SCRIPT_RAN);
    await page.waitForFunction(() => document.getElementById('api-result')?.textContent !== 'Waiting for /api/status…', null, { timeout: 10_000 });
    expect(await page.textContent('#api-result')).toBe('The JSON API answered: status ok.');
    await page.close();
  });

  it('blocks the inline script without the nonce; over HTTPS its report reaches Aegis as application/reports+json', async () => {
    const { page, messages } = await openPage();
    const response = await page.goto(`${httpsOrigin}/blocked?session=s3cr3t`);
    const html = (await response?.text()) ?? '';
    const documentURL = `${httpsOrigin}/blocked`;
    const event = await waitFor(() => violationsFor(documentURL)[0], 15_000, `a csp.violation event for ${documentURL}`);
    // The script never ran: the text it would have replaced is still there.
    expect(await page.textContent('#verdict')).toBe(BLOCKED);
    expect(messages.filter((m) => m.startsWith('error: Executing inline script violates'))).toHaveLength(1);

    // Where Chromium places an inline-script violation: the line of `<script>`, just after the tag.
    const lines = html.split('\n');
    const line = lines.findIndex((l) => l.includes('<script>'));
    expect(event).toMatchObject({ type: 'csp.violation', level: 'warn', ip: '127.0.0.1', method: 'POST', path: '/_aegis/csp-report', reason: 'csp.blocked' });
    expect(event.detail).toEqual({
      documentURL,
      blockedURL: 'inline',
      effectiveDirective: 'script-src-elem',
      disposition: 'enforce',
      sourceFile: documentURL,
      lineNumber: line + 1,
      columnNumber: (lines[line] ?? '').indexOf('<script>') + '<script>'.length + 1,
      statusCode: 200,
    });
    // The relative URL of `Reporting-Endpoints: csp-endpoint="/_aegis/csp-report"` was resolved
    // against the page, and the report came through the Reporting API (report-to), not report-uri.
    expect(reportRequests.filter((r) => r.scheme === 'https')).toEqual([
      { scheme: 'https', method: 'POST', url: '/_aegis/csp-report', contentType: 'application/reports+json' },
    ]);
    await page.close();
  });

  it('over plain HTTP the script is blocked too, and reported through report-uri as application/csp-report', async () => {
    events.length = 0;
    reportRequests.length = 0;
    const { page } = await openPage();
    await page.goto(`${httpOrigin}/blocked?session=s3cr3t`);
    expect(await page.textContent('#verdict')).toBe(BLOCKED);
    const documentURL = `${httpOrigin}/blocked`;
    const event = await waitFor(() => violationsFor(documentURL)[0], 15_000, `a csp.violation event for ${documentURL}`);
    // Browsers ignore Reporting-Endpoints on plain HTTP, and skip report-uri when a policy names a
    // report-to group; Aegis leaves report-to out of plain responses so report-uri is used.
    expect(reportRequests).toEqual([{ scheme: 'http', method: 'POST', url: '/_aegis/csp-report', contentType: 'application/csp-report' }]);
    expect(event.detail).toMatchObject({ documentURL, blockedURL: 'inline', effectiveDirective: 'script-src-elem', disposition: 'enforce', statusCode: 200 });
    expect(JSON.stringify(events)).not.toContain('s3cr3t');
    await page.close();
  });

  it('refuses to render inside a frame of another origin (frame-ancestors \'none\', X-Frame-Options DENY)', async () => {
    const { page, messages } = await openPage();
    await page.goto(`${parentOrigin}/frame-demo`);
    const frame = await (await page.$('#framed'))?.contentFrame();
    expect(frame?.url()).toBe('chrome-error://chromewebdata/');
    expect(await frame?.$('#script-result')).toBe(null);
    expect(messages).toEqual([
      `error: Framing '${httpOrigin}/' violates the following Content Security Policy directive: "frame-ancestors 'none'". The request has been blocked.\n`,
    ]);
    await page.close();
  });

  it('control: the same parent page does render a frame of its own origin', async () => {
    const { page, messages } = await openPage();
    await page.goto(`${parentOrigin}/frame-own`);
    const frame = await (await page.$('#framed'))?.contentFrame();
    expect(frame?.url()).toBe(`${parentOrigin}/child`);
    expect(await frame?.textContent('#child')).toBe(CHILD_TEXT);
    expect(messages).toEqual([]);
    await page.close();
  });

  it('logs nothing on the home page except the known rejection of the default Permissions-Policy', async () => {
    const { page, messages } = await openPage();
    await page.goto(`${httpOrigin}/`);
    await page.waitForFunction(() => document.getElementById('api-result')?.textContent !== 'Waiting for /api/status…', null, { timeout: 10_000 });
    const rejected = messages.flatMap((m) => /^warning: Error with Permissions-Policy header: Unrecognized feature: '([^']+)'\.$/.exec(m)?.[1] ?? []);
    expect(rejected).toEqual(REJECTED_DEFAULT_FEATURES);
    // Nothing else: no other header complaint, no CSP refusal of the stylesheet or the fetch().
    expect(messages.filter((m) => !m.includes('Permissions-Policy'))).toEqual([]);
    await page.close();
  });
});
