/**
 * Certificate facts for `aegis scan`: one real handshake through node:tls (never refused, so a bad
 * certificate is still read), then trust against the system store or a given CA, the host name,
 * validity, key and signature algorithm, OCSP stapling and ALPN h2.
 * @see https://nodejs.org/api/tls.html#tlsconnectoptions-callback
 */

import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { connect, type ConnectionOptions } from 'node:tls';
import { objectIdentifier } from '../../tls/der.js';
import { errorMessage } from '../error-message.js';
import { LENIENT_CLIENT_TLS } from './versions.js';

/** What the certificate handshake learned. */
export interface CertificateFacts {
  readonly outcome: 'ok';
  /** The chain reaches a trusted root (system store, or `ca` when given). */
  readonly trusted: boolean;
  /** OpenSSL's verification error code when not trusted, e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  readonly authorizationError?: string;
  /** The certificate covers the scanned name; why not otherwise. */
  readonly hostnameMatch: boolean;
  readonly hostnameError?: string;
  readonly subject: string;
  readonly issuer: string;
  readonly validFrom: Date;
  readonly validTo: Date;
  /** `rsa`, `ec`, `rsa-pss`, `ed25519`… */
  readonly keyType: string;
  /** RSA modulus bits, or the EC curve size in bits; undefined when unknown. */
  readonly keyBits?: number;
  /** e.g. `sha256WithRSAEncryption`, `ecdsa-with-SHA256`, or the dotted OID when unknown. */
  readonly signatureAlgorithm: string;
  /** The server stapled an OCSP response. */
  readonly ocspStapled: boolean;
  /** The protocol ALPN chose when h2 and http/1.1 were offered, or false. */
  readonly alpn: string | false;
  /** The TLS version this handshake negotiated, as `TLSSocket.getProtocol()` names it (`TLSv1.3`, `TLSv1`…). */
  readonly protocol?: string;
}

/** The certificate could not be read. */
export interface CertificateError {
  readonly outcome: 'error';
  readonly message: string;
}

/** Options of {@link inspectServerCertificate}. */
export interface CertificateOptions {
  /** The name to check and to send as SNI (IP literals are not sent). */
  readonly servername: string;
  /** Default 5000 ms, for connect plus handshake. */
  readonly timeoutMs?: number;
  /** Trust these CAs instead of the system store. */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
}

/** Signature algorithm OIDs → names (RFC 4055, RFC 5758, RFC 8410). */
const SIGNATURE_OIDS: ReadonlyArray<readonly [string, string]> = [
  ['1.2.840.113549.1.1.4', 'md5WithRSAEncryption'],
  ['1.2.840.113549.1.1.5', 'sha1WithRSAEncryption'],
  ['1.2.840.113549.1.1.10', 'rsassaPss'],
  ['1.2.840.113549.1.1.11', 'sha256WithRSAEncryption'],
  ['1.2.840.113549.1.1.12', 'sha384WithRSAEncryption'],
  ['1.2.840.113549.1.1.13', 'sha512WithRSAEncryption'],
  ['1.2.840.10045.4.1', 'ecdsa-with-SHA1'],
  ['1.2.840.10045.4.3.2', 'ecdsa-with-SHA256'],
  ['1.2.840.10045.4.3.3', 'ecdsa-with-SHA384'],
  ['1.2.840.10045.4.3.4', 'ecdsa-with-SHA512'],
  ['1.3.101.112', 'ed25519'],
  ['1.3.101.113', 'ed448'],
];

const CURVE_BITS: Readonly<Record<string, number>> = { prime192v1: 192, secp224r1: 224, prime256v1: 256, secp256k1: 256, secp384r1: 384, secp521r1: 521 };

/** One DER element's header at `offset`: where its content starts and ends. */
function element(der: Buffer, offset: number): { start: number; end: number } | undefined {
  const first = der[offset + 1];
  if (first === undefined) return undefined;
  if (first < 0x80) return { start: offset + 2, end: offset + 2 + first };
  const size = first & 0x7f;
  if (size === 0 || size > 4 || offset + 2 + size > der.length) return undefined;
  const length = der.readUIntBE(offset + 2, size);
  return { start: offset + 2 + size, end: offset + 2 + size + length };
}

/**
 * The outer signatureAlgorithm of a DER certificate (Certificate ::= SEQUENCE { tbsCertificate,
 * signatureAlgorithm, signatureValue }), named when known, the OID's hex DER otherwise.
 * @example signatureAlgorithmOf(new X509Certificate(pem).raw) // 'ecdsa-with-SHA256'
 */
