/**
 * The raw handshake probe: one TCP connection, one hand-built ClientHello, the server's first
 * answer, hang up. This is how established scanners (sslscan, testssl.sh, SSL Labs) learn which
 * versions and suites a server accepts, including ones Node's own OpenSSL would never offer.
 * @see https://www.rfc-editor.org/rfc/rfc8446#section-4.1
 */

import { connect } from 'node:net';
import { buildClientHello, EXTENSION, SUPPORTED_GROUPS } from './client-hello.js';
import { groupName, X25519 } from './groups.js';
import { parseServerHello, type TlsAlert } from './server-hello.js';
import { cipherSuiteName } from './cipher-suites.js';
import { tlsVersionName, type TlsVersion } from './versions.js';

/** What to offer and how long to wait. */
export interface ProbeOptions {
  readonly version: TlsVersion;
  readonly ciphers: readonly number[];
  /** SNI host name; default none. IP literals are never sent. */
  readonly servername?: string;
  /** For connect plus answer. Default 5000 ms. */
  readonly timeoutMs?: number;
  /** Compression methods to offer; default `[0]` (null only). */
  readonly compressionMethods?: readonly number[];
  /** Named groups for supported_groups; default `SUPPORTED_GROUPS`. TLS 1.3 sends an x25519 key share only when x25519 is listed. */
  readonly groups?: readonly number[];
}

/** The server chose this version and suite (a HelloRetryRequest counts: it names both). */
export interface ProbeAccepted {
  readonly outcome: 'accepted';
  readonly version: number;
  readonly cipher: number;
  /** The IANA name of `cipher` (or `0xNNNN`). */
  readonly cipherName: string;
  readonly helloRetry: boolean;
  /** The compression method chosen: 0 null, 1 DEFLATE (CRIME). */
  readonly compression: number;
  /** The ServerHello carries renegotiation_info (RFC 5746 secure renegotiation). */
  readonly secureRenegotiation: boolean;
  /** TLS 1.3: the group of the answer's key_share (a HelloRetryRequest's selected_group). Absent below TLS 1.3. */
  readonly group?: number;
}

/** The server refused what was offered. */
export interface ProbeRejected {
  readonly outcome: 'rejected';
  /** `alert`: it sent one; `closed`: it hung up without a byte; `other-version`: it answered with a version not offered. */
  readonly reason: 'alert' | 'closed' | 'other-version';
  readonly alert?: TlsAlert;
  /** With `other-version`: what the server picked. */
  readonly serverVersion?: number;
}

/** No usable answer: connection failed, timed out, or the answer was not TLS / truncated / inconsistent. */
export interface ProbeError {
  readonly outcome: 'error';
  readonly message: string;
}

/** The result of one probe. */
export type ProbeResult = ProbeAccepted | ProbeRejected | ProbeError;

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Offers `version` and `ciphers` to `host:port` in a raw ClientHello and reports what the server
 * did. Never rejects: every failure is an `error` outcome. The socket is always destroyed.
 * A server that hangs up (FIN or RST) after the hello without answering counts as `rejected`
 * (`closed`): many stacks refuse an old version that way.
 * @example await probeHello('example.com', 443, { version: TLS_VERSIONS['TLSv1.2'], ciphers: [0xc02f], servername: 'example.com' })
 */
