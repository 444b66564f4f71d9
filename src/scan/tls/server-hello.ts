/**
 * Parses the server's first answer to a raw ClientHello: a ServerHello (or HelloRetryRequest), a
 * TLS alert, or something that is not TLS. Works on the bytes received so far: records may be split
 * across TCP reads and the ServerHello may be split across records; until enough has arrived the
 * answer is `incomplete`. Never throws: malformed input is a typed `error`.
 * @see https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
 * @see https://www.rfc-editor.org/rfc/rfc8446#section-6
 */

import { EXTENSION } from './client-hello.js';

/** One extension of the ServerHello, raw. */
export interface HelloExtension {
  readonly type: number;
  readonly data: Buffer;
}

/** A ServerHello (or a HelloRetryRequest, which has the same shape). */
export interface ServerHello {
  readonly kind: 'server-hello';
  /** The negotiated version: supported_versions when present (TLS 1.3), otherwise server_version. */
  readonly version: number;
  /** The server_version field as sent (0x0303 for TLS 1.3). */
  readonly legacyVersion: number;
  readonly random: Buffer;
  readonly sessionId: Buffer;
  readonly cipher: number;
  readonly compression: number;
  readonly extensions: readonly HelloExtension[];
  /** The random is the HelloRetryRequest value: the server accepts the version and suite but wants another key share. */
  readonly helloRetry: boolean;
  /**
   * TLS 1.3: the named group of the key_share extension, i.e. the group the server chose (a
   * ServerHello's share, or a HelloRetryRequest's selected_group). Absent below TLS 1.3 and when
   * the extension is.
   */
  readonly group?: number;
}

/** A TLS alert record. */
export interface TlsAlert {
  readonly kind: 'alert';
  /** 1 warning, 2 fatal. */
  readonly level: number;
  readonly description: number;
  /** The RFC name, e.g. `handshake_failure`, or `alert_<n>`. */
  readonly name: string;
}

/** The bytes are not a ServerHello or an alert, or stop before one is complete (`ended`). */
export interface HelloError {
  readonly kind: 'error';
  readonly message: string;
}

/** More bytes are needed. */
export interface HelloIncomplete {
  readonly kind: 'incomplete';
}

/** What the server's first bytes say. */
export type HelloAnswer = ServerHello | TlsAlert | HelloError | HelloIncomplete;

/** SHA-256("HelloRetryRequest"), the random of a HelloRetryRequest (RFC 8446 §4.1.3). */
export const HELLO_RETRY_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

/** Alert descriptions. @see https://www.iana.org/assignments/tls-parameters/tls-parameters.xhtml#tls-parameters-6 */
export const ALERTS: Readonly<Record<number, string>> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  22: 'record_overflow',
  40: 'handshake_failure',
  42: 'bad_certificate',
  47: 'illegal_parameter',
  50: 'decode_error',
  51: 'decrypt_error',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  109: 'missing_extension',
  110: 'unsupported_extension',
  112: 'unrecognized_name',
  120: 'no_application_protocol',
};

const ALERT = 0x15;
const HANDSHAKE = 0x16;
const SERVER_HELLO = 0x02;
const TLS13 = 0x0304;
/** 2^14 plus the 2048 bytes of expansion TLS 1.2 allows; anything longer is not TLS. */
const MAX_RECORD = 16384 + 2048;

function fail(message: string): HelloError {
  return { kind: 'error', message };
}

/**
 * Reads the server's answer from the bytes received so far.
 * @param bytes everything read from the socket, in order
 * @param ended the connection is closed: a partial answer becomes an `error` instead of `incomplete`
 * @example parseServerHello(Buffer.from('15030300020228', 'hex')) // { kind: 'alert', level: 2, description: 40, name: 'handshake_failure' }
 */
export function parseServerHello(bytes: Uint8Array, ended = false): HelloAnswer {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const handshake: Buffer[] = [];
  let offset = 0;
  while (offset + 5 <= data.length) {
    const type = data[offset] ?? 0;
    const major = data[offset + 1] ?? 0;
    const length = data.readUInt16BE(offset + 3);
    if ((type !== HANDSHAKE && type !== ALERT) || major !== 3) {
      return fail(`not a TLS handshake record at byte ${offset}: ${data.subarray(offset, offset + 5).toString('hex')}`);
    }
    if (length === 0 || length > MAX_RECORD) return fail(`TLS record of impossible length ${length}`);
    if (offset + 5 + length > data.length) break;
    const fragment = data.subarray(offset + 5, offset + 5 + length);
    offset += 5 + length;
    if (type === ALERT) return alert(fragment);
    handshake.push(fragment);
    const message = handshakeMessage(Buffer.concat(handshake));
    if (message !== undefined) return message;
  }
  if (ended) {
    return fail(data.length === 0 ? 'connection closed before any answer' : `answer truncated after ${data.length} bytes`);
  }
  return { kind: 'incomplete' };
}

