/**
 * Protocol version codes as they appear on the wire, and their names.
 * @see https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
 */

/** The protocol versions a probe can offer. */
export const TLS_VERSIONS = {
  SSLv3: 0x0300,
  'TLSv1.0': 0x0301,
  'TLSv1.1': 0x0302,
  'TLSv1.2': 0x0303,
  'TLSv1.3': 0x0304,
} as const;

/** A version name: `SSLv3`, `TLSv1.0` … `TLSv1.3`. */
export type TlsVersionName = keyof typeof TLS_VERSIONS;

/** A version code: 0x0300 (SSLv3) … 0x0304 (TLS 1.3). */
export type TlsVersion = (typeof TLS_VERSIONS)[TlsVersionName];

/**
 * The name of a version code, or `0xNNNN` for one this table does not know.
 * @example tlsVersionName(0x0303) // 'TLSv1.2'
 */
export function tlsVersionName(code: number): string {
  const found = Object.entries(TLS_VERSIONS).find(([, value]) => value === code);
  return found ? found[0] : `0x${code.toString(16).padStart(4, '0')}`;
}

/**
 * node:tls client options that still connect to a server speaking only TLS 1.0/1.1 or legacy
 * suites, which Node's defaults (TLS 1.2+, security level 1+) refuse: the scanner reads what a
 * site serves, and judges its TLS separately (the raw sweep). Used by the page fetch and the
 * certificate handshake.
 */
export const LENIENT_CLIENT_TLS = { minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' } as const;
