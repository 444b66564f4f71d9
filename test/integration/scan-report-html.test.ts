/**
 * The HTML scan report in a real headless Chromium (playwright-core, no mocks), opened both from a
 * file:// URL and from a small node:http server:
 *
 * - nothing but the document is requested, nothing fails, the console stays empty, and Chromium
 *   reports no Content-Security-Policy issue (watched over CDP: `Audits.issueAdded` and
 *   `Log.entryAdded`), so the style element's hash matches and the styles apply;
 * - the grade badges say the fixtures' grades, and there is one finding element per finding;
 * - hostile evidence, URLs and header values render as text and run nothing, with the report's CSP
 *   and also without it (escaping alone must hold);
 * - in print, collapsed sections are shown.
 *
 * `AEGIS_SCREENSHOT=1` also saves docs/images/scan-report.png (the scanned fixture, full page, 1200
 * px wide); `node scripts/scan-report-screenshot.mjs` runs just that.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatScanHtml } from '../../src/scan/report/html.js';
import type { ScanReport, ScanResult } from '../../src/scan/result.js';
import { FIXTURE_TOOL, MULTI_TARGET_REPORT, SCANNED_REPORT, SCANNED_RESULT, UNREACHABLE_RESULT } from '../helpers/scan-reports.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/images/scan-report.png');

/** The badge colour of each grade (src/scan/report/html/styles.ts), as Chromium computes it. */
const GRADE_RGB: Readonly<Record<string, string>> = {
  'A+': 'rgb(11, 110, 46)',
  A: 'rgb(26, 127, 55)',
  'A-': 'rgb(74, 111, 10)',
  B: 'rgb(122, 92, 0)',
  C: 'rgb(156, 74, 0)',
  D: 'rgb(179, 38, 30)',
  E: 'rgb(148, 32, 26)',
  F: 'rgb(110, 15, 15)',
  '?': 'rgb(89, 99, 110)',
};

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const STYLE_END = '</style>';

/** The fully scanned fixture with every server-controlled string replaced by a hostile one. */
function hostileResult(): ScanResult {
  return {
    ...SCANNED_RESULT,
    target: `https://evil.example/${IMG}`,
    findings: SCANNED_RESULT.findings.map((finding, i) => ({ ...finding, evidence: [SCRIPT, IMG, STYLE_END][i % 3] ?? '' })),
    redirects: [{ url: `http://evil.example/${SCRIPT}`, status: 302, location: IMG, hsts: [STYLE_END] }, { url: 'https://evil.example/', error: SCRIPT }],
    page: { url: `https://evil.example/${STYLE_END}`, status: 200, headers: [['server', SCRIPT], ['x-evil', IMG], ['x-style', STYLE_END]] },
    drift: [{ header: 'server', kind: 'unexpected', served: IMG, detail: SCRIPT }],
    errors: [STYLE_END, SCRIPT, IMG],
  };
}

const HOSTILE_REPORT: ScanReport = {
  schemaVersion: '1.0',
  tool: FIXTURE_TOOL,
  results: [hostileResult(), { ...hostileResult(), target: `http://unreachable.example/${SCRIPT}`, outcome: 'unreachable', error: IMG, grade: undefined, findings: [] }],
};

/** The documents under test, by name: served as `/<name>.html` and written as `<dir>/<name>.html`. */
const DOCUMENTS: Record<string, string> = {
  multi: formatScanHtml(MULTI_TARGET_REPORT),
  scanned: formatScanHtml(SCANNED_REPORT),
  hostile: formatScanHtml(HOSTILE_REPORT),
  // The same hostile report without its CSP: what escaping alone achieves.
  'hostile-no-csp': formatScanHtml(HOSTILE_REPORT).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n/, ''),
};

let browser: Browser;
let server: Server;
let origin = '';
const dir = mkdtempSync(join(tmpdir(), 'aegis-scan-html-'));
/** Every request the server received, as `METHOD /path`. */
const served: string[] = [];

