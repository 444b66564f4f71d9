import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { Problems, show } from '../core/config-error.js';
import { checkObject } from '../core/read-option.js';
import { parseHost } from '../transport/host-syntax.js';
import { parseIp } from '../transport/ip.js';
import * as der from './der.js';

/** Options of {@link createSelfSignedCertificate}. */
export interface SelfSignedOptions {
  /** DNS names for subjectAltName; `*.example.com` is allowed. Default `['localhost']`. */
  dnsNames?: readonly string[];
  /** IPv4/IPv6 addresses for subjectAltName (`[::1]` brackets allowed). Default `['127.0.0.1', '::1']`; `[]` for none. */
  ipAddresses?: readonly string[];
  /** Whole days of validity counted from `now`, 1 to 824. Default `90`. */
  days?: number;
  /** The current time (tests, reproducible output). Default `new Date()`. */
  now?: Date;
  /** Subject and issuer common name; browsers ignore it for host matching. Default `'Aegis development certificate'`. */
  commonName?: string;
}

/** A freshly generated certificate and its private key. */
export interface SelfSignedCertificate {
  /** The EC P-256 private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). */
  readonly key: string;
  /** The certificate, PEM (`-----BEGIN CERTIFICATE-----`). */
  readonly cert: string;
  /** Start of validity as written in the certificate: `now` − 1 hour, whole seconds. */
  readonly notBefore: Date;
  /** End of validity as written in the certificate: `now` + `days`, whole seconds. */
  readonly notAfter: Date;
}

/** Options after validation and normalisation. @internal */
export interface ResolvedSelfSignedOptions {
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly days: number;
  readonly now: Date;
  readonly commonName: string;
}

const KNOWN = ['dnsNames', 'ipAddresses', 'days', 'now', 'commonName'];
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Apple platforms refuse TLS server certificates valid for more than 825 days; one hour goes to back-dating. */
const MAX_DAYS = 824;
const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

/**
 * Creates a self-signed X.509 v3 TLS server certificate with a new EC P-256 key, for local
 * development and tests: no third-party code and no openssl binary, only `node:crypto`.
 *
 * The certificate has a random positive 128-bit serial, is signed with ecdsa-with-SHA256, is valid
 * from one hour before `now` (for clocks running slightly behind) for `days` days, and carries
 * subjectAltName (DNS and IP entries), basicConstraints `CA:FALSE` (critical), keyUsage
 * digitalSignature (critical), extendedKeyUsage serverAuth and a subjectKeyIdentifier.
 * Clients trust it when it is given to them as a CA (`tls.connect({ ca: cert })`).
 *
 * @throws {AegisConfigError} listing every invalid option.
 * @see https://www.rfc-editor.org/rfc/rfc5280
 * @see https://support.apple.com/en-us/103769 (validity limit)
 * @example
 * const { key, cert } = createSelfSignedCertificate({ dnsNames: ['localhost', 'app.test'] });
 * https.createServer({ key, cert }, handler).listen(8443);
 */
export function createSelfSignedCertificate(options?: SelfSignedOptions): SelfSignedCertificate {
  const o = resolveSelfSignedOptions(options);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const now = Math.floor(o.now.getTime() / 1000) * 1000;
  const notBefore = new Date(now - HOUR);
  const notAfter = new Date(now + o.days * DAY);
  const name = der.sequence(der.setOf(der.sequence(der.objectIdentifier(OID.commonName), der.utf8String(o.commonName))));
  const algorithm = der.sequence(der.objectIdentifier(OID.ecdsaWithSha256));
  const tbs = der.sequence(
    der.explicit(0, der.integer(2)), // version v3
    der.integer(serialNumber()),
    algorithm,
    name, // issuer
    der.sequence(der.x509Time(notBefore), der.x509Time(notAfter)),
    name, // subject
    publicKey.export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.sequence(...extensions(o, publicKey))),
  );
  const signature = sign('sha256', tbs, privateKey); // ECDSA-Sig-Value, DER
  const certificate = der.sequence(tbs, algorithm, der.bitString(signature));
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: toPem('CERTIFICATE', certificate),
    notBefore,
    notAfter,
  };
}

