import { finding, type ScanFinding } from '../finding.js';
import { parseHost } from '../../transport/host-syntax.js';
import { headerPreloadBlockers, missingHsts } from './evaluate-hsts.js';
import { TRANSPORT_FINDINGS } from './findings.js';
import { parseHsts } from './hsts.js';
import { parseUrl } from '../url.js';

/** One answer in an observed chain: a redirect (3xx with Location) or the final answer. */
export interface RedirectAnswer {
  /** The URL that was requested. */
  readonly url: string;
  readonly status: number;
  /** The Location header as served (may be relative). */
  readonly location?: string;
  /** Every Strict-Transport-Security field value of the answer; absent or empty when none. */
  readonly hsts?: readonly string[];
}

/** A request in the chain that got no answer (refused, timed out, TLS failure…). */
export interface RedirectFailure {
  readonly url: string;
  readonly error: string;
}

/** One step of an observed redirect chain. */
export type RedirectHop = RedirectAnswer | RedirectFailure;

/** Whether a chain qualifies for the HSTS preload list, and why not. */
export interface PreloadEligibility {
  readonly eligible: boolean;
  /** Every rule the chain breaks, one line each; empty when eligible. */
  readonly reasons: readonly string[];
}

/** More redirects than this is reported. */
export const MAX_REDIRECTS = 5;

const REDIRECT_FIX = 'redirect every http:// request to https:// on the same host (httpsRedirect, on by default in production).';

/**
 * Evaluates the redirect chain observed from the `http://` entry point (hops in order; the last is
 * the final answer, a failure, or a redirect where the prober stopped) and returns every finding:
 * no redirect, or redirects that never reach HTTPS (high), first redirect not to HTTPS (medium), first HTTPS hop on another host (low:
 * the preload list wants the same host), an https:// → http:// downgrade (high), a loop (high),
 * more than 5 redirects (low), a final destination on another host (info), http:// not answering
 * (info), a later hop not answering (medium), and no HSTS on the final HTTPS answer (high). The HSTS
 * value itself is judged by `evaluateHsts`, not here.
 * @see https://hstspreload.org/#submission-requirements
 * @example evaluateRedirectChain([{ url: 'http://example.com/', status: 200 }])[0]?.id // 'AEGIS-SCAN-TRANSPORT-010'
 */
export function evaluateRedirectChain(hops: readonly RedirectHop[]): ScanFinding[] {
  const first = hops[0];
  if (!first) return [];
  if ('error' in first) {
    return [finding(TRANSPORT_FINDINGS.httpNotServed, `${first.url}: ${first.error}`, 'nothing to fix if port 80 is closed on purpose; otherwise answer it with a redirect (httpsRedirect).')];
  }
  const firstTarget = redirectTarget(first);
  if (firstTarget === undefined) {
    return [finding(TRANSPORT_FINDINGS.noRedirect, `${first.url} answered ${first.status} without a redirect`, REDIRECT_FIX)];
  }
  const findings: ScanFinding[] = [];
  const startHost = hostOf(first.url);
  if (!isHttps(firstTarget)) {
    findings.push(finding(TRANSPORT_FINDINGS.firstHopNotHttps, `${first.url} ${first.status} → ${firstTarget}`, REDIRECT_FIX));
  }
  const firstHttps = hops.find((hop) => isHttps(hop.url));
  if (firstHttps && hostOf(firstHttps.url) !== startHost) {
    findings.push(finding(TRANSPORT_FINDINGS.firstHttpsOtherHost, `${first.url} → ${firstHttps.url} (first https:// hop)`, 'redirect to https:// on the same host first, then to the other host (httpsRedirect without httpsRedirect.host).'));
  }
  findings.push(...hopFindings(hops));

  const last = hops[hops.length - 1] ?? first;
  if ('error' in last) {
    findings.push(finding(TRANSPORT_FINDINGS.hopFailed, `${last.url}: ${last.error}`, 'make the redirect target answer, or redirect to one that does.'));
  } else if (redirectTarget(last) === undefined) {
    if (hostOf(last.url) !== startHost) {
      findings.push(finding(TRANSPORT_FINDINGS.offHostDestination, `${first.url} → ${last.url}`, 'nothing to fix if the other host is yours; HSTS and preload are per host.'));
    }
    if (isHttps(last.url) && (last.hsts ?? []).length === 0) findings.push(missingHsts(`${last.url} answered ${last.status} without Strict-Transport-Security`));
    // Redirects that never reach https:// serve the site in clear, as if there were no redirect
    // (a chain that went through https:// and back is the downgrade, 013, already).
    const downgraded = findings.some((found) => found.id === TRANSPORT_FINDINGS.downgrade.id);
    if (!isHttps(last.url) && !downgraded) findings.push(finding(TRANSPORT_FINDINGS.noRedirect, `${hops.map((hop) => hop.url).join(' → ')} answered ${last.status} over http://`, REDIRECT_FIX));
  }
  return findings;
}

