/**
 * Builds a raw TLS ClientHello record, byte by byte, so a scan can offer exactly the protocol
 * version and cipher suites it wants to test, including ones Node's own OpenSSL refuses to send
 * (SSLv3, RC4, EXPORT, NULL…). Only the first flight is built: the probe reads the server's first
 * answer and hangs up, it never completes a handshake.
 * @see https://www.rfc-editor.org/rfc/rfc5246#section-7.4.1.2
 * @see https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
 */

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { X25519 } from './groups.js';
import { TLS_VERSIONS, type TlsVersion } from './versions.js';

/** What to put in the ClientHello. */
export interface ClientHelloOptions {
  /** The version to offer. TLS 1.3 is offered the RFC 8446 way: legacy_version 0x0303 plus supported_versions. */
  readonly version: TlsVersion;
  /** Cipher suite codes, in preference order. Must not be empty. */
  readonly ciphers: readonly number[];
  /** Host name for server_name (SNI). Omitted when absent or an IP literal, as RFC 6066 requires. */
  readonly servername?: string;
  /** 32 bytes; default `crypto.randomBytes(32)`. For tests that need exact bytes. */
  readonly random?: Uint8Array;
  /**
   * Named group codes for supported_groups, in preference order; default {@link SUPPORTED_GROUPS}.
   * Must not be empty. For TLS 1.3 the hello carries an x25519 key share only when x25519 is listed;
   * otherwise its key_share is empty, which RFC 8446 §4.2.8 allows: a server that accepts one of the
   * groups answers with a HelloRetryRequest naming it.
   */
  readonly groups?: readonly number[];
  /** The TLS 1.3 x25519 key share (32 bytes); default a fresh key from `generateKeyPairSync('x25519')`. */
  readonly keyShare?: Uint8Array;
  /** The TLS 1.3 legacy_session_id (middlebox compatibility, 32 bytes); default `crypto.randomBytes(32)`. */
  readonly sessionId?: Uint8Array;
  /** Compression methods to offer, in order; default `[0]` (null only). A scan adds 1 (DEFLATE) to detect CRIME-prone servers. Must include 0. */
  readonly compressionMethods?: readonly number[];
}

/** Extension type codes. @see https://www.iana.org/assignments/tls-extensiontype-values/ */
export const EXTENSION = {
  serverName: 0x0000,
  supportedGroups: 0x000a,
  ecPointFormats: 0x000b,
  signatureAlgorithms: 0x000d,
  supportedVersions: 0x002b,
  keyShare: 0x0033,
  renegotiationInfo: 0xff01,
} as const;

/** x25519, secp256r1, secp384r1. */
export const SUPPORTED_GROUPS: readonly number[] = [0x001d, 0x0017, 0x0018];

/** ECDSA P-256/384/521, RSA-PSS and RSA PKCS#1 with SHA-256/384/512, then the SHA-1 pairs old servers need. */
export const SIGNATURE_ALGORITHMS: readonly number[] = [0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201];

const HANDSHAKE = 0x16;
const CLIENT_HELLO = 0x01;

function u8(value: number): Buffer {
  return Buffer.from([value & 0xff]);
}

function u16(value: number): Buffer {
  return Buffer.from([(value >> 8) & 0xff, value & 0xff]);
}

