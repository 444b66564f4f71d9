import { resolve } from 'node:path';
import type { TlsFacts } from '../checks/facts.js';
import { certificateFacts } from '../checks/guard.js';
import type { AegisPolicy } from '../core/policy.js';
import { assertTlsSource, readTlsMaterial, TlsMaterialError, type TlsMaterial, type TlsSource } from './tls-material.js';

/** The `certificate` kind of {@link TlsFacts}. */
export type CertificateTlsFacts = TlsFacts & { kind: 'certificate' };

/** How TLS is provided with `tls: false`: by a proxy when the policy trusts one, otherwise not at all. */
export function plainHttpFacts(policy: AegisPolicy): TlsFacts {
  return policy.describe().proxy === false ? { kind: 'none' } : { kind: 'proxy' };
}

/** Options for {@link readCertificate}. */
export interface ReadCertificateOptions {
  /** Where the passphrase variable is read. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Directory relative paths are resolved against. Default `process.cwd()`. */
  readonly cwd?: string;
}

/**
 * Reads a `tls` option (`{ cert, key, ca? }` or `{ pfx, passphraseEnv? }`) the way serve() and
 * `aegis check` both need it: the material when it can be used, and the facts the deploy checks
 * look at — the certificate's expiry and names, or the problem that stopped it (naming the option
 * or the file, never a passphrase) with its fix.
 */
export function readCertificate(tls: unknown, policy: AegisPolicy, options: ReadCertificateOptions = {}): { material?: TlsMaterial; source?: TlsSource; facts: CertificateTlsFacts } {
  let source: TlsSource | undefined;
  try {
    source = resolvePaths(tls, options.cwd ?? process.cwd());
    const material = readTlsMaterial(source, options.env);
    const certificate = material.certificate ? certificateFacts(material.certificate, policy.describe().hosts) : undefined;
    return { material, source, facts: { kind: 'certificate', source: material.source, certificateFile: certificateFileOf(source), ...(certificate && { certificate }) } };
  } catch (error) {
    if (!(error instanceof TlsMaterialError)) throw error;
    return { source, facts: { kind: 'certificate', source: source ? certificateFileOf(source) : 'serve.tls', error: error.message, fix: error.fix } };
  }
}

/** The `tls` option with its paths resolved against `cwd`, after its shape is checked. */
function resolvePaths(tls: unknown, cwd: string): TlsSource {
  assertTlsSource(tls);
  if ('pfx' in tls) return { ...tls, pfx: resolve(cwd, tls.pfx) };
  return { ...tls, cert: resolve(cwd, tls.cert), key: resolve(cwd, tls.key), ...(tls.ca && { ca: resolve(cwd, tls.ca) }) };
}

function certificateFileOf(source: TlsSource): string {
  return 'pfx' in source ? source.pfx : source.cert;
}
