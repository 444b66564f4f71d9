import { X509Certificate } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { parseHost } from '../transport/host-syntax.js';
import { formatIp, isMappedIpv4, parseIp } from '../transport/ip.js';

/** What {@link inspectCertificate} reads from the first certificate of a PEM file. */
export interface CertificateInfo {
  /** Subject DN as Node prints it: one `key=value` per line, e.g. `'C=DE\nO=Example\nCN=example.com'`. */
  readonly subject: string;
  /** Issuer DN, in the same form. */
  readonly issuer: string;
  /** notBefore. */
  readonly validFrom: Date;
  /** notAfter. */
  readonly validTo: Date;
  /** dNSName entries of subjectAltName, as written in the certificate (case kept). */
  readonly dnsNames: readonly string[];
  /** iPAddress entries: IPv4 dotted, IPv6 in RFC 5952 form (`::1`, `2001:db8::5`). */
  readonly ipAddresses: readonly string[];
  /** SHA-256 fingerprint of the DER, colon-separated upper-case hex. */
  readonly fingerprint256: string;
  /** Issuer equals subject and the certificate's own key verifies its signature. */
  readonly selfSigned: boolean;
  /** How many certificates the PEM holds (the leaf plus intermediates, usually). */
  readonly chainLength: number;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const DAY = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Reads the first certificate of a PEM file (a chain is leaf first) into a plain value object.
 * A `Buffer` without PEM armour is read as one DER certificate.
 *
 * @throws {Error} when no certificate is found or the first one cannot be parsed.
 * @example
 * const info = inspectCertificate(readFileSync('fullchain.pem'));
 * if (daysUntilExpiry(info) < 14) console.warn(`${info.subject} expires on ${info.validTo.toISOString()}`);
 */
export function inspectCertificate(pem: string | Buffer): CertificateInfo {
  const text = typeof pem === 'string' ? pem : pem.toString('latin1');
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  const first: string | Buffer | undefined = blocks[0] ?? (Buffer.isBuffer(pem) && pem.length > 0 ? pem : undefined);
  if (first === undefined) {
    throw new Error('No certificate found: expected a "-----BEGIN CERTIFICATE-----" block. Pass the contents of the .pem/.crt file, not its path or the private key.');
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(first);
  } catch (err) {
    throw new Error(`The first certificate could not be parsed (${(err as Error).message}). Check that the file is a complete, unmodified PEM or DER certificate.`, { cause: err });
  }
  const { dnsNames, ipAddresses } = parseSubjectAltName(x509.subjectAltName);
  return {
    subject: x509.subject,
    issuer: x509.issuer,
    validFrom: parseCertificateTime(x509.validFrom),
    validTo: parseCertificateTime(x509.validTo),
    dnsNames,
    ipAddresses,
    fingerprint256: x509.fingerprint256,
    selfSigned: isSelfSigned(x509),
    chainLength: Math.max(blocks.length, 1),
  };
}

/**
 * True when the certificate is valid for every host an Aegis allowlist entry admits, judged by its
 * subjectAltName the way TLS clients do (RFC 6125 / RFC 9525): names compare case-insensitively;
 * a wildcard counts only as the whole left-most label of a name with at least two more labels
 * (`*.example.com`, never `*.com`, `f*.example.com` or `a.*.example.com`) and stands for exactly
 * one label; IP addresses match iPAddress entries only, never a wildcard or a DNS name. The
 * common name is ignored, as browsers ignore it.
 *
 * Patterns: `example.com` and `example.com:8443` (ports are not part of a certificate),
 * `127.0.0.1`, `[::1]` or `::1`, and `*.example.com`. The allowlist pattern `*.example.com`
 * admits subdomains at any depth (`a.b.example.com`) while a wildcard certificate covers one
 * label only, so the pattern is covered only by the SAN `*.example.com` itself, and then only
 * for its one-label subdomains: list deeper names separately.
 *
 * @throws {TypeError} when `hostPattern` is not an allowlist entry.
 * @see https://www.rfc-editor.org/rfc/rfc6125#section-6.4
 * @example
 * certificateCovers(inspectCertificate(pem), 'api.example.com:8443') // true with SAN *.example.com
 */
export function certificateCovers(cert: X509Certificate | CertificateInfo, hostPattern: string): boolean {
  const { dnsNames, ipAddresses } = cert instanceof X509Certificate ? parseSubjectAltName(cert.subjectAltName) : cert;
  const pattern = parsePattern(hostPattern);
  if (pattern.ip !== undefined) {
    const wanted = pattern.ip;
    return ipAddresses.some((ip) => ipKey(ip) === wanted);
  }
  const sans = dnsNames.map(normaliseName);
  if (pattern.wildcard) return sans.some((san) => san === pattern.name && isValidWildcard(san));
  return sans.some((san) => nameMatches(san, pattern.name));
}

/**
 * Days from `now` until the certificate expires: fractional, negative once it has expired.
 * @example
 * daysUntilExpiry(inspectCertificate(pem)) // 89.96
 */
export function daysUntilExpiry(info: Pick<CertificateInfo, 'validTo'>, now: Date = new Date()): number {
  return (info.validTo.getTime() - now.getTime()) / DAY;
}

/**
 * Reads Node's `X509Certificate.subjectAltName` text: `DNS:a, DNS:b, IP Address:1.2.3.4`.
 * Values holding special characters are JSON-quoted by Node (`DNS:"a\u002c b"`) so that a
 * crafted name cannot inject another entry. Other entry types (email, URI) are skipped.
 * @internal
 */
export function parseSubjectAltName(text: string | undefined): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  let at = 0;
  while (text !== undefined && at < text.length) {
    const colon = text.indexOf(':', at);
    if (colon === -1) break;
    const type = text.slice(at, colon);
    let value: string;
    if (text[colon + 1] === '"') {
      let end = colon + 2;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      value = JSON.parse(text.slice(colon + 1, end + 1)) as string;
      at = end + 1;
    } else {
      const comma = text.indexOf(', ', colon);
      value = text.slice(colon + 1, comma === -1 ? text.length : comma);
      at = comma === -1 ? text.length : comma;
    }
    if (text.startsWith(', ', at)) at += 2;
    if (type === 'DNS') dnsNames.push(value);
    else if (type === 'IP Address') ipAddresses.push(formatAddress(value));
  }
  return { dnsNames, ipAddresses };
}

