/**
 * Turning what the probes found into the result: which categories are graded, the findings in
 * report order, and the failures as error lines.
 */

import type { ScanFinding, ScanSeverity } from '../finding.js';
import { categoryOf, SCAN_CATEGORIES, type ScanCategory } from '../grade/categories.js';
import type { ReportedFinding } from '../result.js';
import type { TlsScan } from '../tls/sweep.js';
import { TRANSPORT_FINDINGS } from '../transport/findings.js';
import { evaluateRedirectChain, type RedirectHop } from '../transport/redirect-chain.js';
import type { PageJudgement } from './page.js';

const SEVERITY_ORDER: readonly ScanSeverity[] = ['high', 'medium', 'low', 'info'];

/**
 * The categories the scan looked at (docs/scan-grading.md: the others are left out of the grade,
 * never counted as a silent 100): TLS only over https:// with the sweep on; cookies only when the
 * page (or a redirect on the way) sets some; content only when the page is HTML; none of the
 * page's categories when its checks could not run.
 */
export function scannedCategories(page: PageJudgement | undefined, tls: boolean, redirectCookies: boolean): ScanCategory[] {
  const skipped = new Set<ScanCategory>();
  if (!tls) skipped.add('tls');
  if (page === undefined) for (const category of ['headers', 'csp', 'cookies', 'content'] as const) skipped.add(category);
  if (page?.setsCookies !== true && !redirectCookies) skipped.add('cookies');
  if (page?.content === undefined) skipped.add('content');
  return SCAN_CATEGORIES.filter((category) => !skipped.has(category));
}

/**
 * The redirect chain's findings. When the page itself is https, its own HSTS check already reports
 * a missing header, so the chain's "no HSTS on the final answer" is not repeated.
 */
export function transportFindings(chain: readonly RedirectHop[], httpsPage: boolean): ScanFinding[] {
  const findings = evaluateRedirectChain(chain);
  return httpsPage ? findings.filter((finding) => finding.id !== TRANSPORT_FINDINGS.hstsMissing.id) : findings;
}

/** Findings with their category, grouped in report order, worst severity first, otherwise as found. */
export function reportFindings(findings: readonly ScanFinding[]): ReportedFinding[] {
  const rank = (finding: ReportedFinding): number => SCAN_CATEGORIES.indexOf(finding.category) * SEVERITY_ORDER.length + SEVERITY_ORDER.indexOf(finding.severity);
  const reported = findings.map((finding) => ({ id: finding.id, category: categoryOf(finding.id), severity: finding.severity, title: finding.title, evidence: finding.evidence, fix: finding.fix }));
  return reported.map((finding, index) => ({ finding, index })).sort((a, b) => rank(a.finding) - rank(b.finding) || a.index - b.index).map(({ finding }) => finding);
}

/** The TLS sweep's failures as error lines (TLS-021 lists them too): versions, suite lists, certificate. */
export function tlsErrors(swept: TlsScan): string[] {
  const lines = Object.entries(swept.versions).flatMap(([name, result]) => (result.error === undefined ? [] : [`TLS ${name}: ${result.error}`]));
  for (const [name, list] of Object.entries(swept.ciphers)) if (list?.error !== undefined) lines.push(`TLS ${name} suites: ${list.error}`);
  if (swept.certificate.outcome === 'error') lines.push(`TLS certificate: ${swept.certificate.message}`);
  return lines;
}

/**
 * The redirect chain's failure as an error line: its last request got no answer (TRANSPORT-017 or
 * 018 say so too), or it was still redirecting to a new URL when `maxRedirects` requests were made.
 */
export function chainErrors(chain: readonly RedirectHop[], maxRedirects: number): string[] {
  const last = chain[chain.length - 1];
  if (last === undefined) return [];
  if ('error' in last) return [`GET ${last.url}: ${last.error}`];
  const redirecting = last.status >= 300 && last.status < 400 && last.location !== undefined;
  const looped = chain.slice(0, -1).some((hop) => hop.url === last.url);
  return redirecting && !looped && chain.length >= maxRedirects ? [`redirects: still redirecting after ${maxRedirects} requests (maxRedirects)`] : [];
}