function u24(value: number): Buffer {
  return Buffer.from([(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff]);
}

/** `bytes` prefixed with its length in `size` bytes. */
function vector(size: 1 | 2 | 3, ...bytes: Uint8Array[]): Buffer {
  const body = Buffer.concat(bytes);
  const length = size === 1 ? u8(body.length) : size === 2 ? u16(body.length) : u24(body.length);
  return Buffer.concat([length, body]);
}

function list16(values: readonly number[]): Buffer {
  return Buffer.concat(values.map(u16));
}

function extension(type: number, body: Uint8Array): Buffer {
  return Buffer.concat([u16(type), vector(2, body)]);
}

/** A fresh x25519 public key, raw (32 bytes). */
export function x25519PublicKey(): Buffer {
  const { publicKey } = generateKeyPairSync('x25519');
  const { x } = publicKey.export({ format: 'jwk' });
  return Buffer.from(x ?? '', 'base64url');
}

function extensions(options: ClientHelloOptions): Buffer[] {
  const list: Buffer[] = [];
  const name = options.servername;
  if (name !== undefined && name !== '' && isIP(name) === 0) {
    list.push(extension(EXTENSION.serverName, vector(2, u8(0), vector(2, Buffer.from(name, 'ascii')))));
  }
  const groups = options.groups ?? SUPPORTED_GROUPS;
  list.push(extension(EXTENSION.supportedGroups, vector(2, list16(groups))));
  list.push(extension(EXTENSION.ecPointFormats, vector(1, u8(0))));
  if (options.version >= TLS_VERSIONS['TLSv1.2']) {
    list.push(extension(EXTENSION.signatureAlgorithms, vector(2, list16(SIGNATURE_ALGORITHMS))));
  }
  list.push(extension(EXTENSION.renegotiationInfo, vector(1)));
  if (options.version === TLS_VERSIONS['TLSv1.3']) {
    list.push(extension(EXTENSION.supportedVersions, vector(1, u16(TLS_VERSIONS['TLSv1.3']))));
    const shares = groups.includes(X25519) ? [u16(X25519), vector(2, options.keyShare ?? x25519PublicKey())] : [];
    list.push(extension(EXTENSION.keyShare, vector(2, ...shares)));
  }
  return list;
}

/**
 * The ClientHello, wrapped in one TLS record, ready to write to a TCP socket.
 *
 * - client_version: the offered version; for TLS 1.3, 0x0303 with supported_versions = [0x0304].
 * - record version: 0x0300 for SSLv3, otherwise 0x0301 (what browsers send, RFC 8446 §5.1).
 * - extensions: server_name (host names only), supported_groups (`groups`, default x25519, secp256r1,
 *   secp384r1), ec_point_formats (uncompressed), signature_algorithms (TLS 1.2 and 1.3 only: RFC 5246
 *   §7.4.1.4.1), an empty renegotiation_info, and for TLS 1.3 supported_versions and a key_share: an
 *   x25519 share when x25519 is among the groups, otherwise none (an empty client_shares list).
 *   An SSLv3 hello carries no extensions (SSL 3.0 has none; RFC 6101).
 * - compression: null only unless `compressionMethods` says otherwise.
 * @see https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
 * @example socket.write(buildClientHello({ version: TLS_VERSIONS['TLSv1.2'], ciphers: [0xc02f], servername: 'example.com' }))
 */
export function buildClientHello(options: ClientHelloOptions): Buffer {
  if (options.ciphers.length === 0) throw new RangeError('buildClientHello: at least one cipher suite is needed');
  if (options.groups?.length === 0) throw new RangeError('buildClientHello: at least one group is needed');
  const compression = options.compressionMethods ?? [0];
  if (!compression.includes(0)) throw new RangeError('buildClientHello: compression methods must include null (0)');
  const tls13 = options.version === TLS_VERSIONS['TLSv1.3'];
  const random = options.random ?? randomBytes(32);
  if (random.length !== 32) throw new RangeError('buildClientHello: random must be 32 bytes');
  const sessionId = tls13 ? (options.sessionId ?? randomBytes(32)) : Buffer.alloc(0);
  const parts = [
    u16(tls13 ? TLS_VERSIONS['TLSv1.2'] : options.version),
    random,
    vector(1, sessionId),
    vector(2, list16(options.ciphers)),
    vector(1, Buffer.from(compression)),
  ];
  if (options.version !== TLS_VERSIONS.SSLv3) parts.push(vector(2, ...extensions(options)));
  const handshake = Buffer.concat([u8(CLIENT_HELLO), vector(3, ...parts)]);
  const recordVersion = options.version === TLS_VERSIONS.SSLv3 ? TLS_VERSIONS.SSLv3 : TLS_VERSIONS['TLSv1.0'];
  return Buffer.concat([u8(HANDSHAKE), u16(recordVersion), vector(2, handshake)]);
}