/** Downgrades, loops and length: the checks that walk every hop. */
function hopFindings(hops: readonly RedirectHop[]): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const seen = new Set<string>();
  let redirects = 0;
  let looped = false;
  for (const hop of hops) {
    const url = normalise(hop.url);
    if (seen.has(url) && !looped) {
      looped = true;
      findings.push(finding(TRANSPORT_FINDINGS.loop, `${hop.url} requested twice: ${hops.map((h) => h.url).join(' → ')}`, 'fix the redirect rules so each URL redirects at most once (check the proxy and httpsRedirect do not disagree).'));
    }
    seen.add(url);
    if ('error' in hop) continue;
    const target = redirectTarget(hop);
    if (target === undefined) continue;
    redirects++;
    if (isHttps(hop.url) && !isHttps(target)) {
      findings.push(finding(TRANSPORT_FINDINGS.downgrade, `${hop.url} ${hop.status} → ${target}`, 'redirect to https:// URLs only (check Location headers built from a proxied X-Forwarded-Proto; configure the Aegis proxy option).'));
    }
  }
  if (redirects > MAX_REDIRECTS) {
    findings.push(finding(TRANSPORT_FINDINGS.tooManyHops, `${redirects} redirects`, 'redirect straight to the final https:// URL.'));
  }
  return findings;
}

/**
 * Checks a chain against the HSTS preload list's rules: the `http://` URL redirects first to
 * `https://` on the same host, and that HTTPS answer (even if it redirects again) carries a valid
 * Strict-Transport-Security with max-age >= 31536000, includeSubDomains and preload. Not checked
 * here: that the host is a registrable domain (not a subdomain), that the certificate is valid, and
 * that every subdomain serves HTTPS.
 * @see https://hstspreload.org/#submission-requirements
 */
export function preloadEligibility(hops: readonly RedirectHop[]): PreloadEligibility {
  const reasons = preloadReasons(hops);
  return { eligible: reasons.length === 0, reasons };
}

function preloadReasons(hops: readonly RedirectHop[]): string[] {
  const [first, second] = hops;
  if (!first) return ['no answer observed'];
  if ('error' in first) return [`${first.url} did not answer (${first.error}), so the https:// answer was not observed`];
  const host = hostOf(first.url);
  const target = redirectTarget(first);
  if (target === undefined) return [`${first.url} answered ${first.status} instead of redirecting to https://${host}/`];
  if (!isHttps(target) || hostOf(target) !== host) return [`the first redirect goes to ${target}, not to https:// on ${host}`];
  if (!second) return [`the answer of ${target} was not observed`];
  if ('error' in second) return [`${second.url} did not answer: ${second.error}`];
  const values = second.hsts ?? [];
  if (values.length === 0) return [`${second.url} sends no Strict-Transport-Security`];
  return headerPreloadBlockers(parseHsts(values)).map((blocker) => `${second.url} sends ${blocker}`);
}

/** Where a hop redirects to (absolute), or `undefined` when it is not a redirect. */
function redirectTarget(hop: RedirectAnswer): string | undefined {
  if (hop.status < 300 || hop.status > 399 || hop.location === undefined) return undefined;
  return parseUrl(hop.location, hop.url)?.href ?? hop.location;
}

function isHttps(url: string): boolean {
  return parseUrl(url)?.protocol === 'https:';
}

/** The host name of a URL, lower-case and without a trailing dot or port; the raw text when it does not parse. */
function hostOf(url: string): string {
  const parsed = parseUrl(url);
  if (!parsed) return url;
  return parseHost(parsed.host)?.hostname ?? parsed.hostname;
}

function normalise(url: string): string {
  return parseUrl(url)?.href ?? url;
}