function extensions(o: ResolvedSelfSignedOptions, publicKey: KeyObject): Buffer[] {
  const names = [
    ...o.dnsNames.map((name) => der.implicit(2, Buffer.from(name, 'latin1'))), // dNSName [2] IA5String
    ...o.ipAddresses.map((ip) => der.implicit(7, ipBytes(ip))), // iPAddress [7] OCTET STRING
  ];
  return [
    extension(OID.subjectAltName, false, der.sequence(...names)),
    extension(OID.basicConstraints, true, der.sequence()), // cA DEFAULT FALSE is omitted in DER
    extension(OID.keyUsage, true, der.bitString(Buffer.from([0x80]), 7)), // bit 0: digitalSignature
    extension(OID.extKeyUsage, false, der.sequence(der.objectIdentifier(OID.serverAuth))),
    extension(OID.subjectKeyIdentifier, false, der.octetString(keyIdentifier(publicKey))),
  ];
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  // critical BOOLEAN DEFAULT FALSE: DER leaves a default value out.
  return critical
    ? der.sequence(der.objectIdentifier(oid), der.boolean(true), der.octetString(value))
    : der.sequence(der.objectIdentifier(oid), der.octetString(value));
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (the uncompressed EC point). */
function keyIdentifier(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([0x04]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
  return createHash('sha1').update(point).digest();
}

/** 16 random bytes, high bit cleared (positive) and a non-zero first byte (always 16 bytes long). */
function serialNumber(): Buffer {
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) || 0x01;
  return serial;
}

function ipBytes(address: string): Uint8Array {
  const bytes = parseIp(address) ?? new Uint8Array(16);
  return isIPv4(address) ? bytes.subarray(12) : bytes;
}

/** Wraps DER in PEM: base64 in 64-character lines (RFC 7468). @internal */
export function toPem(label: string, bytes: Uint8Array): string {
  const lines = Buffer.from(bytes).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Validates and normalises the options; names are lower-cased and de-duplicated. @internal */
export function resolveSelfSignedOptions(options: SelfSignedOptions | undefined): ResolvedSelfSignedOptions {
  const problems = new Problems();
  const opts = options ?? {};
  if (!checkObject(opts, KNOWN, problems, 'options', "{ dnsNames: ['localhost'], days: 90 }")) problems.throwIfAny();
  const dnsNames = readList(opts.dnsNames, ['localhost'], 'dnsNames', problems, readDnsName);
  const ipAddresses = readList(opts.ipAddresses, ['127.0.0.1', '::1'], 'ipAddresses', problems, readIpAddress);
  if (dnsNames.length === 0 && ipAddresses.length === 0 && problems.count === 0) {
    problems.add('dnsNames', 'the certificate would name no host, so no client could accept it.', "list at least one name, e.g. dnsNames: ['localhost'].");
  }
  let days = 90;
  if (opts.days !== undefined) {
    if (typeof opts.days === 'number' && Number.isInteger(opts.days) && opts.days >= 1 && opts.days <= MAX_DAYS) days = opts.days;
    else problems.add('days', `${show(opts.days)} is not a whole number of days from 1 to ${MAX_DAYS}.`, `write days: 90 (Apple platforms refuse server certificates valid for more than 825 days).`);
  }
  let now = new Date();
  if (opts.now !== undefined) {
    if (opts.now instanceof Date && !Number.isNaN(opts.now.getTime())) now = opts.now;
    else problems.add('now', opts.now instanceof Date ? 'the Date is invalid (its time is NaN).' : `${show(opts.now)} is not a Date.`, 'pass a valid Date, or leave now out to use the current time.');
  }
  let commonName = 'Aegis development certificate';
  if (opts.commonName !== undefined) {
    if (typeof opts.commonName === 'string' && opts.commonName.length > 0 && opts.commonName.length <= 64) commonName = opts.commonName;
    else problems.add('commonName', `${show(opts.commonName)} is not a name of 1 to 64 characters (RFC 5280 ub-common-name).`, "write commonName: 'My app (development)'.");
  }
  problems.throwIfAny();
  return { dnsNames, ipAddresses, days, now, commonName };
}

function readList(raw: unknown, fallback: string[], path: string, problems: Problems, read: (entry: unknown, at: string, problems: Problems) => string | undefined): string[] {
  if (raw === undefined) return fallback;
  if (!Array.isArray(raw)) {
    problems.add(path, `expected an array of strings, got ${show(raw)}.`, `write ${path}: ${JSON.stringify(fallback)}.`);
    return [];
  }
  const out = new Set<string>();
  raw.forEach((entry: unknown, index) => {
    const value = read(entry, `${path}[${index}]`, problems);
    if (value !== undefined) out.add(value);
  });
  return [...out];
}

function readDnsName(entry: unknown, at: string, problems: Problems): string | undefined {
  const fix = "write a DNS name such as 'localhost', 'app.test' or '*.app.test' (no port, no scheme).";
  if (typeof entry !== 'string') {
    problems.add(at, `${show(entry)} is not a DNS name.`, fix);
    return undefined;
  }
  const wildcard = entry.startsWith('*.');
  const rest = wildcard ? entry.slice(2) : entry;
  const parsed = rest.includes(':') || rest.includes('[') ? undefined : parseHost(rest);
  if (parsed?.ip || (parsed === undefined && readIpAddress(entry, at, new Problems()) !== undefined)) {
    problems.add(at, `${JSON.stringify(entry)} is an IP address; certificates list addresses separately and clients do not match them against DNS names.`, `move it to ipAddresses: [${JSON.stringify(entry)}].`);
    return undefined;
  }
  if (parsed === undefined) {
    problems.add(at, `${JSON.stringify(entry)} is not a DNS name${/[^\x20-\x7e]/.test(entry) ? ' (non-ASCII: use the xn-- form)' : ''}.`, fix);
    return undefined;
  }
  if (wildcard && !parsed.hostname.includes('.')) {
    problems.add(at, `${JSON.stringify(entry)} has a single label after the wildcard, which TLS clients (OpenSSL, Node.js, browsers) never match.`, `list the names themselves, e.g. 'app.${parsed.hostname}'.`);
    return undefined;
  }
  return wildcard ? `*.${parsed.hostname}` : parsed.hostname;
}

function readIpAddress(entry: unknown, at: string, problems: Problems): string | undefined {
  const text = typeof entry === 'string' && entry.startsWith('[') && entry.endsWith(']') ? entry.slice(1, -1) : entry;
  if (typeof text === 'string' && (isIPv4(text) || (isIPv6(text) && !text.includes('%')))) return text.toLowerCase();
  problems.add(at, `${show(entry)} is not an IPv4 or IPv6 address (no port, no zone).`, "write an address such as '127.0.0.1' or '::1'.");
  return undefined;
}
