import { isIPv4, isIPv6 } from 'node:net';

/** A Host value split into its parts. */
export interface ParsedHost {
  /** Lower-case name without a trailing dot; IPv6 without brackets. */
  readonly hostname: string;
  /** The port, when one was given. */
  readonly port: number | undefined;
  /** True for IPv4 and IPv6 literals. */
  readonly ip: boolean;
}

const NAME = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;
const PORT = /^\d{1,5}$/;

/**
 * Parses a Host header (or the authority of an absolute-form request target):
 * `name[:port]`, `a.b.c.d[:port]` or `[ipv6][:port]` (RFC 9110 §7.2). Returns `undefined` for
 * anything else, including user info, an empty port and characters outside DNS names.
 */
export function parseHost(value: string): ParsedHost | undefined {
  if (value.length === 0 || value.length > 261) return undefined;
  let hostname: string;
  let portText: string | undefined;
  if (value.charCodeAt(0) === 91 /* [ */) {
    const close = value.indexOf(']');
    if (close === -1) return undefined;
    hostname = value.slice(1, close).toLowerCase();
    if (!isIPv6(hostname) || hostname.includes('%')) return undefined;
    const rest = value.slice(close + 1);
    if (rest !== '') {
      if (rest.charCodeAt(0) !== 58 /* : */) return undefined;
      portText = rest.slice(1);
    }
    return withPort(hostname, portText, true);
  }
  const colon = value.indexOf(':');
  if (colon === -1) hostname = value;
  else {
    hostname = value.slice(0, colon);
    portText = value.slice(colon + 1);
  }
  hostname = hostname.toLowerCase();
  if (hostname.endsWith('.')) hostname = hostname.slice(0, -1);
  if (isIPv4(hostname)) return withPort(hostname, portText, true);
  if (!NAME.test(hostname)) return undefined;
  // All-numeric dotted names (`1.2.3`, `0x7f.1`) are read as IPv4 by some resolvers: never a name.
  if (/^[0-9.]+$/.test(hostname) || /^0x/.test(hostname)) return undefined;
  return withPort(hostname, portText, false);
}

function withPort(hostname: string, portText: string | undefined, ip: boolean): ParsedHost | undefined {
  if (portText === undefined) return { hostname, port: undefined, ip };
  if (!PORT.test(portText)) return undefined;
  const port = Number(portText);
  if (port === 0 || port > 65535) return undefined;
  return { hostname, port, ip };
}

/** Renders a host for a URL: brackets around IPv6. */
export function hostForUrl(hostname: string): string {
  return hostname.includes(':') ? `[${hostname}]` : hostname;
}
