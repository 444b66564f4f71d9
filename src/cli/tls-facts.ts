import type { TlsFacts } from '../checks/facts.js';
import { show } from '../core/config-error.js';
import type { AegisPolicy } from '../core/policy.js';
import type { ServeOptions } from '../serve/serve-options.js';
import { plainHttpFacts, readCertificate } from '../serve/tls-facts.js';
import { UsageError } from './io.js';

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
  if (tls === false) return plainHttpFacts(policy);
  if (tls === undefined) return policy.profile === 'production' ? { kind: 'none' } : { kind: 'unknown' };
  const { facts } = readCertificate(tls, policy, { env, cwd });
  return redirectPort === false ? { ...facts, redirectListener: false } : facts;
}
