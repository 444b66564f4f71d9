/**
 * Turns the facts of a TLS sweep (versions, suites, certificate) into findings. Pure: no I/O.
 * A version whose probe failed is unknown, not refused: it never yields a "not supported" finding.
 */

import type { CertificateError, CertificateFacts } from './certificate.js';
import { cipherSuite, type CipherSuite } from './cipher-suites.js';
import { finding, TLS_FINDINGS, type ScanFinding } from './findings.js';
import type { CipherList, VersionResult } from './sweep.js';
import type { TlsVersionName } from './versions.js';

/** What {@link evaluateTls} reads. */
export interface TlsFacts {
  readonly versions: Readonly<Record<TlsVersionName, VersionResult>>;
  readonly ciphers: Readonly<Partial<Record<TlsVersionName, CipherList>>>;
  readonly certificate: CertificateFacts | CertificateError;
  /** For the expiry checks. Default now. */
  readonly now?: Date;
}

const DAY_MS = 86_400_000;
const SERVER_CONFIG = "the server's TLS configuration (Aegis serve() accepts TLS 1.2 and 1.3 only)";

const isInsecure = (suite: CipherSuite): boolean => suite.cipher === 'NULL' || suite.export || suite.authentication === 'anon';
const isBroken = (suite: CipherSuite): boolean => /^(RC4|3DES|DES)/.test(suite.cipher);
const isCbc = (suite: CipherSuite): boolean => suite.cipher.endsWith('CBC');
const isWeak = (suite: CipherSuite): boolean => isInsecure(suite) || isBroken(suite) || !suite.aead || !suite.forwardSecrecy;

/** Names of accepted suites matching `test`, across versions, once each, in first-seen order. */
function suitesWhere(ciphers: TlsFacts['ciphers'], test: (suite: CipherSuite) => boolean): string[] {
  const names = new Set<string>();
  for (const list of Object.values(ciphers)) {
    for (const { code } of list?.ciphers ?? []) {
      const suite = cipherSuite(code);
      if (suite !== undefined && test(suite)) names.add(suite.name);
    }
  }
  return [...names];
}

function versionFindings(versions: TlsFacts['versions']): ScanFinding[] {
  const out: ScanFinding[] = [];
  const refused = (name: TlsVersionName): boolean => !versions[name].accepted && versions[name].error === undefined;
  if (versions.SSLv3.accepted) out.push(finding(TLS_FINDINGS.sslv3, 'SSLv3 handshake accepted', 'disable SSL 3.0 (POODLE)'));
  if (versions['TLSv1.0'].accepted) out.push(finding(TLS_FINDINGS.tls10, 'TLSv1.0 handshake accepted', `set the minimum version to TLSv1.2 in ${SERVER_CONFIG}`));
  if (versions['TLSv1.1'].accepted) out.push(finding(TLS_FINDINGS.tls11, 'TLSv1.1 handshake accepted', `set the minimum version to TLSv1.2 in ${SERVER_CONFIG}`));
  // TLS 1.3 alone is the strongest setting (only very old clients cannot connect): no finding then.
  if (refused('TLSv1.2') && !versions['TLSv1.3'].accepted) out.push(finding(TLS_FINDINGS.noTls12, 'TLSv1.2 handshake refused', 'enable TLS 1.2'));
  if (refused('TLSv1.3')) out.push(finding(TLS_FINDINGS.noTls13, 'TLSv1.3 handshake refused', 'enable TLS 1.3'));
  return out;
}

function cipherFindings(facts: TlsFacts): ScanFinding[] {
  const out: ScanFinding[] = [];
  const rules = [
    [TLS_FINDINGS.insecureSuite, isInsecure, 'remove NULL, anonymous and EXPORT suites'],
    [TLS_FINDINGS.brokenCipher, isBroken, 'remove RC4, 3DES and DES suites'],
    [TLS_FINDINGS.cbcSuite, (suite: CipherSuite) => !isInsecure(suite) && !isBroken(suite) && isCbc(suite), 'prefer AEAD suites (AES-GCM, ChaCha20-Poly1305) and drop CBC where clients allow'],
    [TLS_FINDINGS.noForwardSecrecy, (suite: CipherSuite) => suite.keyExchange === 'RSA', 'remove TLS_RSA_* suites: use ECDHE key exchange'],
  ] as const;
  for (const [kind, test, fix] of rules) {
    const names = suitesWhere(facts.ciphers, test);
    if (names.length > 0) out.push(finding(kind, names.join(', '), fix));
  }
  const preferredWeak = (['TLSv1.2', 'TLSv1.1', 'TLSv1.0', 'SSLv3'] as const).find((name) => facts.versions[name].accepted);
  if (preferredWeak !== undefined) {
    const chosen = cipherSuite(facts.ciphers[preferredWeak]?.ciphers[0]?.code ?? -1);
    const strong = suitesWhere({ [preferredWeak]: facts.ciphers[preferredWeak] }, (suite) => !isWeak(suite));
    if (chosen !== undefined && isWeak(chosen) && strong.length > 0) {
      out.push(finding(TLS_FINDINGS.weakPreferred, `${preferredWeak}: chose ${chosen.name} while offered ${strong[0] ?? ''} first`, 'order the server\'s suites strongest first (or follow the client\'s order)'));
    }
  }
  return out;
}

