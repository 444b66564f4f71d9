import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { show } from '../core/config-error.js';

/** Where the certificate comes from: PEM files, or a PKCS#12 bundle whose passphrase is in an environment variable. */
export type TlsSource =
  | { readonly cert: string; readonly key: string; readonly ca?: string }
  | { readonly pfx: string; readonly passphraseEnv?: string };

/** Certificate and key, read and checked, ready for a TLS server. */
export interface TlsMaterial {
  /** `key`/`cert` or `pfx`/`passphrase`, for `createSecureContext` and `setSecureContext`. */
  readonly options: SecureContextOptions;
  /** The leaf certificate, for expiry and name checks. */
  readonly certificate: X509Certificate | undefined;
  /** The files to watch for reloads. */
  readonly files: readonly string[];
  /** A description for messages (`cert.pem + key.pem`, `bundle.pfx`). */
  readonly source: string;
}

/** What to do about most certificate problems. */
export const TLS_MATERIAL_FIX = 'fix the certificate files or the passphrase variable named above.';

/** What to write when the `tls` option itself is malformed. */
export const TLS_OPTION_FIX = "give tls: { cert: '/path/to/cert.pem', key: '/path/to/key.pem' } (PEM files), or tls: { pfx: '/path/to/bundle.pfx' } for a PKCS#12 bundle (its passphrase in AEGIS_TLS_PASSPHRASE, or the variable named by passphraseEnv).";

/**
 * A certificate problem, phrased for an operator: names the file (and, for a bundle, the
 * passphrase variable), never a passphrase or key. `fix` says what to do about it.
 */
export class TlsMaterialError extends Error {
  override readonly name = 'TlsMaterialError';
  /** What to do, for a report (defaults to {@link TLS_MATERIAL_FIX}). */
  readonly fix: string;

  constructor(message: string, fix: string = TLS_MATERIAL_FIX) {
    super(message);
    this.fix = fix;
  }
}

/** The environment variable read for a PFX passphrase unless another is named. */
export const DEFAULT_PASSPHRASE_ENV = 'AEGIS_TLS_PASSPHRASE';

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable by this process' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'error'})`;
    throw new TlsMaterialError(`The ${what} file ${path} ${reason}.`);
  }
}

/** What is wrong with one path field of the `tls` option, if anything. */
function pathProblem(tls: Record<string, unknown>, field: string, required: boolean): string | undefined {
  const value = tls[field];
  if (value === undefined || value === null || value === '') return required ? `serve.tls.${field} is not set` : undefined;
  return typeof value === 'string' ? undefined : `serve.tls.${field} is ${show(value)}, not a file path`;
}

/** The problems of a `tls` option's shape (untyped input: a policy module is often JavaScript). */
function shapeProblems(tls: unknown): string[] {
  if (typeof tls !== 'object' || tls === null || Array.isArray(tls)) return [`serve.tls is ${show(tls)}, not { cert, key }, { pfx } or false`];
  const fields = tls as Record<string, unknown>;
  if ('pfx' in fields && fields.pfx !== undefined) {
    const mixed = ['cert', 'key', 'ca'].filter((field) => fields[field] !== undefined);
    return defined([
      pathProblem(fields, 'pfx', true),
      passphraseEnvProblem(fields.passphraseEnv),
      mixed.length > 0 ? `serve.tls has both pfx and ${mixed.join(', ')}: a PKCS#12 bundle already holds the certificate and key` : undefined,
    ]);
  }
  return defined([pathProblem(fields, 'cert', true), pathProblem(fields, 'key', true), pathProblem(fields, 'ca', false)]);
}

function passphraseEnvProblem(value: unknown): string | undefined {
  return value === undefined || (typeof value === 'string' && value !== '') ? undefined : `serve.tls.passphraseEnv is ${show(value)}, not an environment variable name`;
}

const defined = (problems: ReadonlyArray<string | undefined>): string[] => problems.filter((problem): problem is string => problem !== undefined);

/**
 * Checks the shape of a `tls` option before any file is read: PEM files need both `cert` and
 * `key` paths, a bundle needs `pfx`, and the two kinds do not mix.
 * @throws TlsMaterialError naming each option at fault (`serve.tls.cert is not set.`), with the fix.
 */
export function assertTlsSource(tls: unknown): asserts tls is TlsSource {
  const problems = shapeProblems(tls);
  if (problems.length > 0) throw new TlsMaterialError(`${problems.join('; ')}.`, TLS_OPTION_FIX);
}

/** OpenSSL's reason, without its error code and library name (`key values mismatch`). */
function openSslReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split(':').pop()?.trim() || message;
}

