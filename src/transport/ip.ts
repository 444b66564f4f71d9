import { isIPv4, isIPv6 } from 'node:net';
import { memoise } from '../core/memo.js';

/**
 * IP addresses as 16 bytes (IPv4 is stored IPv4-mapped, `::ffff:a.b.c.d`), so that one prefix
 * comparison serves both families and a dual-stack socket's `::ffff:10.0.0.1` matches `10.0.0.0/8`.
 */
export type IpBytes = Uint8Array;

/** A parsed CIDR block. */
export interface Cidr {
  readonly bytes: IpBytes;
  /** Prefix length over the 128-bit form. */
  readonly bits: number;
  /** The block as written by the user, for messages. */
  readonly source: string;
}

/** Named groups accepted wherever CIDR blocks are. */
export const CIDR_ALIASES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
};

/** Parses an IPv4 or IPv6 literal (no brackets, no port, no zone) into 16 bytes. */
export function parseIp(address: string): IpBytes | undefined {
  if (isIPv4(address)) return ipv4ToMapped(address);
  if (!isIPv6(address) || address.includes('%')) return undefined;
  return parseIpv6(address);
}

function ipv4ToMapped(address: string): IpBytes {
  const bytes = new Uint8Array(16);
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  const parts = address.split('.');
  for (let i = 0; i < 4; i++) bytes[12 + i] = Number(parts[i]);
  return bytes;
}

function parseIpv6(address: string): IpBytes {
  // An embedded dotted quad (::ffff:1.2.3.4) becomes two hex groups, then one parser serves all.
  let text = address;
  const lastColon = text.lastIndexOf(':');
  const embedded = text.slice(lastColon + 1);
  if (embedded.includes('.')) {
    const v4 = ipv4ToMapped(embedded);
    const high = (((v4[12] ?? 0) << 8) | (v4[13] ?? 0)).toString(16);
    const low = (((v4[14] ?? 0) << 8) | (v4[15] ?? 0)).toString(16);
    text = `${text.slice(0, lastColon + 1)}${high}:${low}`;
  }
  const [head = '', rest] = text.split('::');
  const before = head === '' ? [] : head.split(':').map(hex);
  const after = rest === undefined || rest === '' ? [] : rest.split(':').map(hex);
  const groups = [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const group = groups[i] ?? 0;
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  }
  return bytes;
}

function hex(group: string): number {
  return parseInt(group, 16);
}

/** True when the 16-byte address is IPv4-mapped. */
export function isMappedIpv4(bytes: IpBytes): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/**
 * Parses `10.0.0.0/8`, `2001:db8::/32`, a single address (a /32 or /128 block) or an alias
 * (`loopback`, `private`, `linklocal`). Returns an error message instead of throwing.
 */
export function parseCidrList(entry: string): Cidr[] | string {
  const alias = CIDR_ALIASES[entry.toLowerCase()];
  if (alias) return alias.map((block) => parseCidr(block) as Cidr);
  const parsed = parseCidr(entry);
  return typeof parsed === 'string' ? parsed : [parsed];
}

function parseCidr(entry: string): Cidr | string {
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const bytes = parseIp(address);
  if (!bytes) return `"${address}" is not an IPv4 or IPv6 address`;
  const v4 = isIPv4(address);
  const max = v4 ? 32 : 128;
  let prefix = max;
  if (slash !== -1) {
    const text = entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(text) || Number(text) > max) return `prefix "/${text}" must be a whole number from 0 to ${max}`;
    prefix = Number(text);
  }
  const bits = v4 ? 96 + prefix : prefix;
  if (!hostBitsAreZero(bytes, bits)) return `"${entry}" has bits set after the /${prefix} prefix`;
  return { bytes, bits, source: entry };
}

function hostBitsAreZero(bytes: IpBytes, bits: number): boolean {
  for (let bit = bits; bit < 128; bit++) {
    if (((bytes[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1) return false;
  }
  return true;
}

/** True when `address` lies inside `block`. */
export function cidrContains(block: Cidr, address: IpBytes): boolean {
  const full = block.bits >> 3;
  for (let i = 0; i < full; i++) if (block.bytes[i] !== address[i]) return false;
  const rest = block.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((block.bytes[full] ?? 0) & mask) === ((address[full] ?? 0) & mask);
}

/**
 * Renders an address in its usual text form: dotted IPv4 for v4 and v4-mapped addresses,
 * compressed lower-case IPv6 otherwise (RFC 5952).
 */
export function formatIp(bytes: IpBytes): string {
  if (isMappedIpv4(bytes)) return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((bytes[i * 2] ?? 0) << 8) | (bytes[i * 2 + 1] ?? 0));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const text = groups.map((g) => g.toString(16));
  if (bestStart === -1) return text.join(':');
  const head = text.slice(0, bestStart).join(':');
  const tail = text.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}

/** Normalises an address string (`::ffff:10.0.0.1` → `10.0.0.1`); returns undefined when invalid. */
export function normaliseIp(address: string): string | undefined {
  const bytes = parseIp(address);
  return bytes ? formatIp(bytes) : undefined;
}

const normaliseKnown = memoise((address) => normaliseIp(address) ?? address);

/**
 * The connecting peer's address in normal form, memoised (peers repeat across requests).
 * An unknown peer (a destroyed socket) is the empty string.
 */
export function normalisePeer(peer: string | undefined): string {
  return peer === undefined || peer === '' ? '' : normaliseKnown(peer);
}
