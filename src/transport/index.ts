/**
 * `aegis/transport`: host, address and proxy parsing used by the request guards.
 * @packageDocumentation
 */
export { parseHost, hostForUrl } from './host-syntax.js';
export type { ParsedHost } from './host-syntax.js';
export { parseIp, formatIp, normaliseIp, parseCidrList, cidrContains, CIDR_ALIASES } from './ip.js';
export type { Cidr, IpBytes } from './ip.js';
export { parseForwarded, forwardedAddress } from './forwarded-header.js';
export type { ForwardedHop } from './forwarded-header.js';
export type { ProxyOptions, ProxyView } from './trusted-proxy.js';
export type { HostsOption } from './host-allowlist.js';
export type { LimitsOptions, ServerLimitOptions } from './limits.js';
export type { HttpsRedirectOptions } from './https-redirect.js';
