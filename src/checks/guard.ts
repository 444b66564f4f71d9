import type { X509Certificate } from 'node:crypto';
import type { AegisPolicy } from '../core/policy.js';
import { certificateCovers } from '../tls/certificate-info.js';
import { runChecks, type Finding } from './catalogue.js';
import { processDebugFacts, type CertificateFacts, type CookieSettings, type CorsSettings, type DeploymentFacts, type SecretProblem, type TlsFacts } from './facts.js';
import { atLeast, formatFinding, paletteFor } from './report.js';
import { secretProblemsOf } from './secret-problems.js';

/** What the production guard needs to know about a deployment. */
export interface GuardInput {
  readonly policy: AegisPolicy;
  /** How TLS is provided (serve() fills this in; describe it when you call the guard yourself). */
  readonly tls: TlsFacts;
  readonly cookies?: CookieSettings;
  readonly cors?: CorsSettings;
  /** The application's configuration, from `loadConfig`: its secrets are checked. */
  readonly config?: object;
  /** Secret problems found another way (e.g. while loading a configuration schema); added to those of `config`. */
  readonly secretProblems?: readonly SecretProblem[];
  /** Other configuration problems found while loading a configuration schema. */
  readonly configProblems?: readonly SecretProblem[];
  /** The application runs in debug mode. */
  readonly debug?: boolean;
  readonly now?: Date;
  readonly env?: NodeJS.ProcessEnv;
  readonly execArgv?: readonly string[];
}

/** Thrown (or printed before exit 1) when a production start is refused. */
export class AegisProductionError extends Error {
  override readonly name = 'AegisProductionError';
  constructor(readonly findings: readonly Finding[]) {
    super(formatRefusal(findings, false));
  }
}

/** The certificate facts the checks need, for the hosts of a policy. */
export function certificateFacts(certificate: X509Certificate, hosts: readonly string[] | false): CertificateFacts {
  return {
    validTo: new Date(certificate.validTo),
    selfSigned: certificate.issuer === certificate.subject && certificate.verify(certificate.publicKey),
    uncoveredHosts: hosts === false ? [] : hosts.filter((host) => !certificateCovers(certificate, host)),
  };
}

/** Every finding for a deployment, whatever the profile. */
export function deploymentFindings(input: GuardInput): Finding[] {
  const policy = input.policy.describe();
  const facts: DeploymentFacts = {
    policy,
    tls: input.tls,
    // The policy's own sessions and CORS, unless the application declares its own cookies and CORS.
    cookies: input.cookies ?? (policy.sessions ? { secure: policy.sessions.secure, httpOnly: true } : undefined),
    cors: input.cors ?? (policy.cors ? { origins: policy.cors.origins.includes('*') ? '*' : policy.cors.origins, credentials: policy.cors.credentials } : undefined),
    secretProblems: [...(input.secretProblems ?? []), ...(input.config ? secretProblemsOf(input.config) : [])],
    configProblems: input.configProblems ?? [],
    debug: processDebugFacts(input.debug ?? false, input.env, input.execArgv),
    now: input.now ?? new Date(),
  };
  return runChecks(facts);
}

function formatRefusal(errors: readonly Finding[], colour: boolean): string {
  const palette = paletteFor({ isTTY: colour });
  const lines = errors.map((finding) => `  ${formatFinding(finding, palette).replace(/\n/g, '\n  ')}`);
  const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
  return `Aegis refuses to start in production (${count}):\n${lines.join('\n')}\nRun \`npx aegis check\` for the full report.`;
}

/**
 * Refuses a production start that is not safe: TLS absent without a trusted proxy, debugging on,
 * cookies not Secure, CORS `*` with credentials, a weak secret, HSTS off, an expired or mismatched
 * certificate. Prints every problem with its fix and exits 1 (or, with `exit: false`, throws
 * {@link AegisProductionError}). Outside the production profile it does nothing.
 */
export function assertProductionReady(input: GuardInput, options: { exit?: boolean } = {}): void {
  if (input.policy.profile !== 'production') return;
  const errors = atLeast(deploymentFindings(input), 'error');
  if (errors.length === 0) return;
  if (options.exit === false) throw new AegisProductionError(errors);
  process.stderr.write(`${formatRefusal(errors, process.stderr.isTTY === true)}\n`);
  process.exit(1);
}
