/**
 * `scan(url)`: one target, every probe, one graded result. `scanAll(urls)`: several targets at
 * once, as the report `aegis scan` prints.
 */

import { errorMessage } from '../error-message.js';
import { followRedirects } from '../fetch/follow-redirects.js';
import type { ScanFinding } from '../finding.js';
import { gradeScan } from '../grade/score.js';
import { pool } from '../pool.js';
import { SCAN_SCHEMA_VERSION, type ReportedTls, type ScanReport, type ScanResult } from '../result.js';
import { scanTls } from '../tls/sweep.js';
import { preloadEligibility, type RedirectHop } from '../transport/redirect-chain.js';
import { chainErrors, reportFindings, scannedCategories, tlsErrors, transportFindings } from './assemble.js';
import { HopCookies } from './hop-cookies.js';
import { resolveScanOptions, type ResolvedScanOptions, type ScanAllOptions, type ScanOptions } from './options.js';
import { fetchPage, judgePage, serverName, type PageJudgement } from './page.js';
import { corsProbe, directoryProbes, exposureProbes, sourceMapProbe, type Probe, type ProbeOutcome } from './probes.js';
import { reportTls } from './tls-report.js';

/**
 * The URL of a scan target, or a TypeError saying why it is not one.
 * @example scanTargetUrl('https://127.0.0.1:8443/').port // '8443'
 */
