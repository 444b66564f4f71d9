import { constants } from 'node:crypto';
import type { SecureContextOptions, TlsOptions } from 'node:tls';

/**
 * TLS settings after Mozilla's "intermediate" server-side recommendation, narrowed as asked:
 * TLS 1.2 and 1.3 only; for TLS 1.2, ECDHE key exchange with AEAD ciphers only (no CBC, no RSA
 * key exchange, no DHE); the client picks among them (all are strong); no compression; no
 * renegotiation. TLS 1.3 suites are OpenSSL's defaults, all AEAD.
 * @see https://wiki.mozilla.org/Security/Server_Side_TLS#Intermediate_compatibility_.28recommended.29
 */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
] as const;

export const TLS_CURVES = 'X25519:prime256v1:secp384r1';

/** The protocol and cipher settings for every Aegis TLS server. */
export function tlsProfile(): TlsOptions & SecureContextOptions {
  return {
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: TLS12_CIPHERS.join(':'),
    ecdhCurve: TLS_CURVES,
    honorCipherOrder: false,
    secureOptions: constants.SSL_OP_NO_COMPRESSION | constants.SSL_OP_NO_RENEGOTIATION,
  };
}