function alert(fragment: Buffer): TlsAlert | HelloError {
  if (fragment.length !== 2) return fail(`alert record of ${fragment.length} bytes`);
  const level = fragment[0] ?? 0;
  const description = fragment[1] ?? 0;
  return { kind: 'alert', level, description, name: ALERTS[description] ?? `alert_${description}` };
}

/** The first handshake message, once complete; `undefined` while more is needed. */
function handshakeMessage(buffer: Buffer): ServerHello | HelloError | undefined {
  if (buffer.length < 4) return undefined;
  const type = buffer[0] ?? 0;
  if (type !== SERVER_HELLO) return fail(`first handshake message is type ${type}, not ServerHello`);
  const length = buffer.readUIntBE(1, 3);
  if (buffer.length < 4 + length) return undefined;
  return serverHello(buffer.subarray(4, 4 + length));
}

/** A bounds-checked reader: every read returns `undefined` past the end. */
class Reader {
  offset = 0;
  constructor(private readonly body: Buffer) {}
  bytes(count: number): Buffer | undefined {
    if (this.offset + count > this.body.length) return undefined;
    const out = this.body.subarray(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }
  number(size: 1 | 2): number | undefined {
    const bytes = this.bytes(size);
    return bytes === undefined ? undefined : bytes.readUIntBE(0, size);
  }
  get remaining(): number {
    return this.body.length - this.offset;
  }
}

function serverHello(body: Buffer): ServerHello | HelloError {
  const reader = new Reader(body);
  const legacyVersion = reader.number(2);
  const random = reader.bytes(32);
  const sessionLength = reader.number(1);
  const sessionId = sessionLength === undefined || sessionLength > 32 ? undefined : reader.bytes(sessionLength);
  const cipher = reader.number(2);
  const compression = reader.number(1);
  if (legacyVersion === undefined || random === undefined || sessionId === undefined || cipher === undefined || compression === undefined) {
    return fail('malformed ServerHello: fields missing');
  }
  const extensions: HelloExtension[] = [];
  if (reader.remaining > 0) {
    const total = reader.number(2);
    if (total === undefined || total !== reader.remaining) return fail('malformed ServerHello: extensions length');
    while (reader.remaining > 0) {
      const type = reader.number(2);
      const size = reader.number(2);
      const data = size === undefined ? undefined : reader.bytes(size);
      if (type === undefined || data === undefined) return fail('malformed ServerHello: extension overruns');
      extensions.push({ type, data: Buffer.from(data) });
    }
  }
  const supported = extensions.find((ext) => ext.type === EXTENSION.supportedVersions);
  if (supported !== undefined && supported.data.length !== 2) return fail('malformed ServerHello: supported_versions');
  const version = supported === undefined ? legacyVersion : supported.data.readUInt16BE(0);
  const helloRetry = random.equals(HELLO_RETRY_RANDOM);
  const share = version === TLS13 ? extensions.find((ext) => ext.type === EXTENSION.keyShare) : undefined;
  const group = share === undefined ? undefined : keyShareGroup(share.data, helloRetry);
  if (group === null) return fail(`malformed ${helloRetry ? 'HelloRetryRequest' : 'ServerHello'}: key_share`);
  return {
    kind: 'server-hello',
    version,
    legacyVersion,
    random: Buffer.from(random),
    sessionId: Buffer.from(sessionId),
    cipher,
    compression,
    extensions,
    helloRetry,
    ...(group === undefined ? {} : { group }),
  };
}

/**
 * The group of a TLS 1.3 key_share extension, or `null` when malformed. A ServerHello carries one
 * KeyShareEntry (group, then a key of at least one byte with a two-byte length); a HelloRetryRequest
 * only the selected_group (RFC 8446 §4.2.8).
 */
function keyShareGroup(data: Buffer, helloRetry: boolean): number | null {
  if (helloRetry) return data.length === 2 ? data.readUInt16BE(0) : null;
  if (data.length < 5 || data.readUInt16BE(2) !== data.length - 4) return null;
  return data.readUInt16BE(0);
}