/** Parses OpenSSL's time text (`Nov 24 01:02:03 2026 GMT`), as X509Certificate prints it. @internal */
export function parseCertificateTime(text: string): Date {
  const m = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/.exec(text);
  const month = m ? MONTHS.indexOf(m[1] ?? '') : -1;
  if (!m || month === -1) throw new Error(`Unexpected certificate time ${JSON.stringify(text)}.`);
  return new Date(Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])));
}

/**
 * Not `x509.checkIssued(x509)`: OpenSSL's issuer check also wants keyUsage keyCertSign, which a
 * self-signed leaf (`CA:FALSE`, digitalSignature only, as Aegis makes them) does not have.
 */
function isSelfSigned(x509: X509Certificate): boolean {
  try {
    return x509.issuer === x509.subject && x509.verify(x509.publicKey);
  } catch {
    return false;
  }
}

function parsePattern(hostPattern: string): { name: string; wildcard: boolean; ip: string | undefined } {
  const wildcard = typeof hostPattern === 'string' && hostPattern.startsWith('*.');
  const text = typeof hostPattern === 'string' ? (wildcard ? hostPattern.slice(2) : hostPattern) : '';
  const bareIpv6 = text.includes(':') && !text.startsWith('[') && text.split(':').length > 2;
  const parsed = text.includes('*') ? undefined : parseHost(bareIpv6 ? `[${text}]` : text);
  if (!parsed || (wildcard && parsed.ip)) {
    throw new TypeError(`${JSON.stringify(hostPattern)} is not a host pattern. Use 'example.com', 'example.com:8443', '*.example.com' or an IP such as '127.0.0.1' or '[::1]'.`);
  }
  if (parsed.ip) return { name: parsed.hostname, wildcard: false, ip: ipKey(parsed.hostname) };
  return { name: wildcard ? `*.${parsed.hostname}` : parsed.hostname, wildcard, ip: undefined };
}

function normaliseName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** `*.` followed by at least two labels, no other `*`. */
function isValidWildcard(san: string): boolean {
  return /^\*\.[^*.]+(\.[^*.]+)+$/.test(san);
}

function nameMatches(san: string, host: string): boolean {
  if (san === host) return true;
  if (!isValidWildcard(san)) return false;
  const suffix = san.slice(1); // `.example.com`
  const label = host.slice(0, host.length - suffix.length);
  return host.endsWith(suffix) && label.length > 0 && !label.includes('.');
}

/** A comparable form of an address: the family plus the bytes, so `::ffff:1.2.3.4` is not `1.2.3.4`. */
function ipKey(address: string): string | undefined {
  const bytes = parseIp(address);
  if (!bytes) return undefined;
  return `${isIPv4(address) ? 'v4' : 'v6'}:${Buffer.from(bytes).toString('hex')}`;
}

function formatAddress(address: string): string {
  const bytes = parseIp(address);
  if (!bytes || isIPv4(address)) return address;
  return isMappedIpv4(bytes) ? `::ffff:${formatIp(bytes)}` : formatIp(bytes);
}
