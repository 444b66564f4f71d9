import { show, type Problems } from '../core/config-error.js';
import { checkObject } from '../core/read-option.js';
import { cidrContains, parseCidrList, parseIp, type Cidr } from './ip.js';

/**
 * Reads a non-empty list of CIDR blocks, addresses and aliases (`'loopback'`, `'private'`,
 * `'linklocal'`) into `problems` under `path`. `example` is the fix for a list that is not one.
 * @internal
 */
export function readCidrBlocks(raw: unknown, problems: Problems, path: string, example: string): Cidr[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.add(path, `expected a non-empty array of addresses or CIDR blocks, got ${show(raw)}.`, example);
    return undefined;
  }
  const blocks: Cidr[] = [];
  (raw as unknown[]).forEach((entry, index) => {
    const parsed = typeof entry === 'string' ? parseCidrList(entry) : `${show(entry)} is not a string`;
    if (typeof parsed === 'string') {
      problems.add(`${path}[${index}]`, `${parsed}.`, "write a block such as '10.0.0.0/8', '2001:db8::/32', an address, or 'loopback' / 'private' / 'linklocal'.");
    } else blocks.push(...parsed);
  });
  return blocks;
}

/**
 * Who may reach a route, by client address: `deny` wins over `allow`; with `allow`, every other
 * address is refused. The address is the client as trusted proxies report it (the connecting peer
 * otherwise), so an `X-Forwarded-For` from anyone else changes nothing.
 * @example { allow: ['10.0.0.0/8', 'loopback'] }
 */
export interface IpRules {
  allow?: readonly string[];
  deny?: readonly string[];
}

/** Why an address was refused. */
export type IpRefusal = 'ip.denied' | 'ip.not_allowed';

/** IP rules after validation. */
export interface CompiledIpRules {
  /** `undefined` when `ip` may pass, else why not. An address that does not parse is refused when an allowlist exists. */
  check(ip: string): IpRefusal | undefined;
}

/** Validates `{ allow, deny }` into `problems`. @internal */
export function compileIpRules(raw: unknown, problems: Problems, path: string): CompiledIpRules | undefined {
  if (!checkObject(raw, ['allow', 'deny'], problems, path, "{ allow: ['10.0.0.0/8'] }")) return undefined;
  const rules = raw as IpRules;
  if (rules.allow === undefined && rules.deny === undefined) {
    problems.add(path, 'gives neither allow nor deny.', "write { allow: ['10.0.0.0/8'] } or { deny: ['203.0.113.0/24'] }.");
    return undefined;
  }
  const allow = rules.allow === undefined ? undefined : readCidrBlocks(rules.allow, problems, `${path}.allow`, "write allow: ['10.0.0.0/8', 'loopback'].");
  const deny = rules.deny === undefined ? undefined : readCidrBlocks(rules.deny, problems, `${path}.deny`, "write deny: ['203.0.113.0/24'].");
  return {
    check(ip: string): IpRefusal | undefined {
      const bytes = parseIp(ip);
      if (!bytes) return allow ? 'ip.not_allowed' : undefined;
      if (deny?.some((block) => cidrContains(block, bytes))) return 'ip.denied';
      if (allow && !allow.some((block) => cidrContains(block, bytes))) return 'ip.not_allowed';
      return undefined;
    },
  };
}
