import type { Finding, Severity } from '../../checks/catalogue.js';
import { deploymentFindings } from '../../checks/guard.js';
import type { CookieSettings, CorsSettings } from '../../checks/facts.js';
import { atLeast, formatFinding, summarise } from '../../checks/report.js';
import type { AegisConfigError } from '../../core/config-error.js';
import type { AegisPolicy } from '../../core/policy.js';
import { PROFILES, type Profile } from '../../core/profile.js';
import { colours, CommandFailure, oneOf, parseOptions, type CommandIo } from '../io.js';
import { describeLoadError, importPolicyModule, isAegisConfigError, locatePolicyModule, policyFromModule, type PolicyExports } from '../policy-module.js';
import { configProblemsFromModule } from '../secret-check.js';
import { tlsFactsOf } from '../tls-facts.js';

export const CHECK_HELP = `Usage: aegis check [--env production] [--policy <file>] [--json] [--fail-on warning]

Loads the application's policy module and the environment, runs every deploy check and prints
each finding with its id (see docs/checks.md), severity, what is wrong and how to fix it.

Options:
  --env <profile>      profile to check: production (default), test or development
  --policy <file>      the policy module (.js, .mjs, .cjs, .ts, .mts, .cts); default: the first
                       of aegis.policy.js, .mjs, .cjs, .ts, .mts, .cts in the current directory.
                       It exports \`policy\` (or a default export): an Aegis policy or its
                       options; and optionally \`serve\` (serve options: tls, redirectPort),
                       \`config\` (a loadConfig schema or a loaded config), \`cookies\`, \`cors\`,
                       \`debug\`.
  --json               print the findings as JSON
  --fail-on <level>    exit 1 when a finding is at least: error, warning (default) or info;
                       never: exit 0 whatever the findings
  -h, --help           show this help

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it, or a policy module
that fails to load; 2 usage error (bad option, policy file not found, no policy exported).
`;

const FAIL_ON = ['error', 'warning', 'info', 'never'] as const;
type FailOn = (typeof FAIL_ON)[number];

/** The exports a policy module may have. */
interface PolicyModule extends PolicyExports {
  serve?: unknown;
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
  const profile = oneOf(PROFILES, values.env, '--env');
  const failOn = oneOf(FAIL_ON, values['fail-on'], '--fail-on');
  const file = locatePolicyModule(io.cwd, values.policy);

  const env = { ...io.env, AEGIS_ENV: profile };
  const findings = await collectFindings(file, env, io.cwd);
  if (values.json) io.stdout.write(`${JSON.stringify({ env: profile, policy: file, findings, summary: counts(findings) }, null, 2)}\n`);
  else printText(io, file, profile, findings);
  return failing(findings, failOn).length > 0 ? 1 : 0;
}

function failing(findings: readonly Finding[], failOn: FailOn): Finding[] {
  return failOn === 'never' ? [] : atLeast(findings, failOn as Severity);
}

/**
 * Imports the module. An AegisConfigError thrown while it loads is a finding (AEGIS-E000); any
 * other failure (a syntax error, an exception) means the check could not run: exit 1.
 */
async function loadModule(file: string, env: NodeJS.ProcessEnv): Promise<PolicyModule | Finding[]> {
  try {
    return (await importPolicyModule(file, env)) as PolicyModule;
  } catch (error) {
    if (isAegisConfigError(error)) return policyInvalid(error);
    throw new CommandFailure(`could not load ${file}: ${describeLoadError(error)}`);
  }
}

async function collectFindings(file: string, env: NodeJS.ProcessEnv, cwd: string): Promise<Finding[]> {
  const exported = await loadModule(file, env);
  if (Array.isArray(exported)) return exported;
  let policy: AegisPolicy;
  try {
    policy = policyFromModule(exported, env);
  } catch (error) {
    if (isAegisConfigError(error)) return policyInvalid(error);
    throw error;
  }
  const config = configProblemsFromModule(exported.config, policy.profile, env);
  return deploymentFindings({
    policy,
    tls: tlsFactsOf(exported.serve, policy, env, cwd),
    cookies: exported.cookies,
    cors: exported.cors,
    debug: exported.debug,
    secretProblems: config.secrets,
    configProblems: config.other,
    env,
    execArgv: [],
  });
}

/** One AEGIS-E000 finding per problem of the configuration error. */
function policyInvalid(error: AegisConfigError): Finding[] {
  return error.problems.map((problem) => ({ id: 'AEGIS-E000', severity: 'error', title: 'policy invalid', message: `${problem.path}: ${problem.message}`, fix: problem.fix }));
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