export function signatureAlgorithmOf(der: Buffer): string {
  const outer = element(der, 0);
  const tbs = outer === undefined ? undefined : element(der, outer.start);
  const algorithm = tbs === undefined ? undefined : element(der, tbs.end);
  const oid = algorithm === undefined ? undefined : element(der, algorithm.start);
  if (oid === undefined || der[algorithm?.start ?? 0] !== 0x06 || oid.end > der.length) return 'unknown';
  const bytes = der.subarray(algorithm?.start ?? 0, oid.end);
  const known = SIGNATURE_OIDS.find(([dotted]) => objectIdentifier(dotted).equals(bytes));
  return known ? known[1] : `oid:${bytes.subarray(2).toString('hex')}`;
}

/** The key size in bits the scan grades on (RSA modulus, EC curve). */
function keyBits(cert: X509Certificate): number | undefined {
  const details = cert.publicKey.asymmetricKeyDetails;
  if (details?.modulusLength !== undefined) return details.modulusLength;
  if (details?.namedCurve !== undefined) return CURVE_BITS[details.namedCurve];
  const type = cert.publicKey.asymmetricKeyType;
  return type === 'ed25519' ? 256 : type === 'ed448' ? 448 : undefined;
}

/** Why `cert` does not cover `name` (subjectAltName, RFC 6125 wildcards via X509Certificate.checkHost/checkIP), or undefined. */
function hostnameProblem(cert: X509Certificate, name: string): string | undefined {
  // subject 'never': browsers ignore the common name, so a certificate without a subjectAltName
  // for the host does not cover it (CA/Browser Forum baseline requirements, RFC 6125 §6.4.4).
  const covered = isIP(name) === 0 ? cert.checkHost(name, { subject: 'never' }) : cert.checkIP(name);
  return covered === undefined ? `${name} is not covered by the certificate (subjectAltName: ${cert.subjectAltName ?? 'none'})` : undefined;
}

/**
 * Connects once with node:tls (rejectUnauthorized false, requestOCSP, ALPN h2 + http/1.1) and
 * reports the certificate's facts. Never rejects: a failure is an `error` outcome.
 * @example await inspectServerCertificate('example.com', 443, { servername: 'example.com' })
 */
export function inspectServerCertificate(host: string, port: number, options: CertificateOptions): Promise<CertificateFacts | CertificateError> {
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve) => {
    let ocspStapled = false;
    let done = false;
    // requestOCSP is a documented tls.connect option missing from @types/node's ConnectionOptions.
    const connectOptions: ConnectionOptions & { requestOCSP: boolean } = {
      host,
      port,
      servername: isIP(options.servername) === 0 ? options.servername : undefined,
      rejectUnauthorized: false,
      requestOCSP: true,
      // trust is the chain only; the host name is checked separately (hostnameProblem)
      checkServerIdentity: () => undefined,
      ALPNProtocols: ['h2', 'http/1.1'],
      ...LENIENT_CLIENT_TLS,
      ca: options.ca as string | Buffer | Array<string | Buffer> | undefined,
    };
    const socket = connect(connectOptions);
    const finish = (result: CertificateFacts | CertificateError): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ outcome: 'error', message: `no TLS handshake within ${timeoutMs} ms` }), timeoutMs);
    socket.on('OCSPResponse', (response: Buffer | null) => {
      if (response !== null && response.length > 0) ocspStapled = true;
    });
    socket.on('error', (error) => finish({ outcome: 'error', message: errorMessage(error) }));
    socket.on('close', () => finish({ outcome: 'error', message: 'connection closed before the handshake completed' }));
    socket.on('secureConnect', () => {
      const x509 = socket.getPeerX509Certificate();
      if (x509 === undefined) {
        finish({ outcome: 'error', message: 'the server sent no certificate' });
        return;
      }
      const identity = hostnameProblem(x509, options.servername);
      const authorizationError = socket.authorizationError as unknown as string | Error | null | undefined;
      const protocol = socket.getProtocol();
      finish({
        outcome: 'ok',
        trusted: socket.authorized,
        ...(socket.authorized || authorizationError === null || authorizationError === undefined ? {} : { authorizationError: typeof authorizationError === 'string' ? authorizationError : authorizationError.message }),
        hostnameMatch: identity === undefined,
        ...(identity === undefined ? {} : { hostnameError: identity }),
        subject: x509.subject,
        issuer: x509.issuer,
        validFrom: new Date(x509.validFrom),
        validTo: new Date(x509.validTo),
        keyType: x509.publicKey.asymmetricKeyType ?? 'unknown',
        keyBits: keyBits(x509),
        signatureAlgorithm: signatureAlgorithmOf(x509.raw),
        ocspStapled,
        alpn: socket.alpnProtocol ?? false,
        ...(protocol === null ? {} : { protocol }),
      });
    });
  });
}