export function scanTargetUrl(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new TypeError(`not a URL: "${target}" (write it in full, e.g. https://example.com/)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`not an http:// or https:// URL: "${target}"`);
  if (url.username !== '' || url.password !== '') throw new TypeError(`a scan target must not carry credentials: "${url.protocol}//…@${url.host}"`);
  return url;
}

/**
 * Scans one site from outside: the redirect chain from `http://`, the page (headers, HSTS, CSP,
 * cookies, HTML content), TLS versions, suites and certificate, CORS probes and exposed files; then
 * grades the findings (docs/scan-grading.md). Never rejects because of what the site answers: a
 * page that cannot be fetched at all gives `outcome: 'unreachable'`, a probe without an answer an
 * entry in `errors`.
 * @throws TypeError when `target` is not an http(s) URL; RangeError for an invalid option.
 * @example const result = await scan('https://127.0.0.1:8443/', { ca: readFileSync('ca.pem'), httpPort: 8080 }); result.grade?.overall.grade
 */
export async function scan(target: string, options: ScanOptions = {}): Promise<ScanResult> {
  const resolved = resolveScanOptions(options);
  const url = scanTargetUrl(target);
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const progress = progressFor(url.href, resolved);

  let redirects: RedirectHop[] | undefined;
  const hopCookies = new HopCookies(resolved.now);
  const follow = (start: string): Promise<RedirectHop[]> => followRedirects(start, { timeoutMs: resolved.timeoutMs, maxHops: resolved.maxRedirects, onAnswer: hopCookies.judge });
  let pageUrl = url;
  if (url.protocol === 'http:') {
    redirects = await follow(url.href);
    const last = redirects[redirects.length - 1];
    if (last !== undefined && !('error' in last)) pageUrl = new URL(last.url);
    progress.step('redirects');
  }
  const fetched = await fetchPage(pageUrl, resolved);
  progress.step('page');
  if ('error' in fetched) {
    return { target: url.href, outcome: 'unreachable', error: fetched.error, startedAt, durationMs: Date.now() - started, categoriesScanned: [], findings: [], redirects: redirects ?? [], errors: [fetched.error] };
  }

  const errors: string[] = [];
  const page = safely(() => judgePage(fetched, resolved.now, resolved.timeoutMs), errors, 'page checks');
  errors.push(...(page?.errors ?? []));
  const https = fetched.url.protocol === 'https:';
  const origin = new URL(fetched.url.origin);
  let tls: ReportedTls | undefined;
  const probes: Probe[] = [corsProbe(fetched.url, resolved), ...exposureProbes(origin, resolved, resolved.now)];
  if (page?.content !== undefined) {
    if (page.content.scripts.length > 0) probes.push(sourceMapProbe(fetched.url, page.content, resolved));
    probes.push(...directoryProbes(fetched.url, page.content, resolved));
  }
  if (redirects === undefined && resolved.httpPort !== false) {
    const entry = httpEntryPoint(url, resolved.httpPort);
    probes.push({
      step: 'redirects',
      run: async () => {
        redirects = await follow(entry);
        return { findings: [], errors: [] };
      },
    });
  }
  if (https && resolved.tls) {
    probes.push({
      step: 'tls',
      run: async () => {
        const host = fetched.url.hostname.replace(/^\[|\]$/g, '');
        const port = Number(fetched.url.port || 443);
        const swept = await scanTls(host, port, { servername: serverName(fetched.url) || host, timeoutMs: resolved.timeoutMs, ca: resolved.ca, ...(resolved.now === undefined ? {} : { now: resolved.now }) });
        tls = reportTls(swept, host, port, resolved.now ?? new Date());
        return { findings: swept.findings, errors: tlsErrors(swept) };
      },
    });
  }
  progress.plan(probes.length);
  const outcomes = await pool(
    probes.map((probe) => async (): Promise<ProbeOutcome> => {
      const outcome = await probe.run().catch((error: unknown): ProbeOutcome => ({ findings: [], errors: [`${probe.step}: ${errorMessage(error)}`] }));
      progress.step(probe.step);
      return outcome;
    }),
    resolved.probeConcurrency,
  );

  const chain = redirects ?? [];
  const findings: ScanFinding[] = [...(page?.findings ?? []), ...transportFindings(chain, https), ...hopCookies.findings(fetched.url), ...outcomes.flatMap((outcome) => outcome.findings)];
  errors.push(...outcomes.flatMap((outcome) => outcome.errors), ...chainErrors(chain, resolved.maxRedirects));
  const categoriesScanned = scannedCategories(page, https && resolved.tls, hopCookies.seen(fetched.url));
  const reported = reportFindings(findings);
  const grade = gradeScan(reported, { categoriesScanned });
  return {
    target: url.href,
    outcome: 'scanned',
    startedAt,
    durationMs: Date.now() - started,
    categoriesScanned,
    grade,
    findings: reported,
    redirects: chain,
    ...(chain.length === 0 ? {} : { hstsPreload: preloadEligibility(chain) }),
    ...(page === undefined ? {} : { page: page.report }),
    ...(tls === undefined ? {} : { tls }),
    ...(resolved.drift === undefined || page === undefined ? {} : { drift: resolved.drift(fetched.response.headers, fetched.url) }),
    errors,
  };
}

/**
 * Scans every target, at most `concurrency` at once, and returns the report in target order.
 * @throws TypeError when a target is not an http(s) URL (before any scan starts).
 * @example const report = await scanAll(['https://a.example/', 'https://b.example/'], { concurrency: 2 });
 */
export async function scanAll(targets: readonly string[], options: ScanAllOptions = {}): Promise<ScanReport> {
  for (const target of targets) scanTargetUrl(target);
  resolveScanOptions(options);
  const { concurrency = 2, toolVersion = 'unknown', ...scanOptions } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`scan option concurrency must be a positive integer, not ${String(concurrency)}`);
  const results = await pool(targets.map((target) => () => scan(target, scanOptions)), concurrency);
  return { schemaVersion: SCAN_SCHEMA_VERSION, tool: { name: 'aegis', version: toolVersion }, results };
}

/** `http://<host>:<port><path>` for an https:// target: where a visitor typing the name lands first. */
function httpEntryPoint(url: URL, port: number): string {
  const entry = new URL(url.href);
  entry.protocol = 'http:';
  entry.port = port === 80 ? '' : String(port);
  return entry.href;
}

/** Runs a check; an exception (a bug, never the site's fault) becomes an error line instead of a crash. */
function safely(check: () => PageJudgement, errors: string[], what: string): PageJudgement | undefined {
  try {
    return check();
  } catch (error) {
    errors.push(`${what} failed: ${errorMessage(error)}`);
    return undefined;
  }
}

function progressFor(target: string, options: ResolvedScanOptions): { step(name: string): void; plan(count: number): void } {
  let done = 0;
  let total = 2;
  return {
    step(name) {
      done += 1;
      options.onProgress?.({ target, step: name, done, total: Math.max(total, done) });
    },
    plan(count) {
      total = done + count;
    },
  };
}
