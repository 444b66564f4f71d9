import type { Problems} from '../core/config-error.js';
import { show } from '../core/config-error.js';
import { checkObject, readEnum } from '../core/read-option.js';
import { memoise } from '../core/memo.js';
import { readCidrBlocks } from './ip-list.js';
import { cidrContains, normaliseIp, normalisePeer, parseIp } from './ip.js';
import { forwardedAddress, parseForwarded } from './forwarded-header.js';

/**
 * Which proxies' forwarding headers to believe. Without this option (or with `false`) every
 * `X-Forwarded-*` and `Forwarded` header is ignored and the client is the connecting peer.
 */
export interface ProxyOptions {
  /**
   * Proxies by address: CIDR blocks (`'10.0.0.0/8'`, `'2001:db8::/32'`), single addresses, or the
   * aliases `'loopback'`, `'private'`, `'linklocal'`. The client is the nearest address, walking from
   * the server outwards, that is not trusted.
   */
  trust?: readonly string[];
  /** Or: exactly this many proxies stand in front of the server (for platforms with changing proxy addresses). */
  hops?: number;
  /**
   * The header your proxy writes: `'x-forwarded'` (`X-Forwarded-For`, `-Proto`, `-Host`; nginx,
   * most load balancers) or `'forwarded'` (RFC 7239). Only that one is read: believing both would
   * let a client slip a forged one past a proxy that only rewrites the other. Default `'x-forwarded'`.
   */
  header?: 'x-forwarded' | 'forwarded';
}

/** What the proxy chain says about the client. */
export interface ProxyView {
  /** The client's address, normalised (`::ffff:10.0.0.1` → `10.0.0.1`). */
  readonly clientIp: string;
  /** The scheme the client used, when a trusted proxy said so. */
  readonly protocol: 'http' | 'https' | undefined;
  /** The Host the client sent, when a trusted proxy said so. */
  readonly host: string | undefined;
}

/** Reads one request header (lower-case name); repeated headers come joined with `, `. */
export type HeaderReader = (name: string) => string | undefined;

/** Resolves the client behind the proxies; compiled once from {@link ProxyOptions}. */
export interface TrustedProxy {
  resolve(peer: string | undefined, header: HeaderReader): ProxyView;
  /** The configuration as given, for exporters and checks. */
  readonly description: string;
}

interface Hop {
  ip: string | undefined;
  proto: string | undefined;
  host: string | undefined;
}

/** Validates proxy options and compiles the resolver; `undefined` means "trust no proxy". */
export function compileTrustedProxy(options: ProxyOptions | false | undefined, problems: Problems, path: string): TrustedProxy | undefined {
  if (options === undefined || options === false) return undefined;
  if (!checkObject(options, ['trust', 'hops', 'header'], problems, path, "{ trust: ['10.0.0.0/8'] } or { hops: 1 }")) return undefined;
  const header = readEnum(options.header, ['x-forwarded', 'forwarded'] as const, 'x-forwarded', problems, `${path}.header`);
  const hasTrust = options.trust !== undefined;
  const hasHops = options.hops !== undefined;
  if (hasTrust === hasHops) {
    problems.add(path, hasTrust ? 'both trust and hops are set.' : 'neither trust nor hops is set.', "set exactly one: trust: ['10.0.0.0/8'] (proxy addresses) or hops: 1 (proxy count).");
    return undefined;
  }
  let isTrusted: (ip: string, depth: number) => boolean;
  let description: string;
  if (hasHops) {
    const hops = options.hops;
    if (typeof hops !== 'number' || !Number.isInteger(hops) || hops < 1) {
      problems.add(`${path}.hops`, `${show(hops)} is not a positive whole number.`, 'write hops: 1 for one proxy in front of the server.');
      return undefined;
    }
    isTrusted = (_ip, depth) => depth < hops;
    description = `${hops} hop(s)`;
  } else {
    const blocks = readCidrBlocks(options.trust, problems, `${path}.trust`, "write trust: ['10.0.0.0/8', '::1'] or trust: ['loopback'].");
    if (!blocks) return undefined;
    isTrusted = memoise((ip) => {
      const bytes = parseIp(ip);
      return bytes !== undefined && blocks.some((block) => cidrContains(block, bytes));
    });
    description = blocks.map((b) => b.source).join(', ');
  }
  const readHops = header === 'forwarded' ? readForwardedHops : readXForwardedHops;
  return {
    description,
    resolve(peer, read) {
      const peerIp = normalisePeer(peer);
      if (!isTrusted(peerIp, 0)) return { clientIp: peerIp, protocol: undefined, host: undefined };
      const hops = readHops(read);
      let client: Hop = { ip: peerIp, proto: hops.fallbackProto, host: hops.fallbackHost };
      for (let depth = 1; depth <= hops.list.length; depth++) {
        const hop = hops.list[hops.list.length - depth] as Hop;
        const ip = hop.ip === undefined ? undefined : normaliseIp(hop.ip);
        if (ip === undefined) break; // unparseable: the chain can't be followed past here
        client = { ip, proto: hop.proto, host: hop.host };
        if (!isTrusted(ip, depth)) break;
      }
      return { clientIp: client.ip ?? peerIp, protocol: readProtocol(client.proto), host: client.host || undefined };
    },
  };
}

function readProtocol(value: string | undefined): 'http' | 'https' | undefined {
  const lower = value?.trim().toLowerCase();
  return lower === 'https' || lower === 'http' ? lower : undefined;
}

interface HopList {
  list: Hop[];
  /** Proto/host the nearest proxy reported, used when the peer itself is the client. */
  fallbackProto: string | undefined;
  fallbackHost: string | undefined;
}

function splitList(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((item) => item.trim());
}

/**
 * `X-Forwarded-For: client, proxy1` with `-Proto` and `-Host`. When every proxy appends to all
 * three, entries line up hop by hop; when proxies overwrite `-Proto`/`-Host`, the last value is used.
 */
function readXForwardedHops(read: HeaderReader): HopList {
  const fors = splitList(read('x-forwarded-for'));
  const protos = splitList(read('x-forwarded-proto'));
  const hosts = splitList(read('x-forwarded-host'));
  const pick = (values: string[], index: number) => (values.length === fors.length ? values[index] : values[values.length - 1]);
  return {
    list: fors.map((ip, index) => ({ ip: ip || undefined, proto: pick(protos, index), host: pick(hosts, index) })),
    fallbackProto: protos[protos.length - 1],
    fallbackHost: hosts[hosts.length - 1],
  };
}

function readForwardedHops(read: HeaderReader): HopList {
  const value = read('forwarded');
  const hops = value === undefined ? [] : (parseForwarded(value) ?? []);
  const nearest = hops[hops.length - 1];
  return {
    list: hops.map((hop) => ({ ip: forwardedAddress(hop.for), proto: hop.proto, host: hop.host })),
    fallbackProto: nearest && nearest.for === undefined ? nearest.proto : undefined,
    fallbackHost: nearest && nearest.for === undefined ? nearest.host : undefined,
  };
}