function helloFindings(versions: TlsFacts['versions']): ScanFinding[] {
  const out: ScanFinding[] = [];
  const legacy = (['TLSv1.2', 'TLSv1.1', 'TLSv1.0'] as const).filter((name) => versions[name].accepted);
  const noReneg = legacy.filter((name) => versions[name].secureRenegotiation === false);
  if (noReneg.length > 0) out.push(finding(TLS_FINDINGS.noSecureRenegotiation, `no renegotiation_info in the ${noReneg.join(', ')} ServerHello`, 'upgrade the TLS library: it predates RFC 5746'));
  const compressed = (Object.entries(versions) as Array<[TlsVersionName, VersionResult]>).filter(([, result]) => (result.compression ?? 0) !== 0);
  if (compressed.length > 0) out.push(finding(TLS_FINDINGS.compression, `${compressed.map(([name]) => name).join(', ')}: DEFLATE chosen`, 'disable TLS compression'));
  return out;
}

function certificateFindings(cert: CertificateFacts, now: Date): ScanFinding[] {
  const out: ScanFinding[] = [];
  const outsideValidity = now < cert.validFrom || now > cert.validTo;
  const dateError = cert.authorizationError === 'CERT_HAS_EXPIRED' || cert.authorizationError === 'CERT_NOT_YET_VALID';
  if (!cert.trusted && !dateError) out.push(finding(TLS_FINDINGS.untrusted, `${cert.authorizationError ?? 'not authorized'} (issuer ${cert.issuer.replace(/\n/g, ', ')})`, 'serve a certificate from a public CA with its full chain'));
  if (outsideValidity) out.push(finding(TLS_FINDINGS.expired, `valid ${cert.validFrom.toISOString()} to ${cert.validTo.toISOString()}`, 'renew the certificate'));
  if (!cert.hostnameMatch) out.push(finding(TLS_FINDINGS.nameMismatch, cert.hostnameError ?? 'host name not covered', 'serve a certificate whose subjectAltName covers this host'));
  if (!outsideValidity && cert.validTo.getTime() - now.getTime() < 30 * DAY_MS) {
    out.push(finding(TLS_FINDINGS.expiringSoon, `expires ${cert.validTo.toISOString()}`, 'renew the certificate (automate it, e.g. ACME)'));
  }
  const weak = cert.keyBits !== undefined && ((cert.keyType.startsWith('rsa') && cert.keyBits < 2048) || (cert.keyType === 'ec' && cert.keyBits < 256));
  if (weak) out.push(finding(TLS_FINDINGS.weakKey, `${cert.keyType} ${cert.keyBits} bits`, 'use RSA 2048+ or EC P-256+'));
  if (/sha1|md5/i.test(cert.signatureAlgorithm)) out.push(finding(TLS_FINDINGS.sha1Signature, cert.signatureAlgorithm, 'reissue the certificate with a SHA-256 signature'));
  if (!cert.ocspStapled) out.push(finding(TLS_FINDINGS.noOcspStapling, 'no OCSP response stapled', 'enable OCSP stapling'));
  if (cert.alpn !== 'h2') out.push(finding(TLS_FINDINGS.noH2, `ALPN chose ${cert.alpn === false ? 'nothing' : cert.alpn} when offered h2, http/1.1`, 'enable HTTP/2 (ALPN h2)'));
  return out;
}

/**
 * The findings for a sweep's facts, in table order.
 * @example evaluateTls(scan).map((f) => f.id)
 */
export function evaluateTls(facts: TlsFacts): ScanFinding[] {
  const failures = (Object.entries(facts.versions) as Array<[TlsVersionName, VersionResult]>)
    .filter(([, result]) => result.error !== undefined)
    .map(([name, result]) => `${name}: ${result.error ?? ''}`);
  for (const [name, list] of Object.entries(facts.ciphers)) if (list?.error !== undefined) failures.push(`${name} suites: ${list.error}`);
  if (facts.certificate.outcome === 'error') failures.push(`certificate: ${facts.certificate.message}`);
  const out = [
    ...versionFindings(facts.versions),
    ...cipherFindings(facts),
    ...(facts.certificate.outcome === 'ok' ? certificateFindings(facts.certificate, facts.now ?? new Date()) : []),
    ...helloFindings(facts.versions),
  ];
  if (failures.length > 0) out.push(finding(TLS_FINDINGS.probeFailed, failures.join('; '), 'check that the port serves TLS and is reachable, then scan again'));
  return out.sort((a, b) => a.id.localeCompare(b.id));
}
