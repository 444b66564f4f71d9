/**
 * The scanned page: fetched (following redirects on its own origin), then judged by the header,
 * HSTS, CSP, cookie, content and listing checks, which all read this one answer.
 */

import { defaultTreeAdapter, parse, type DefaultTreeAdapterMap, type TreeAdapter } from 'parse5';
import { evaluateContent } from '../content/evaluate.js';
import { contentCspFacts } from '../content/csp-facts.js';
import { extractContent, type PageContent, type ParsedDocument } from '../content/extract.js';
import { describeCookie, parseSetCookie } from '../cookies/parse-set-cookie.js';
import { evaluateCookies } from '../cookies/evaluate.js';
import { evaluateCsp } from '../csp/evaluate.js';
import { CSP_FINDINGS } from '../csp/findings.js';
import { withoutCoveredGaps } from '../csp/coverage.js';
import { parseCsp, type ParsedCspPolicy } from '../csp/parse.js';
import { evaluateExposure } from '../exposures/evaluate.js';
import { looksLikeHtml } from '../exposures/response.js';
import { fetchOnce, type FetchedBytes, type FetchError } from '../fetch/fetch-once.js';
import { finding, type ScanFinding } from '../finding.js';
import { evaluateHeaders } from '../headers/evaluate.js';
import { HEADER_FINDINGS } from '../headers/findings.js';
import { valuesOf, type ReceivedHeader } from '../headers/header-list.js';
import type { ReportedPage } from '../result.js';
import { evaluateHsts } from '../transport/evaluate-hsts.js';
import type { ResolvedScanOptions } from './options.js';
import { parseUrl } from '../url.js';
import { errorMessage } from '../error-message.js';

/** Same-origin redirects followed to reach the page (e.g. `/` → `/login`). */
const PAGE_REDIRECTS = 5;
/** How long the page's HTML may take to parse when no budget is given (the scan gives its `timeoutMs`). */
const DEFAULT_PARSE_BUDGET_MS = 5000;
/** The parse checks its clock once per this many tree-adapter calls. */
const PARSE_CLOCK_EVERY = 1024;

/** The page as fetched: the URL that answered and its response. */
export interface FetchedPage {
  readonly url: URL;
  readonly response: FetchedBytes;
}

/**
 * GETs `url`, following redirects while they stay on its origin (at most {@link PAGE_REDIRECTS});
 * a redirect to another origin is the page's answer (the redirect checks judge it).
 */
export async function fetchPage(url: URL, options: ResolvedScanOptions): Promise<FetchedPage | FetchError> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const response = await fetchOnce(current.href, { timeoutMs: options.timeoutMs, maxBodyBytes: options.maxBodyBytes, servername: serverName(current) });
    if ('error' in response) return { error: `GET ${current.href}: ${response.error}` };
    const location = valuesOf(response.headers, 'Location')[0];
    const next = response.status >= 300 && response.status < 400 && location !== undefined ? parseUrl(location, current) : undefined;
    if (next === undefined || next.origin !== url.origin || hop >= PAGE_REDIRECTS) return { url: current, response };
    current = next;
  }
}

/** The SNI name for a URL: its host name, or `''` (no SNI) for an IP literal (RFC 6066 forbids them). */
export function serverName(url: URL): string | undefined {
  if (url.protocol !== 'https:') return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return /^[\d.]+$/.test(host) || host.includes(':') ? '' : host;
}

/** What {@link judgePage} found. */
export interface PageJudgement {
  readonly findings: ScanFinding[];
  readonly report: ReportedPage;
  /** The parsed HTML, when the page is HTML (for the source-map probe). */
  readonly content?: PageContent;
  /** The page sets cookies (else the cookie category is not graded). */
  readonly setsCookies: boolean;
  /** Checks that could not run, one line each (for the scan's `errors`). */
  readonly errors: readonly string[];
}

/**
 * Runs every check that reads the page's answer: headers (with what the CSP says about framing),
 * HSTS, CSP (enforced header, `<meta>`, or report-only when nothing is enforced), cookies, the
 * HTML content and a directory listing. HTML that does not parse within `parseBudgetMs` (see
 * {@link parseWithin}) skips the content checks, with an error line saying so.
 */