export function probeHello(host: string, port: number, options: ProbeOptions): Promise<ProbeResult> {
  let hello: Buffer;
  try {
    hello = buildClientHello({ version: options.version, ciphers: options.ciphers, servername: options.servername, compressionMethods: options.compressionMethods, groups: options.groups });
  } catch (error) {
    return Promise.resolve({ outcome: 'error', message: (error as Error).message });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let connected = false;
    let done = false;
    const socket = connect({ host, port });
    const finish = (result: ProbeResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ outcome: 'error', message: `no answer within ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms` }), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const read = (ended: boolean): void => {
      const received = Buffer.concat(chunks);
      if (ended && received.length === 0 && connected) {
        finish({ outcome: 'rejected', reason: 'closed' });
        return;
      }
      const answer = parseServerHello(received, ended);
      if (answer.kind === 'incomplete') return;
      if (answer.kind === 'error') finish({ outcome: 'error', message: answer.message });
      else if (answer.kind === 'alert') finish({ outcome: 'rejected', reason: 'alert', alert: answer });
      else if (answer.version !== options.version) finish({ outcome: 'rejected', reason: 'other-version', serverVersion: answer.version });
      else if (!options.ciphers.includes(answer.cipher)) {
        finish({ outcome: 'error', message: `${tlsVersionName(answer.version)} server chose ${cipherSuiteName(answer.cipher)}, which was not offered` });
      } else {
        const wrongGroup = groupError(answer.group, answer.helloRetry, options.groups ?? SUPPORTED_GROUPS);
        if (wrongGroup !== undefined) {
          finish({ outcome: 'error', message: wrongGroup });
          return;
        }
        finish({
          outcome: 'accepted',
          version: answer.version,
          cipher: answer.cipher,
          cipherName: cipherSuiteName(answer.cipher),
          helloRetry: answer.helloRetry,
          compression: answer.compression,
          secureRenegotiation: answer.extensions.some((ext) => ext.type === EXTENSION.renegotiationInfo),
          ...(answer.group === undefined ? {} : { group: answer.group }),
        });
      }
    };
    socket.on('connect', () => {
      connected = true;
      socket.write(hello);
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      read(false);
    });
    socket.on('end', () => read(true));
    socket.on('close', () => read(true));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (connected && error.code === 'ECONNRESET') read(true);
      else finish({ outcome: 'error', message: error.message });
    });
  });
}

/**
 * What is wrong with the group a TLS 1.3 server chose, if anything: it must be one of the offered
 * groups, and a ServerHello (not a HelloRetryRequest) can only use the one share sent, x25519.
 */
function groupError(group: number | undefined, helloRetry: boolean, offered: readonly number[]): string | undefined {
  if (group === undefined) return undefined;
  if (!offered.includes(group)) return `TLSv1.3 server chose the group ${groupName(group)}, which was not offered`;
  if (!helloRetry && group !== X25519) return `TLSv1.3 server answered with a ${groupName(group)} key share, which was not sent`;
  return undefined;
}

/** The suites a server accepted for one version. */
export interface CipherEnumeration {
  /** Accepted suite codes, in the order the server chose them (its preference when it enforces one). */
  readonly ciphers: readonly number[];
  /** The enumeration ended on a refusal (or ran out of candidates), not on an error: `ciphers` is the full answer. */
  readonly complete: boolean;
  /** The error that cut it short, when `complete` is false. */
  readonly error?: string;
}

/**
 * Lists the candidate suites the server accepts for `version`, the standard way: offer every
 * candidate, record the one chosen, offer the rest again, until the server refuses or nothing is
 * left. At most `candidates.length + 1` connections, made one after another.
 * @example (await enumerateCiphers('example.com', 443, TLS_VERSIONS['TLSv1.2'], LEGACY_SUITES, { servername: 'example.com' })).ciphers
 */
export async function enumerateCiphers(host: string, port: number, version: TlsVersion, candidates: readonly number[], options: Omit<ProbeOptions, 'version' | 'ciphers'> = {}): Promise<CipherEnumeration> {
  const accepted: number[] = [];
  let left = [...new Set(candidates)];
  while (left.length > 0) {
    const result = await probeHello(host, port, { ...options, version, ciphers: left });
    if (result.outcome === 'error') return { ciphers: accepted, complete: false, error: result.message };
    if (result.outcome === 'rejected') break;
    accepted.push(result.cipher);
    left = left.filter((code) => code !== result.cipher);
  }
  return { ciphers: accepted, complete: true };
}
