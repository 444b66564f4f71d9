import { resolve } from 'node:path';
import { certificateFacts } from '../checks/guard.js';
import type { TlsFacts } from '../checks/facts.js';
import { show } from '../core/config-error.js';
import type { AegisPolicy } from '../core/policy.js';
import type { ServeOptions } from '../serve/serve-options.js';
import { assertTlsSource, readTlsMaterial, TlsMaterialError, type TlsSource } from '../serve/tls-material.js';
import { UsageError } from './io.js';

/** The `tls` option with its paths resolved against `cwd` (after its shape is checked). */
function resolveSource(tls: unknown, cwd: string): TlsSource {
  assertTlsSource(tls);
  if ('pfx' in tls) return { ...tls, pfx: resolve(cwd, tls.pfx) };
  return { ...tls, cert: resolve(cwd, tls.cert), key: resolve(cwd, tls.key), ...(tls.ca && { ca: resolve(cwd, tls.ca) }) };
}

/** The certificate facts of a `tls` option: read and checked, or the problem that stopped it. */
function certificateTlsFacts(tls: unknown, policy: AegisPolicy, env: NodeJS.ProcessEnv, cwd: string): TlsFacts & { kind: 'certificate' } {
  let source: TlsSource | undefined;
  try {
    source = resolveSource(tls, cwd);
    const material = readTlsMaterial(source, env);
    const certificate = material.certificate ? certificateFacts(material.certificate, policy.describe().hosts) : undefined;
    return { kind: 'certificate', source: material.source, certificateFile: certificateFileOf(source), ...(certificate && { certificate }) };
  } catch (error) {
    if (!(error instanceof TlsMaterialError)) throw error;
    return { kind: 'certificate', source: source ? certificateFileOf(source) : 'serve.tls', error: error.message, fix: error.fix };
  }
}

function certificateFileOf(source: TlsSource): string {
  return 'pfx' in source ? source.pfx : source.cert;
}

/**
 * How a policy module's `serve` export provides TLS, for the deploy checks: nothing exported is
 * `unknown`; `tls: false` is a proxy when the policy trusts one; no `tls` in production is none (as
 * serve() would refuse); a certificate is read and checked like serve() does, relative paths
 * against `cwd`. `redirectPort: false` is recorded, for AEGIS-W004.
 */
export function tlsFactsOf(serve: unknown, policy: AegisPolicy, env: NodeJS.ProcessEnv, cwd: string): TlsFacts {
  if (serve === undefined) return { kind: 'unknown' };
  if (typeof serve !== 'object' || serve === null) throw new UsageError(`the policy module's \`serve\` export is ${show(serve)}: export the serve options object ({ tls, redirectPort, … }), or nothing.`);
  const { tls, redirectPort } = serve as ServeOptions;
  if (tls === false) return policy.describe().proxy === false ? { kind: 'none' } : { kind: 'proxy' };
  if (tls === undefined) return policy.profile === 'production' ? { kind: 'none' } : { kind: 'unknown' };
  const facts = certificateTlsFacts(tls, policy, env, cwd);
  return redirectPort === false ? { ...facts, redirectListener: false } : facts;
}
