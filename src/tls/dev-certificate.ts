import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AegisConfigError, Problems, show } from '../core/config-error.js';
import { checkObject } from '../core/read-option.js';
import { certificateCovers, daysUntilExpiry, inspectCertificate } from './certificate-info.js';
import { createSelfSignedCertificate, resolveSelfSignedOptions, type ResolvedSelfSignedOptions } from './self-signed.js';

/** Options of {@link loadOrCreateDevCertificate}. */
export interface DevCertificateOptions {
  /** Replace the cached certificate when it expires within this many days. Default `7`; 0 to 89. */
  renewWithinDays?: number;
  /** The current time (tests). Default `new Date()`. */
  now?: Date;
  /** Names the certificate must cover. Default `['localhost']`. */
  dnsNames?: readonly string[];
  /** Addresses the certificate must cover. Default `['127.0.0.1', '::1']`. */
  ipAddresses?: readonly string[];
}

/** The development certificate in use, and what happened to get it. */
export interface DevCertificate {
  /** PKCS#8 PEM private key. */
  readonly key: string;
  /** PEM certificate. */
  readonly cert: string;
  /** Where the key is cached: `<dir>/dev-key.pem`. */
  readonly keyPath: string;
  /** Where the certificate is cached: `<dir>/dev-cert.pem`. */
  readonly certPath: string;
  /** True when a new pair was made (none cached, or the cached one could not be reused). */
  readonly created: boolean;
  /** Why a new pair was made, e.g. `'no cached certificate'`; `undefined` when the cache was reused. */
  readonly reason: string | undefined;
  /** True when cached files were readable or writable by others and were reset to mode 0600. */
  readonly permissionsFixed: boolean;
  /** When the certificate expires. */
  readonly notAfter: Date;
}

const KNOWN = ['renewWithinDays', 'now', 'dnsNames', 'ipAddresses'];
const KEY_FILE = 'dev-key.pem';
const CERT_FILE = 'dev-cert.pem';
/** Validity of a new certificate; must stay above the largest `renewWithinDays`. */
const DAYS = 90;

/**
 * Returns the development certificate cached in `dir`, creating it (or a replacement) when needed.
 * `dir` is created with mode 0700 and the files are written with mode 0600, each through a
 * temporary file in `dir` that is renamed into place, so a reader never sees half a file.
 *
 * The cached pair is reused while the certificate parses, the key belongs to it, it covers every
 * requested name and address (extra names are fine), it is already valid, and it expires more than
 * `renewWithinDays` days from `now`. Otherwise a new 90-day pair is created (see
 * {@link createSelfSignedCertificate}) and `reason` says why. Cached files with permissions wider
 * than 0600 are reset to 0600 and `permissionsFixed` is set (not on Windows, where modes do not apply).
 *
 * If the process stops between writing the key and the certificate, the next call finds a key
 * that does not match and creates a new pair.
 *
 * @throws {AegisConfigError} for invalid options; file-system errors other than a missing file propagate.
 * @example
 * const { key, cert, created, certPath } = loadOrCreateDevCertificate('.aegis');
 * if (created) console.warn(`New development certificate: trust ${certPath} to avoid browser warnings.`);
 */
export function loadOrCreateDevCertificate(dir: string, options?: DevCertificateOptions): DevCertificate {
  const { names, renewWithinDays } = resolveOptions(dir, options);
  if (makeDirectory(resolve(dir))) chmodSync(dir, 0o700); // in case the umask removed owner bits
  const keyPath = join(dir, KEY_FILE);
  const certPath = join(dir, CERT_FILE);

  const cached = readPair(keyPath, certPath);
  let reason = typeof cached === 'string' ? cached : staleReason(cached.key, cached.cert, names, renewWithinDays);
  if (reason === undefined && typeof cached !== 'string') {
    const keyFixed = tighten(keyPath);
    const permissionsFixed = tighten(certPath) || keyFixed;
    return { ...cached, keyPath, certPath, created: false, reason, permissionsFixed, notAfter: inspectCertificate(cached.cert).validTo };
  }
  reason ??= 'no cached certificate';
  const fresh = createSelfSignedCertificate({ dnsNames: names.dnsNames, ipAddresses: names.ipAddresses, now: names.now, days: DAYS });
  writeAtomically(keyPath, fresh.key);
  writeAtomically(certPath, fresh.cert);
  return { key: fresh.key, cert: fresh.cert, keyPath, certPath, created: true, reason, permissionsFixed: false, notAfter: fresh.notAfter };
}