function parseCertificate(cert: Buffer, path: string): X509Certificate {
  try {
    return new X509Certificate(cert);
  } catch {
    throw new TlsMaterialError(`The certificate file ${path} does not contain a PEM certificate.`);
  }
}

function parsePrivateKey(key: Buffer, path: string): KeyObject {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(key.toString('latin1'))) {
    throw new TlsMaterialError(
      `The private key file ${path} is encrypted: Aegis reads unencrypted PEM keys.`,
      `decrypt it (openssl pkey -in ${path} -out key.pem) and keep the result readable by this user only (chmod 600), or use a PKCS#12 bundle with its passphrase in an environment variable.`,
    );
  }
  try {
    return createPrivateKey(key);
  } catch {
    throw new TlsMaterialError(`The private key file ${path} does not contain an unencrypted PEM private key.`);
  }
}

/** Runs `createSecureContext`; an OpenSSL refusal becomes a TlsMaterialError with `message(reason)`. */
function openSslCheck(options: SecureContextOptions, message: (reason: string) => string): void {
  try {
    createSecureContext(options);
  } catch (error) {
    throw new TlsMaterialError(message(openSslReason(error)));
  }
}

/**
 * OpenSSL's own checks, before a server depends on the files: the certificate chain alone, the key
 * alone, then all together, so the message names the file at fault.
 */
function checkWithOpenSsl(options: { cert: Buffer; key: Buffer; ca?: Buffer }, source: { cert: string; key: string; ca?: string }): void {
  openSslCheck({ cert: options.cert }, (reason) => `The certificate file ${source.cert} was refused by OpenSSL (${reason}): it must hold only PEM certificates, the server's first.`);
  openSslCheck({ key: options.key }, (reason) => `The private key file ${source.key} was refused by OpenSSL (${reason}).`);
  const files = source.ca === undefined ? `The certificate in ${source.cert} and the private key in ${source.key}` : `The certificate in ${source.cert}, the private key in ${source.key} and the CA bundle in ${source.ca}`;
  openSslCheck(options, (reason) =>
    reason === 'key values mismatch' ? `The private key in ${source.key} does not belong to the certificate in ${source.cert}.` : `${files} were refused together by OpenSSL (${reason}).`,
  );
}

/** Reads and checks a certificate source. Throws TlsMaterialError with an operator-facing message. */
export function readTlsMaterial(source: TlsSource, env: NodeJS.ProcessEnv = process.env): TlsMaterial {
  assertTlsSource(source);
  if ('pfx' in source) return readPfx(source.pfx, source.passphraseEnv ?? DEFAULT_PASSPHRASE_ENV, env);
  const cert = read(source.cert, 'certificate');
  const key = read(source.key, 'private key');
  const ca = source.ca === undefined ? undefined : read(source.ca, 'CA bundle');
  const certificate = parseCertificate(cert, source.cert);
  if (!certificate.checkPrivateKey(parsePrivateKey(key, source.key))) {
    throw new TlsMaterialError(`The private key in ${source.key} does not belong to the certificate in ${source.cert}.`);
  }
  const options = ca ? { cert, key, ca } : { cert, key };
  checkWithOpenSsl(options, source);
  return { options, certificate, files: [source.cert, source.key, ...(source.ca ? [source.ca] : [])], source: `${source.cert} + ${source.key}` };
}

function readPfx(path: string, passphraseEnv: string, env: NodeJS.ProcessEnv): TlsMaterial {
  const pfx = read(path, 'PKCS#12');
  const passphrase = env[passphraseEnv];
  if (passphrase === undefined) {
    throw new TlsMaterialError(`The PKCS#12 bundle ${path} needs its passphrase in the environment variable ${passphraseEnv}, which is not set.`);
  }
  let context;
  try {
    context = createSecureContext({ pfx, passphrase });
  } catch {
    throw new TlsMaterialError(`The PKCS#12 bundle ${path} could not be opened with the passphrase in ${passphraseEnv}: wrong passphrase, or not a PKCS#12 file.`);
  }
  return { options: { pfx, passphrase }, certificate: leafOf(context), files: [path], source: path };
}

/** The leaf certificate of a secure context (Node keeps it; there is no public accessor). */
function leafOf(context: ReturnType<typeof createSecureContext>): X509Certificate | undefined {
  try {
    const der = (context.context as { getCertificate?: () => Buffer | null }).getCertificate?.();
    return der ? new X509Certificate(der) : undefined;
  } catch {
    return undefined;
  }
}
