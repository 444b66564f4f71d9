import { resolve } from 'node:path';
import type { Finding, Severity } from '../../checks/catalogue.js';
import { certificateFacts, deploymentFindings } from '../../checks/guard.js';
import type { CookieSettings, CorsSettings, TlsFacts } from '../../checks/facts.js';
import { atLeast, formatFinding, summarise } from '../../checks/report.js';
import { AegisConfigError } from '../../core/config-error.js';
import { aegis, isAegisPolicy, type AegisPolicy } from '../../core/policy.js';
import { PROFILES, type Profile } from '../../core/profile.js';
import type { ServeOptions } from '../../serve/serve-options.js';
import { readTlsMaterial, TlsMaterialError } from '../../serve/tls-material.js';
import { colours, parseOptions, UsageError, type CommandIo } from '../io.js';
import { findPolicyModule, importPolicyModule } from '../policy-module.js';
import { configProblemsFromModule } from '../secret-check.js';

export const CHECK_HELP = `Usage: aegis check [--env production] [--policy <file>] [--json] [--fail-on warning]

Loads the application's policy module and the environment, runs every deploy check and prints
each finding with its id (see docs/checks.md), severity, what is wrong and how to fix it.

Options:
  --env <profile>      profile to check: production (default), test or development
  --policy <file>      the policy module (.js, .mjs, .cjs, .ts); default: aegis.policy.* in the
                       current directory. It exports \`policy\` (or a default export): an Aegis
                       policy or its options; and optionally \`serve\` (serve options: tls),
                       \`config\` (a loadConfig schema or a loaded config), \`cookies\`, \`cors\`.
  --json               print the findings as JSON
  --fail-on <level>    exit 1 when a finding is at least: error, warning (default), info; or never
  -h, --help           show this help

Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage error.
`;

const FAIL_ON = ['error', 'warning', 'info', 'never'] as const;

/** The exports a policy module may have. */
interface PolicyModule {
  policy?: unknown;
  default?: unknown;
  serve?: ServeOptions;
  config?: unknown;
  cookies?: CookieSettings;
  cors?: CorsSettings;
  debug?: boolean;
}

/** `aegis check`. */
export async function runCheck(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(args, {
    env: { type: 'string', default: 'production' },
    policy: { type: 'string' },
    json: { type: 'boolean', default: false },
    'fail-on': { type: 'string', default: 'warning' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    io.stdout.write(CHECK_HELP);
    return 0;
  }
  const profile = values.env as Profile;
  if (!PROFILES.includes(profile)) throw new UsageError(`--env must be one of ${PROFILES.join(', ')}, not "${values.env}".`);
  const failOn = values['fail-on'] as (typeof FAIL_ON)[number];
  if (!FAIL_ON.includes(failOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, not "${values['fail-on']}".`);
  const file = values.policy ? resolve(io.cwd, values.policy) : findPolicyModule(io.cwd);
  if (!file) throw new UsageError(`no policy module: pass --policy <file>, or create aegis.policy.js (or .mjs, .cjs, .ts) in ${io.cwd}.`);

  const env = { ...io.env, AEGIS_ENV: profile };
  const findings = await collectFindings(file, env, io.cwd);
  const failing = failOn === 'never' ? [] : atLeast(findings, failOn as Severity);
  if (values.json) io.stdout.write(`${JSON.stringify({ env: profile, policy: file, findings, summary: counts(findings) }, null, 2)}\n`);
  else printText(io, file, profile, findings);
  return failing.length > 0 ? 1 : 0;
}

async function collectFindings(file: string, env: NodeJS.ProcessEnv, cwd: string): Promise<Finding[]> {
  let exported: PolicyModule;
  try {
    exported = (await importPolicyModule(file, env)) as PolicyModule;
  } catch (error) {
    if (isConfigError(error)) return error.problems.map((problem) => policyInvalid(`${problem.path}: ${problem.message}`, problem.fix));
    throw new UsageError(`could not load ${file}: ${(error as Error).message}`);
  }
  let policy: AegisPolicy;
  try {
    policy = toPolicy(exported, env);
  } catch (error) {
    if (error instanceof AegisConfigError) return error.problems.map((problem) => policyInvalid(`${problem.path}: ${problem.message}`, problem.fix));
    throw error;
  }
  const config = configProblemsFromModule(exported.config, policy.profile, env);
  return deploymentFindings({
    policy,
    tls: tlsFacts(exported, policy, env, cwd),
    cookies: exported.cookies,
    cors: exported.cors,
    debug: exported.debug,
    secretProblems: config.secrets,
    configProblems: config.other,
    env,
    execArgv: [],
  });
}

function toPolicy(exported: PolicyModule, env: NodeJS.ProcessEnv): AegisPolicy {
  const candidate = exported.policy ?? exported.default;
  if (isAegisPolicy(candidate)) return candidate;
  if (typeof candidate === 'object' && candidate !== null) {
    const previous = process.env.AEGIS_ENV;
    process.env.AEGIS_ENV = env.AEGIS_ENV;
    try {
      return aegis({ quiet: true, ...(candidate as object) });
    } finally {
      if (previous === undefined) delete process.env.AEGIS_ENV;
      else process.env.AEGIS_ENV = previous;
    }
  }
  throw new UsageError('the policy module exports no policy: export `policy` (from aegis()) or its options, or a default export.');
}

function tlsFacts(exported: PolicyModule, policy: AegisPolicy, env: NodeJS.ProcessEnv, cwd: string): TlsFacts {
  if (exported.serve === undefined) return { kind: 'unknown' };
  const { tls } = exported.serve;
  if (tls === false) return policy.describe().proxy === false ? { kind: 'none' } : { kind: 'proxy' };
  if (tls === undefined) return policy.profile === 'production' ? { kind: 'none' } : { kind: 'unknown' };
  const source = 'pfx' in tls ? { ...tls, pfx: resolve(cwd, tls.pfx) } : { ...tls, cert: resolve(cwd, tls.cert), key: resolve(cwd, tls.key), ...(tls.ca && { ca: resolve(cwd, tls.ca) }) };
  try {
    const material = readTlsMaterial(source, env);
    const certificate = material.certificate ? certificateFacts(material.certificate, policy.describe().hosts) : undefined;
    return { kind: 'certificate', source: material.source, ...(certificate && { certificate }) };
  } catch (error) {
    if (error instanceof TlsMaterialError) return { kind: 'certificate', source: 'pfx' in source ? source.pfx : source.cert, error: error.message };
    throw error;
  }
}

/**
 * An AegisConfigError from this copy of Aegis or another: a CommonJS policy module that
 * `require('aegis')`s throws the CommonJS build's class, which `instanceof` does not recognise.
 */
function isConfigError(error: unknown): error is AegisConfigError {
  return error instanceof AegisConfigError || (error instanceof Error && error.name === 'AegisConfigError' && Array.isArray((error as { problems?: unknown }).problems));
}

function policyInvalid(message: string, fix: string): Finding {
  return { id: 'AEGIS-E000', severity: 'error', title: 'policy invalid', message, fix };
}

function counts(findings: readonly Finding[]) {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    info: findings.filter((f) => f.severity === 'info').length,
  };
}

function printText(io: CommandIo, file: string, profile: Profile, findings: readonly Finding[]): void {
  const palette = colours(io);
  io.stdout.write(`aegis check: ${file} (${profile})\n`);
  for (const finding of findings) io.stdout.write(`${formatFinding(finding, palette)}\n`);
  io.stdout.write(findings.length === 0 ? 'No findings.\n' : `${summarise(findings)}.\n`);
}