function resolveOptions(dir: unknown, options: DevCertificateOptions | undefined): { names: ResolvedSelfSignedOptions; renewWithinDays: number } {
  const problems = new Problems();
  if (typeof dir !== 'string' || dir.length === 0) {
    problems.add('dir', `${show(dir)} is not a directory path.`, "pass a directory such as '.aegis' (it is created when missing).");
  }
  const opts = options ?? {};
  if (!checkObject(opts, KNOWN, problems, 'options', '{ renewWithinDays: 7 }')) problems.throwIfAny();
  let renewWithinDays = 7;
  if (opts.renewWithinDays !== undefined) {
    const raw: unknown = opts.renewWithinDays;
    if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0 && raw < DAYS) renewWithinDays = raw;
    else problems.add('renewWithinDays', `${show(raw)} is not a number of days from 0 to below ${DAYS} (a new certificate is valid for ${DAYS} days).`, 'write renewWithinDays: 7.');
  }
  let names: ResolvedSelfSignedOptions | undefined;
  try {
    names = resolveSelfSignedOptions({ dnsNames: opts.dnsNames, ipAddresses: opts.ipAddresses, now: opts.now });
  } catch (err) {
    if (!(err instanceof AegisConfigError)) throw err;
    for (const p of err.problems) problems.add(p.path, p.message, p.fix);
  }
  problems.throwIfAny();
  if (names === undefined) throw new Error('unreachable: option problems were thrown above');
  return { names, renewWithinDays };
}

/** The cached files, or why there are none. */
function readPair(keyPath: string, certPath: string): { key: string; cert: string } | string {
  const key = readIfPresent(keyPath);
  const cert = readIfPresent(certPath);
  if (key === undefined && cert === undefined) return 'no cached certificate';
  if (key === undefined) return `${KEY_FILE} is missing`;
  if (cert === undefined) return `${CERT_FILE} is missing`;
  return { key, cert };
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Why the cached pair cannot be used, or `undefined` when it can. */
function staleReason(key: string, cert: string, names: ResolvedSelfSignedOptions, renewWithinDays: number): string | undefined {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    return `${CERT_FILE} is not a readable certificate`;
  }
  try {
    if (!x509.checkPrivateKey(createPrivateKey(key))) return `${KEY_FILE} does not belong to ${CERT_FILE}`;
  } catch {
    return `${KEY_FILE} is not a readable private key for ${CERT_FILE}`;
  }
  const info = inspectCertificate(cert);
  const wanted = [...names.dnsNames, ...names.ipAddresses];
  const missing = wanted.filter((name) => !certificateCovers(info, name));
  if (missing.length > 0) return `the certificate does not cover ${missing.join(', ')}`;
  if (info.validFrom.getTime() > names.now.getTime()) return `the certificate is not valid before ${info.validFrom.toISOString()}`;
  const days = daysUntilExpiry(info, names.now);
  if (days <= 0) return `the certificate expired on ${info.validTo.toISOString()}`;
  if (days <= renewWithinDays) return `the certificate expires within ${renewWithinDays} days (${info.validTo.toISOString()})`;
  return undefined;
}

/** Resets a file readable or writable by group or others to 0600; true when it did. */
function tighten(path: string): boolean {
  if (process.platform === 'win32') return false;
  if ((statSync(path).mode & 0o077) === 0) return false;
  chmodSync(path, 0o600);
  return true;
}

function writeAtomically(path: string, data: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, data, { mode: 0o600, flag: 'wx' });
    chmodSync(temporary, 0o600); // `mode` above is filtered by the umask; this makes it exact
    renameSync(temporary, path);
  } catch (err) {
    rmSync(temporary, { force: true });
    throw err;
  }
}

/**
 * `mkdir -p` with mode 0700 for what it creates; true when `dir` was created. Written out because
 * Node's recursive mkdirSync never returns for some paths (a directory under /proc, where mkdir
 * keeps answering ENOENT); this walks up at most once per path component.
 */
function makeDirectory(dir: string): boolean {
  try {
    mkdirSync(dir, { mode: 0o700 });
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statSync(dir).isDirectory()) return false;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir || statSync(parent, { throwIfNoEntry: false })) throw error;
    makeDirectory(parent);
    mkdirSync(dir, { mode: 0o700 });
    return true;
  }
}
