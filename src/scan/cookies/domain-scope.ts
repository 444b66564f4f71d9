import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/** How a cookie's `Domain` attribute relates to the host that set it. */
export type DomainScope =
  /** No Domain attribute: only the host itself receives the cookie. */
  | 'host-only'
  /** Domain names the host: the host and all its subdomains receive it. */
  | 'host-and-subdomains'
  /** Domain names a parent of the host: every host under that parent receives it. */
  | 'parent'
  /** Domain is a single label (`com`, `localhost` from `a.localhost`): browsers reject it as a public suffix. */
  | 'top-level'
  /** Domain does not domain-match the host (or the host is an IP address and Domain differs): browsers reject the cookie. */
  | 'mismatch';

/**
 * Where a cookie with `domain` (lower case, leading dot already removed) set by `hostname` goes,
 * after the domain-match rules of RFC 6265bis 5.1.3. Without a public suffix list, only single-label
 * parents count as public suffixes; `Domain=co.uk` from `example.co.uk` reads as `parent`.
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#name-domain-matching
 */
export function domainScope(domain: string | undefined, hostname: string): DomainScope {
  if (domain === undefined) return 'host-only';
  const host = canonicalHost(hostname);
  const wanted = canonicalHost(domain.replace(/\.$/, ''));
  if (wanted === host) return 'host-and-subdomains';
  if (isIP(host) !== 0 || !host.endsWith(`.${wanted}`)) return 'mismatch';
  return wanted.includes('.') ? 'parent' : 'top-level';
}

/** Lower case, IPv6 brackets removed, IDNA to ASCII (punycode) for names. */
export function canonicalHost(hostname: string): string {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) !== 0) return host;
  return domainToASCII(host) || host;
}

/** `localhost`, `*.localhost` and loopback addresses: browsers treat http:// there as a secure context. */
export function isLoopbackHost(hostname: string): boolean {
  const host = canonicalHost(hostname);
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1';
}
