/**
 * A few well-known hosts whose content lets an attacker run script under a policy that allowlists
 * them ("script gadgets"): JSONP endpoints that echo a caller-chosen callback, and CDNs that serve
 * old AngularJS, whose template expressions run code from plain HTML. A short list on purpose:
 * each entry says why it is here. Matching a host is a reason to drop the allowlist for nonces
 * with 'strict-dynamic', not proof of an exploit.
 * @see "CSP Is Dead, Long Live CSP!" (Weichselbaum et al., ACM CCS 2016)
 * @see https://csp-evaluator.withgoogle.com/
 */

/** One host (and path prefix) known to serve script gadgets. */
export interface BypassHost {
  /** Lower-case host name. */
  readonly host: string;
  /** Path prefix of the dangerous content; `/` when the whole host is. */
  readonly path: string;
  readonly kind: 'jsonp' | 'angularjs';
  /** Why the entry is listed. */
  readonly note: string;
}

/** The known gadget hosts. */
export const BYPASS_HOSTS: readonly BypassHost[] = [
  {
    host: 'www.google.com',
    path: '/complete/search',
    kind: 'jsonp',
    note: 'the search-suggestion endpoint answers with JSONP and wraps the response in the callback name the URL asks for.',
  },
  {
    host: 'ajax.googleapis.com',
    path: '/ajax/libs/angularjs/',
    kind: 'angularjs',
    note: 'Google Hosted Libraries keep every AngularJS 1.x release online, including versions with sandbox escapes.',
  },
  {
    host: 'cdnjs.cloudflare.com',
    path: '/ajax/libs/angular.js/',
    kind: 'angularjs',
    note: 'cdnjs serves all historical AngularJS builds next to the libraries a site actually wants.',
  },
  {
    host: 'code.angularjs.org',
    path: '/',
    kind: 'angularjs',
    note: 'the AngularJS release archive: every 1.x version, old sandboxes included.',
  },
  {
    host: 'cdn.jsdelivr.net',
    path: '/',
    kind: 'angularjs',
    note: 'serves any file of any npm package or GitHub repository, so allowlisting it allows AngularJS 1.x and JSONP-like gadgets.',
  },
  {
    host: 'unpkg.com',
    path: '/',
    kind: 'angularjs',
    note: 'serves any file of any npm package, AngularJS 1.x included.',
  },
];

/** A host-source split into its parts; `undefined` for keywords, schemes and other non-host sources. */
interface HostSource {
  readonly scheme: string | undefined;
  readonly host: string;
  readonly path: string;
}

const HOST_SOURCE = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(?:\d+|\*))?(\/[^?#]*)?$/i;

/** Splits a CSP host-source (`https://*.example.com:443/path/`), or returns `undefined`. */
export function parseHostSource(source: string): HostSource | undefined {
  const match = HOST_SOURCE.exec(source);
  if (!match) return undefined;
  const host = (match[2] ?? '').toLowerCase();
  // A bare word without dot, scheme or path ("self", "none") is a keyword written without quotes, not a host we can judge.
  if (!match[1] && !match[3] && !host.includes('.')) return undefined;
  return { scheme: match[1]?.toLowerCase(), host, path: match[3] ?? '' };
}

/**
 * The gadget hosts a source allows: same host, or a `*.` wildcard above it; any path the source
 * allows overlapping the dangerous prefix. Sources with a scheme other than http(s) match nothing.
 */
export function matchBypassHosts(source: string): BypassHost[] {
  const parsed = parseHostSource(source);
  if (!parsed || parsed.host === '*') return [];
  if (parsed.scheme !== undefined && parsed.scheme !== 'https' && parsed.scheme !== 'http') return [];
  return BYPASS_HOSTS.filter((entry) => hostMatches(parsed.host, entry.host) && pathOverlaps(parsed.path, entry.path));
}

function hostMatches(pattern: string, host: string): boolean {
  return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : pattern === host;
}

/** CSP path matching: a path ending in `/` is a prefix, any other path is exact. */
function pathOverlaps(sourcePath: string, dangerous: string): boolean {
  if (sourcePath === '' || sourcePath === '/') return true;
  if (sourcePath.endsWith('/') && dangerous.startsWith(sourcePath)) return true;
  return sourcePath.startsWith(dangerous);
}
