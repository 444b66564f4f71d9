import { formatIp, isMappedIpv4, parseIp } from '../transport/ip.js';

/** The IPv6 prefix one client is assumed to hold by default: a /56, what ISPs commonly delegate to a home or an office. */
export const DEFAULT_IPV6_PREFIX = 56;

/**
 * The rate-limit key of a client address. IPv4 (and IPv4-mapped IPv6) counts per address; IPv6
 * counts per `/prefix` network, because one subscriber usually holds a whole /56 or /64 and could
 * otherwise rotate through 2^72 addresses to escape a per-address limit. The key names the network
 * (`2001:db8:0:ab00::/56`), so logs and events stay readable. An address that does not parse is
 * kept as it is (`ip:` prefix included, never mixed with a parsed one).
 *
 * Give it the client address resolved through trusted proxies only (`context.clientIp`), never a
 * raw `X-Forwarded-For`.
 *
 * @example ipRateLimitKey('2001:db8::1') // 'ip:2001:db8::/56'
 */
export function ipRateLimitKey(address: string, ipv6Prefix = DEFAULT_IPV6_PREFIX): string {
  const bytes = parseIp(address);
  if (!bytes) return `ip:?${address}`;
  if (isMappedIpv4(bytes)) return `ip:${formatIp(bytes)}`;
  if (ipv6Prefix >= 128) return `ip:${formatIp(bytes)}`;
  const masked = new Uint8Array(16);
  const whole = ipv6Prefix >> 3;
  masked.set(bytes.subarray(0, whole));
  const rest = ipv6Prefix & 7;
  if (rest !== 0) masked[whole] = (bytes[whole] ?? 0) & (0xff << (8 - rest));
  return `ip:${formatIp(masked)}/${ipv6Prefix}`;
}

/** True for a usable IPv6 grouping prefix: a whole number from 32 to 128. */
export function isIpv6Prefix(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 32 && value <= 128;
}
