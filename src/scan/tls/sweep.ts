/**
 * `scanTls`: every protocol version probed raw, the accepted suites enumerated per version, the
 * accepted key exchange groups, the certificate read through node:tls, then the findings. Probes
 * run at most `concurrency` at a time, each bounded by its own timeout; a failure becomes an error
 * entry, never an exception.
 */

import { pool } from '../pool.js';
import { inspectServerCertificate, type CertificateError, type CertificateFacts } from './certificate.js';
import { cipherSuiteName, LEGACY_SUITES, TLS13_SUITES } from './cipher-suites.js';
import { enumerateGroups, type GroupEnumeration } from './enumerate-groups.js';
import { evaluateTls } from './evaluate.js';
import type { ScanFinding } from './findings.js';
import { enumerateCiphers, probeHello } from './probe.js';
import { TLS_VERSIONS, type TlsVersionName } from './versions.js';

/** Options of {@link scanTls}. */
export interface ScanTlsOptions {
  /** SNI and the name the certificate must cover. */
  readonly servername: string;
  /** Per connection. Default 5000 ms. */
  readonly timeoutMs?: number;
  /** Trust these CAs instead of the system store. */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Connections in flight at once. Default 4. */
  readonly concurrency?: number;
  /** The time the certificate's dates are judged against. Default now. */
  readonly now?: Date;
}

/** What one version probe found. */
export interface VersionResult {
  readonly accepted: boolean;
  /** The probe failed: no usable answer (then `accepted` is false and means "unknown"). */
  readonly error?: string;
  /** Accepted: the suite chosen from the full candidate list (modern first). */
  readonly preferred?: string;
  /** Accepted: the compression method chosen when DEFLATE was offered too. */
  readonly compression?: number;
  /** Accepted: the ServerHello carried renegotiation_info. */
  readonly secureRenegotiation?: boolean;
}

/** The suites accepted for one version. */
export interface CipherList {
  readonly ciphers: readonly { readonly code: number; readonly name: string }[];
  readonly complete: boolean;
  readonly error?: string;
}

/** The result of {@link scanTls}. */
export interface TlsScan {
  readonly versions: Readonly<Record<TlsVersionName, VersionResult>>;
  /** Only for accepted versions. */
  readonly ciphers: Readonly<Partial<Record<TlsVersionName, CipherList>>>;
  /** The key exchange groups accepted, at TLS 1.3 (or TLS 1.2 when the server speaks no 1.3). Facts only: no finding reads them. */
  readonly groups: GroupEnumeration;
  readonly certificate: CertificateFacts | CertificateError;
  readonly findings: readonly ScanFinding[];
}

const NULL_AND_DEFLATE = [1, 0];

/** The version name of `TLSSocket.getProtocol()` (`TLSv1` is TLS 1.0), when it is one the sweep probes. */
function versionNamed(protocol: string | undefined): TlsVersionName | undefined {
  const name = protocol === 'TLSv1' ? 'TLSv1.0' : protocol;
  return name !== undefined && Object.hasOwn(TLS_VERSIONS, name) ? (name as TlsVersionName) : undefined;
}

/**
 * Scans the TLS setup of `host:port`: versions SSLv3 to TLS 1.3, accepted suites per version (the
 * cipher table's candidates; the five TLS 1.3 suites for 1.3), the accepted key exchange groups
 * (`enumerateGroups`, one more pooled task with its own TLS 1.3 attempt), certificate facts, and
 * findings.
 * A version whose probe was refused although the certificate handshake negotiated it is unknown
 * (an `error`), not refused.
 * @example const { findings } = await scanTls('example.com', 443, { servername: 'example.com' })
 */
export async function scanTls(host: string, port: number, options: ScanTlsOptions): Promise<TlsScan> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const names = Object.keys(TLS_VERSIONS) as TlsVersionName[];
  const probeOptions = { servername: options.servername, timeoutMs };
  type Swept = readonly [VersionResult, CipherList | undefined];
  const versionTask = (name: TlsVersionName) => async (): Promise<Swept> => {
    const version = TLS_VERSIONS[name];
    const candidates = version === TLS_VERSIONS['TLSv1.3'] ? TLS13_SUITES : LEGACY_SUITES;
    const compressionMethods = version === TLS_VERSIONS['TLSv1.3'] ? [0] : NULL_AND_DEFLATE;
    const first = await probeHello(host, port, { ...probeOptions, version, ciphers: candidates, compressionMethods });
    if (first.outcome === 'error') return [{ accepted: false, error: first.message }, undefined];
    if (first.outcome === 'rejected') return [{ accepted: false }, undefined];
    const listed = await enumerateCiphers(host, port, version, candidates, probeOptions);
    const ciphers = { ...listed, ciphers: listed.ciphers.map((code) => ({ code, name: cipherSuiteName(code) })) };
    return [{ accepted: true, preferred: first.cipherName, compression: first.compression, secureRenegotiation: first.secureRenegotiation }, ciphers];
  };
  const certificateTask = async (): Promise<CertificateFacts | CertificateError> => inspectServerCertificate(host, port, { servername: options.servername, timeoutMs, ca: options.ca });
  const groupsTask = async (): Promise<GroupEnumeration> => enumerateGroups(host, port, probeOptions);
  // The groups task goes second: it is the longest (one connection per group, one after another).
  const [certificate, enumerated, ...swept] = await pool<CertificateFacts | CertificateError | GroupEnumeration | Swept>([certificateTask, groupsTask, ...names.map(versionTask)], options.concurrency ?? 4);
  const versions = {} as Record<TlsVersionName, VersionResult>;
  const ciphers: Partial<Record<TlsVersionName, CipherList>> = {};
  names.forEach((name, index) => {
    const [result, list] = swept[index] as Swept;
    versions[name] = result;
    if (list !== undefined) ciphers[name] = list;
  });
  const facts = certificate as CertificateFacts | CertificateError;
  const negotiated = facts.outcome === 'ok' ? versionNamed(facts.protocol) : undefined;
  if (negotiated !== undefined && !versions[negotiated].accepted && versions[negotiated].error === undefined) {
    // The server refused the raw ClientHello yet served node:tls the same version: it tells the
    // probes apart (a ClientHello-fingerprinting firewall, a broken stack), so the refusal is unknown.
    versions[negotiated] = { accepted: false, error: `the probe was refused, yet node:tls negotiated ${negotiated} with the server` };
  }
  const groups = consistentGroups(enumerated as GroupEnumeration, versions['TLSv1.3']);
  return { versions, ciphers, groups, certificate: facts, findings: evaluateTls({ versions, ciphers, certificate: facts, ...(options.now === undefined ? {} : { now: options.now }) }) };
}

/**
 * The group list, unless it contradicts the version sweep: the group probe found no TLS 1.3 (and
 * listed the TLS 1.2 curves) while the version probe saw TLS 1.3 accepted or could not tell. Then
 * the TLS 1.3 groups are unknown, and the list is marked incomplete.
 */
function consistentGroups(groups: GroupEnumeration, tls13: VersionResult): GroupEnumeration {
  if (groups.version !== 'TLSv1.2' || !groups.complete || (!tls13.accepted && tls13.error === undefined)) return groups;
  return { ...groups, complete: false, error: `TLS 1.3 groups not listed: the group probe was refused at TLS 1.3, yet the version sweep found TLSv1.3 ${tls13.accepted ? 'accepted' : 'unknown'}` };
}
