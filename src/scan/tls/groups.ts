/**
 * Named groups (the key exchange of ECDHE, DHE with RFC 7919 groups, and the hybrid post-quantum
 * groups): their codes in supported_groups and key_share, and the names the scan reports them by.
 * The names are the IANA registry's descriptions.
 * @see https://www.iana.org/assignments/tls-parameters/tls-parameters.xhtml#tls-parameters-8 (TLS Supported Groups)
 * @see https://www.rfc-editor.org/rfc/rfc8446#section-4.2.7
 * @see https://datatracker.ietf.org/doc/draft-ietf-tls-ecdhe-mlkem/ (the ML-KEM hybrids)
 */

/** What a group is built on. `hybrid`: ECDHE combined with ML-KEM (TLS 1.3 only). */
export type GroupKind = 'ec' | 'ffdhe' | 'hybrid';

/** One named group. */
export interface NamedGroup {
  /** The two-byte code, e.g. 0x001d. */
  readonly code: number;
  /** The IANA description, e.g. `x25519`, `secp256r1`, `X25519MLKEM768`. */
  readonly name: string;
  readonly kind: GroupKind;
}

/**
 * The groups the scan knows and enumerates, in report order: elliptic curves, the RFC 7919 finite
 * field groups, then the hybrid post-quantum groups.
 */
export const NAMED_GROUPS: readonly NamedGroup[] = [
  { code: 0x001d, name: 'x25519', kind: 'ec' },
  { code: 0x0017, name: 'secp256r1', kind: 'ec' },
  { code: 0x0018, name: 'secp384r1', kind: 'ec' },
  { code: 0x0019, name: 'secp521r1', kind: 'ec' },
  { code: 0x001e, name: 'x448', kind: 'ec' },
  { code: 0x0100, name: 'ffdhe2048', kind: 'ffdhe' },
  { code: 0x0101, name: 'ffdhe3072', kind: 'ffdhe' },
  { code: 0x0102, name: 'ffdhe4096', kind: 'ffdhe' },
  { code: 0x0103, name: 'ffdhe6144', kind: 'ffdhe' },
  { code: 0x0104, name: 'ffdhe8192', kind: 'ffdhe' },
  { code: 0x11ec, name: 'X25519MLKEM768', kind: 'hybrid' },
  { code: 0x11eb, name: 'SecP256r1MLKEM768', kind: 'hybrid' },
  { code: 0x11ed, name: 'SecP384r1MLKEM1024', kind: 'hybrid' },
];

/** x25519, the group the default TLS 1.3 ClientHello sends a key share for. */
export const X25519 = 0x001d;

/**
 * The named group with this code, when the table has it.
 * @example namedGroup(0x0017)?.kind // 'ec'
 */
export function namedGroup(code: number): NamedGroup | undefined {
  return NAMED_GROUPS.find((group) => group.code === code);
}

/**
 * The name of a group code, or `0xNNNN` for one the table does not know.
 * @example groupName(0x001d) // 'x25519'
 * @example groupName(0x11ec) // 'X25519MLKEM768'
 * @example groupName(0x0042) // '0x0042'
 */
export function groupName(code: number): string {
  return namedGroup(code)?.name ?? `0x${code.toString(16).padStart(4, '0')}`;
}
