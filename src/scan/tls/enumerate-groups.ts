/**
 * Which key exchange groups a server accepts, the way testssl.sh lists "elliptic curves offered"
 * and "finite field group": one raw ClientHello per group, offering that group alone.
 *
 * - TLS 1.3: the five TLS 1.3 suites and one group in supported_groups, with an x25519 key share
 *   for x25519 and an empty key_share otherwise. A server that accepts the group answers with a
 *   ServerHello (x25519) or a HelloRetryRequest naming it (RFC 8446 §4.2.8); one that does not,
 *   with an alert.
 * - TLS 1.2, when the server speaks no TLS 1.3: the elliptic curves only, with only the ECDHE
 *   suites. RFC 8422 §5.1 lets a server pick an ECDHE suite only when it supports a curve the client
 *   offered, so an answer means the curve is accepted and a refusal that it is not. The finite field
 *   and hybrid groups are not tried there: a TLS 1.2 DHE server picks its own group whatever the
 *   client lists, and the hybrids are TLS 1.3 only.
 * @see https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
 * @see https://www.rfc-editor.org/rfc/rfc8422#section-5.1
 */

import { CIPHER_SUITES, TLS13_SUITES } from './cipher-suites.js';
import { NAMED_GROUPS, groupName, type NamedGroup } from './groups.js';
import { probeHello, type ProbeOptions } from './probe.js';
import { TLS_VERSIONS, type TlsVersionName } from './versions.js';

/** The version a group enumeration was made at. */
export type GroupVersion = Extract<TlsVersionName, 'TLSv1.2' | 'TLSv1.3'>;

/** The groups a server accepted. */
export interface GroupEnumeration {
  /** `TLSv1.3` when the server speaks it; otherwise `TLSv1.2` (elliptic curves only). */
  readonly version: GroupVersion;
  /** The names of the accepted groups, in {@link NAMED_GROUPS} order. */
  readonly groups: readonly string[];
  /** Every group got an answer: false when a probe failed (then `groups` is partial). */
  readonly complete: boolean;
  /** The error that cut the enumeration short. */
  readonly error?: string;
}

/** The groups tried over TLS 1.2: the elliptic curves. */
export const TLS12_GROUPS: readonly NamedGroup[] = NAMED_GROUPS.filter((group) => group.kind === 'ec');

/** The ECDHE suites of the cipher table (any authentication), offered with each curve over TLS 1.2. */
export const ECDHE_SUITES: readonly number[] = CIPHER_SUITES.filter((suite) => suite.keyExchange === 'ECDHE').map((suite) => suite.code);

/**
 * Lists the named groups `host:port` accepts: first one TLS 1.3 hello offering every group (does
 * the server speak TLS 1.3 at all?), then one hello per group, one after another, at TLS 1.3, or
 * at TLS 1.2 with the curves when TLS 1.3 was refused. At most `NAMED_GROUPS.length + 1`
 * connections, each bounded by `timeoutMs`. Stops at the first probe without a usable answer.
 * Never rejects.
 * @example (await enumerateGroups('example.com', 443, { servername: 'example.com' })).groups // ['x25519', 'secp256r1', 'secp384r1']
 */
export async function enumerateGroups(host: string, port: number, options: Pick<ProbeOptions, 'servername' | 'timeoutMs'> = {}): Promise<GroupEnumeration> {
  const tls13 = TLS_VERSIONS['TLSv1.3'];
  const first = await probeHello(host, port, { ...options, version: tls13, ciphers: TLS13_SUITES, groups: NAMED_GROUPS.map((group) => group.code) });
  if (first.outcome === 'error') return { version: 'TLSv1.3', groups: [], complete: false, error: first.message };
  const version: GroupVersion = first.outcome === 'accepted' ? 'TLSv1.3' : 'TLSv1.2';
  const candidates = version === 'TLSv1.3' ? NAMED_GROUPS : TLS12_GROUPS;
  const ciphers = version === 'TLSv1.3' ? TLS13_SUITES : ECDHE_SUITES;
  const accepted: string[] = [];
  for (const group of candidates) {
    const result = await probeHello(host, port, { ...options, version: TLS_VERSIONS[version], ciphers, groups: [group.code] });
    if (result.outcome === 'error') return { version, groups: accepted, complete: false, error: `${group.name}: ${result.message}` };
    if (result.outcome === 'rejected') continue;
    if (version === 'TLSv1.3' && result.group !== group.code) {
      return { version, groups: accepted, complete: false, error: `${group.name}: the TLS 1.3 answer names ${result.group === undefined ? 'no group' : groupName(result.group)}` };
    }
    accepted.push(group.name);
  }
  return { version, groups: accepted, complete: true };
}
