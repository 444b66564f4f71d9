/**
 * `scan(url)`: one target, every probe, one graded result. `scanAll(urls)`: several targets at
 * once, as the report `aegis scan` prints.
 */

import { evaluateCookies } from '../cookies/evaluate.js';
import { followRedirects } from '../fetch/follow-redirects.js';
import type { ScanFinding, ScanSeverity } from '../finding.js';
import { categoryOf, SCAN_CATEGORIES, type ScanCategory } from '../grade/categories.js';
import { gradeScan } from '../grade/score.js';
import { valuesOf, type ReceivedHeader } from '../headers/header-list.js';
import { pool } from '../pool.js';
import { SCAN_SCHEMA_VERSION, type ReportedFinding, type ReportedTls, type ScanReport, type ScanResult } from '../result.js';
import { scanTls, type TlsScan } from '../tls/sweep.js';
import { TRANSPORT_FINDINGS } from '../transport/findings.js';
import { evaluateRedirectChain, preloadEligibility, type RedirectHop } from '../transport/redirect-chain.js';
import { resolveScanOptions, type ResolvedScanOptions, type ScanAllOptions, type ScanOptions } from './options.js';
import { fetchPage, judgePage, serverName, type PageJudgement } from './page.js';
import { corsProbe, directoryProbes, exposureProbes, sourceMapProbe, type Probe, type ProbeOutcome } from './probes.js';
import { reportTls } from './tls-report.js';

const SEVERITY_ORDER: readonly ScanSeverity[] = ['high', 'medium', 'low', 'info'];

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
      const outcome = await probe.run().catch((error: unknown): ProbeOutcome => ({ findings: [], errors: [`${probe.step}: ${error instanceof Error ? error.message : String(error)}`] }));
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

/**
 * The categories the scan looked at (docs/scan-grading.md: the others are left out of the grade,
 * never counted as a silent 100): TLS only over https:// with the sweep on; cookies only when the
 * page (or a redirect on the way) sets some; content only when the page is HTML; none of the page's categories when its checks
 * could not run.
 */
function scannedCategories(page: PageJudgement | undefined, tls: boolean, redirectCookies: boolean): ScanCategory[] {
  const skipped = new Set<ScanCategory>();
  if (!tls) skipped.add('tls');
  if (page === undefined) for (const category of ['headers', 'csp', 'cookies', 'content'] as const) skipped.add(category);
  if (page?.setsCookies !== true && !redirectCookies) skipped.add('cookies');
  if (page?.content === undefined) skipped.add('content');
  return SCAN_CATEGORIES.filter((category) => !skipped.has(category));
}

/**
 * The cookies set by the redirects of the chain (a session cookie set on the http:// redirect
 * travels in clear): judged like the page's. Only redirects: a final answer is either the page
 * itself, or an http:// page that TRANSPORT-010 already reports as serving the site in clear.
 */
class HopCookies {
  private readonly answers: Array<{ url: string; setCookies: string[] }> = [];

  constructor(private readonly now: Date | undefined) {}

  readonly judge = (url: string, status: number, headers: readonly ReceivedHeader[]): void => {
    const setCookies = valuesOf(headers, 'Set-Cookie');
    if (status >= 300 && status < 400 && setCookies.length > 0) this.answers.push({ url, setCookies });
  };

  private others(page: URL): Array<{ url: string; setCookies: string[] }> {
    return this.answers.filter((answer) => answer.url !== page.href);
  }

  seen(page: URL): boolean {
    return this.others(page).length > 0;
  }

  findings(page: URL): ScanFinding[] {
    return this.others(page).flatMap(({ url, setCookies }) => {
      const at = new URL(url);
      return evaluateCookies(setCookies, { url: at, https: at.protocol === 'https:', ...(this.now === undefined ? {} : { now: this.now }) }).map((found) => ({ ...found, evidence: `${url}: ${found.evidence}` }));
    });
  }
}

/** The TLS sweep's failures as error lines (TLS-021 lists them too): versions, suite lists, certificate. */
function tlsErrors(swept: TlsScan): string[] {
  const lines = Object.entries(swept.versions).flatMap(([name, result]) => (result.error === undefined ? [] : [`TLS ${name}: ${result.error}`]));
  for (const [name, list] of Object.entries(swept.ciphers)) if (list?.error !== undefined) lines.push(`TLS ${name} suites: ${list.error}`);
  if (swept.certificate.outcome === 'error') lines.push(`TLS certificate: ${swept.certificate.message}`);
  return lines;
}

/**
 * The redirect chain's failure as an error line: its last request got no answer (TRANSPORT-017 or
 * 018 say so too), or it was still redirecting to a new URL when `maxRedirects` requests were made.
 */
function chainErrors(chain: readonly RedirectHop[], maxRedirects: number): string[] {
  const last = chain[chain.length - 1];
  if (last === undefined) return [];
  if ('error' in last) return [`GET ${last.url}: ${last.error}`];
  const redirecting = last.status >= 300 && last.status < 400 && last.location !== undefined;
  const looped = chain.slice(0, -1).some((hop) => hop.url === last.url);
  return redirecting && !looped && chain.length >= maxRedirects ? [`redirects: still redirecting after ${maxRedirects} requests (maxRedirects)`] : [];
}

/** `http://<host>:<port><path>` for an https:// target: where a visitor typing the name lands first. */
function httpEntryPoint(url: URL, port: number): string {
  const entry = new URL(url.href);
  entry.protocol = 'http:';
  entry.port = port === 80 ? '' : String(port);
  return entry.href;
}

/**
 * The redirect chain's findings. When the page itself is https, its own HSTS check already reports
 * a missing header, so the chain's "no HSTS on the final answer" is not repeated.
 */
function transportFindings(chain: readonly RedirectHop[], httpsPage: boolean): ScanFinding[] {
  const findings = evaluateRedirectChain(chain);
  return httpsPage ? findings.filter((finding) => finding.id !== TRANSPORT_FINDINGS.hstsMissing.id) : findings;
}

/** Findings with their category, grouped in report order, worst severity first, otherwise as found. */
function reportFindings(findings: readonly ScanFinding[]): ReportedFinding[] {
  const rank = (finding: ReportedFinding): number => SCAN_CATEGORIES.indexOf(finding.category) * SEVERITY_ORDER.length + SEVERITY_ORDER.indexOf(finding.severity);
  const reported = findings.map((finding) => ({ id: finding.id, category: categoryOf(finding.id), severity: finding.severity, title: finding.title, evidence: finding.evidence, fix: finding.fix }));
  return reported.map((finding, index) => ({ finding, index })).sort((a, b) => rank(a.finding) - rank(b.finding) || a.index - b.index).map(({ finding }) => finding);
}

/** Runs a check; an exception (a bug, never the site's fault) becomes an error line instead of a crash. */
function safely(check: () => PageJudgement, errors: string[], what: string): PageJudgement | undefined {
  try {
    return check();
  } catch (error) {
    errors.push(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
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