export function judgePage(page: FetchedPage, now: Date | undefined, parseBudgetMs = DEFAULT_PARSE_BUDGET_MS): PageJudgement {
  const { url, response } = page;
  const headers = response.headers;
  const https = url.protocol === 'https:';
  const text = looksLikeHtml(response) ? Buffer.from(response.body).toString('utf8') : undefined;
  const parsed = text === undefined ? undefined : parseWithin(text, parseBudgetMs);
  const unparsable = parsed !== undefined && 'error' in parsed ? parsed.error : undefined;
  const html = unparsable === undefined ? text : undefined;
  const content = parsed === undefined || 'error' in parsed ? undefined : extractContent(parsed.document, url);

  const enforced = valuesOf(headers, 'Content-Security-Policy');
  const enforcedPolicies = enforced.flatMap((value) => parseCsp(value));
  const frameAncestors = enforcedPolicies.map((policy) => policy.directives.get('frame-ancestors')).find((sources) => sources !== undefined);
  const headerFindings = evaluateHeaders(headers, { https, ...(frameAncestors === undefined ? {} : { frameAncestors }) });
  // One clickjacking finding per page: with neither X-Frame-Options nor frame-ancestors, HDR-005
  // says so, and the CSP's "no frame-ancestors" (025) would count the same gap twice.
  const unframed = headerFindings.some((found) => found.id === HEADER_FINDINGS.frameOptionsMissing.id);
  const findings: ScanFinding[] = [
    ...headerFindings,
    ...evaluateHsts(valuesOf(headers, 'Strict-Transport-Security'), { https }),
    ...cspFindings(headers, enforcedPolicies, content?.metaCsp ?? []).filter((found) => !(unframed && found.id === CSP_FINDINGS.missingFrameAncestors.id)),
    ...evaluateCookies(valuesOf(headers, 'Set-Cookie'), { url, https, ...(now === undefined ? {} : { now }) }),
    ...(html === undefined || content === undefined ? [] : evaluateContent(html, { url, csp: contentCspFacts(enforcedPolicies), content })),
    ...evaluateExposure(url.pathname, response),
  ];
  const report: ReportedPage = { url: url.href, status: response.status, headers: headers.map(hideCookieValue) };
  const errors = unparsable === undefined ? [] : [`page content not checked: ${unparsable}`];
  return { findings, report, setsCookies: valuesOf(headers, 'Set-Cookie').length > 0, errors, ...(content === undefined ? {} : { content }) };
}

class OutOfTime extends Error {}

/**
 * The page's document, or why the content checks must not read it. parse5 runs the WHATWG
 * algorithm, which hostile markup makes quadratic or worse: 200 000 unclosed `<div>` take minutes,
 * `<p><b x=N></p>` repeated fills the heap, deeply nested `<template>` overflows the stack. So the
 * HTML is parsed once, through a tree adapter that gives up after `budgetMs` (every adapter call
 * counts, the parser's scope walks included), and the content checks read that document.
 * @example parseWithin('<div>'.repeat(200_000), 800) // { error: 'the HTML did not parse within 800 ms' }
 */
export function parseWithin(html: string, budgetMs: number): { readonly document: ParsedDocument } | { readonly error: string } {
  const deadline = Date.now() + budgetMs;
  let calls = 0;
  const timed = Object.entries(defaultTreeAdapter).map(([name, method]: [string, (...args: unknown[]) => unknown]) => [
    name,
    (...args: unknown[]): unknown => {
      if (++calls % PARSE_CLOCK_EVERY === 0 && Date.now() > deadline) throw new OutOfTime();
      return method(...args);
    },
  ]);
  try {
    return { document: parse(html, { treeAdapter: Object.fromEntries(timed) as TreeAdapter<DefaultTreeAdapterMap> }) };
  } catch (error) {
    return { error: error instanceof OutOfTime ? `the HTML did not parse within ${budgetMs} ms` : `the HTML parser failed: ${errorMessage(error)}` };
  }
}

/**
 * The CSP findings of the page: every enforced policy (header and `<meta>`) judged, with the
 * directives one policy lacks and another has not reported (`withoutCoveredGaps`); the
 * report-only policy only when nothing is enforced; CSP-030 when there is no policy at all.
 */
function cspFindings(headers: readonly ReceivedHeader[], enforced: readonly ParsedCspPolicy[], meta: readonly string[]): ScanFinding[] {
  const xFrameOptions = valuesOf(headers, 'X-Frame-Options')[0];
  const context = xFrameOptions === undefined ? {} : { xFrameOptions };
  const metaPolicies = meta.flatMap((content) => parseCsp(content, 'meta'));
  const all = [...enforced.map((policy) => ({ policy, delivery: 'header' as const })), ...metaPolicies.map((policy) => ({ policy, delivery: 'meta' as const }))];
  if (all.length > 0) {
    const findings = [...(enforced.length > 0 ? evaluateCsp(enforced, context) : []), ...(metaPolicies.length > 0 ? evaluateCsp(metaPolicies, { ...context, delivery: 'meta' }) : [])];
    return all.length > 1 ? withoutCoveredGaps(findings, all) : findings;
  }
  const reportOnly = valuesOf(headers, 'Content-Security-Policy-Report-Only');
  if (reportOnly.length > 0) return evaluateCsp(reportOnly.join(', '), { ...context, reportOnly: true });
  return [
    finding(
      CSP_FINDINGS.noPolicy,
      'no Content-Security-Policy header or <meta> policy',
      "serve a policy with a nonce and 'strict-dynamic', object-src 'none', base-uri 'none' and frame-ancestors (the Aegis default headers.contentSecurityPolicy).",
    ),
  ];
}

/** A header pair for the report: a `Set-Cookie` value is replaced by its name and attributes. */
function hideCookieValue(header: ReceivedHeader): ReceivedHeader {
  const [name, value] = header;
  if (name.toLowerCase() !== 'set-cookie') return header;
  const cookie = parseSetCookie(value).cookie;
  return [name, cookie === undefined ? '[unparsed cookie hidden]' : describeCookie(cookie)];
}
