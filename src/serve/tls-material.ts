import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';

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

/** A certificate problem, phrased for an operator: names the file, never a passphrase or key. */
export class TlsMaterialError extends Error {
  override readonly name = 'TlsMaterialError';
}

/** The environment variable read for a PFX passphrase unless another is named. */
export const DEFAULT_PASSPHRASE_ENV = 'AEGIS_TLS_PASSPHRASE';

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable by this process' : `cannot be read (${code ?? 'error'})`;
    throw new TlsMaterialError(`The ${what} file ${path} ${reason}.`);
  }
}

/** Reads and checks a certificate source. Throws TlsMaterialError with an operator-facing message. */
export function readTlsMaterial(source: TlsSource, env: NodeJS.ProcessEnv = process.env): TlsMaterial {
  if ('pfx' in source) return readPfx(source.pfx, source.passphraseEnv ?? DEFAULT_PASSPHRASE_ENV, env);
  const cert = read(source.cert, 'certificate');
  const key = read(source.key, 'private key');
  const ca = source.ca === undefined ? undefined : read(source.ca, 'CA bundle');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw new TlsMaterialError(`The certificate file ${source.cert} does not contain a PEM certificate.`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new TlsMaterialError(`The private key file ${source.key} does not contain an unencrypted PEM private key.`);
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new TlsMaterialError(`The private key in ${source.key} does not belong to the certificate in ${source.cert}.`);
  }
  const options: SecureContextOptions = ca ? { cert, key, ca } : { cert, key };
  createSecureContext(options); // OpenSSL's own checks, before a server depends on it
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