/** Everything a page did that the report must not cause. */
interface Watch {
  page: Page;
  console: string[];
  pageErrors: string[];
  dialogs: string[];
  requests: string[];
  failed: string[];
  issues: string[];
  logs: string[];
}

async function open(url: string, options: { media?: 'print' } = {}): Promise<Watch> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, colorScheme: 'light' });
  const watch: Watch = { page, console: [], pageErrors: [], dialogs: [], requests: [], failed: [], issues: [], logs: [] };
  page.on('console', (message) => watch.console.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => watch.pageErrors.push(error.message));
  page.on('dialog', (dialog) => {
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('request', (request) => watch.requests.push(request.url()));
  page.on('requestfailed', (request) => watch.failed.push(`${request.url()}: ${request.failure()?.errorText ?? ''}`));
  // CSP violations surface as DevTools issues and as Log entries, independently of the console.
  const cdp = await page.context().newCDPSession(page);
  cdp.on('Audits.issueAdded', (event) => watch.issues.push(JSON.stringify(event.issue)));
  cdp.on('Log.entryAdded', (event) => watch.logs.push(`${event.entry.source}/${event.entry.level}: ${event.entry.text}`));
  await cdp.send('Audits.enable');
  await cdp.send('Log.enable');
  await page.goto(url, { waitUntil: 'load' });
  if (options.media) await page.emulateMedia({ media: options.media });
  // Give late issues (CSP reports are queued) a moment to arrive.
  await page.waitForTimeout(200);
  return watch;
}

/** Asserts that the page loaded the document only, and that nothing complained or ran. */
function expectQuiet(watch: Watch, url: string): void {
  expect(watch.console).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
  expect(watch.dialogs).toEqual([]);
  expect(watch.failed).toEqual([]);
  expect(watch.issues).toEqual([]);
  expect(watch.logs).toEqual([]);
  expect(watch.requests).toEqual([url]);
}

/** The two ways a report is opened: from disk, and over HTTP. */
const WAYS: [string, (name: string) => string][] = [
  ['file://', (name) => pathToFileURL(join(dir, `${name}.html`)).href],
  ['http://', (name) => `${origin}/${name}.html`],
];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: the browser tests need it. Install it with \`apt-get install -y chromium\` (npm test does it in pretest when run as root on Debian).`);
  }
  for (const [name, document] of Object.entries(DOCUMENTS)) writeFileSync(join(dir, `${name}.html`), document);
  server = createServer((req, res) => {
    served.push(`${req.method ?? ''} ${req.url ?? ''}`);
    const document = DOCUMENTS[/^\/([a-z-]+)\.html$/.exec(req.url ?? '')?.[1] ?? ''];
    if (document === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(document);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});

afterAll(async () => {
  await browser?.close();
  if (server) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe.each(WAYS)('the HTML report opened over %s', (way, urlOf) => {
  it('loads nothing but itself, raises no CSP issue, and its styles apply', async () => {
    served.length = 0;
    const url = urlOf('multi');
    const watch = await open(url);
    expectQuiet(watch, url);
    if (way === 'http://') expect(served).toEqual(['GET /multi.html']);
    // The hash admitted the style element: every badge has its grade's colour (unstyled, it would be transparent).
    const colours = await watch.page.evaluate("[...document.querySelectorAll('.badge')].map((badge) => getComputedStyle(badge).backgroundColor)");
    expect(colours).toEqual(MULTI_TARGET_REPORT.results.map((result) => GRADE_RGB[result.grade?.overall.grade ?? '?']));
    expect(await watch.page.evaluate("getComputedStyle(document.querySelector('.evidence')).whiteSpace")).toBe('pre-wrap');
    await watch.page.close();
  });

  it('shows each target\'s grade on its badge and one element per finding', async () => {
    const watch = await open(urlOf('multi'));
    const grades = MULTI_TARGET_REPORT.results.map((result) => result.grade?.overall.grade ?? '?');
    expect(await watch.page.locator('.badge').allTextContents()).toEqual(grades);
    expect(await watch.page.locator('.finding').count()).toBe(MULTI_TARGET_REPORT.results.reduce((n, result) => n + result.findings.length, 0));
    for (const [index, result] of MULTI_TARGET_REPORT.results.entries()) {
      expect(await watch.page.locator(`#target-${index + 1} .finding`).count()).toBe(result.findings.length);
      expect(await watch.page.locator(`#target-${index + 1} h2`).textContent()).toBe(result.target);
    }
    expect(await watch.page.locator('.summary tbody tr').count()).toBe(3);
    expect(await watch.page.locator('.unreachable code').textContent()).toBe(UNREACHABLE_RESULT.error);
    await watch.page.close();
  });

  it('renders hostile evidence, URLs and header values as text and runs nothing', async () => {
    const url = urlOf('hostile');
    const watch = await open(url);
    expectQuiet(watch, url);
    const page = watch.page;
    expect(await page.locator('script, img, iframe, object, embed').count()).toBe(0);
    expect(await page.locator('style').count()).toBe(1);
    expect(await page.locator('#target-1 h2').textContent()).toBe(`https://evil.example/${IMG}`);
    expect(await page.locator('#target-2 h2').textContent()).toBe(`http://unreachable.example/${SCRIPT}`);
    expect(await page.locator('#target-1 .evidence').allTextContents()).toEqual(hostileResult().findings.map((finding) => finding.evidence));
    expect(await page.locator('.headers-list td code').allTextContents()).toEqual([SCRIPT, IMG, STYLE_END]);
    expect(await page.locator('#target-2 .unreachable code').textContent()).toBe(IMG);
    expect(await page.locator('#target-1 .errors code').allTextContents()).toEqual([STYLE_END, SCRIPT, IMG]);
    // The style element is still the report's own one: a `</style>` in the data did not end it early.
    expect(await page.evaluate("getComputedStyle(document.querySelector('.badge')).backgroundColor")).toBe(GRADE_RGB[SCANNED_RESULT.grade?.overall.grade ?? '?']);
    await page.close();
  });

  it('escaping alone holds: without its CSP the hostile report still runs nothing', async () => {
    const url = urlOf('hostile-no-csp');
    const watch = await open(url);
    // Without the CSP the style element is allowed anyway; nothing else may happen either.
    expectQuiet(watch, url);
    expect(await watch.page.locator('script, img').count()).toBe(0);
    expect(await watch.page.locator('#target-1 .evidence').first().textContent()).toBe(SCRIPT);
    await watch.page.close();
  });
});

describe('the HTML report in print', () => {
  it('shows the collapsed response headers and keeps the findings', async () => {
    const watch = await open(`${origin}/scanned.html`, { media: 'print' });
    expect(await watch.page.evaluate("matchMedia('print').matches")).toBe(true);
    expect(await watch.page.locator('.headers-list td').first().isVisible()).toBe(true);
    expect(await watch.page.locator('.finding').first().isVisible()).toBe(true);
    await watch.page.close();
    const screen = await open(`${origin}/scanned.html`);
    expect(await screen.page.locator('.headers-list td').first().isVisible()).toBe(false);
    await screen.page.close();
  });
});

describe.runIf(process.env.AEGIS_SCREENSHOT === '1')('docs screenshot', () => {
  it('saves docs/images/scan-report.png (scanned fixture, full page, 1200 px wide)', async () => {
    const watch = await open(pathToFileURL(join(dir, 'scanned.html')).href);
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    const png = await watch.page.screenshot({ fullPage: true, type: 'png' });
    writeFileSync(SCREENSHOT, png);
    expect(png.readUInt32BE(16)).toBe(1200);
    await watch.page.close();
  });
});
