import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PolicySummary } from '../../core/policy.js';
import { PROFILES, type Profile } from '../../core/profile.js';
import { formatCsrfAudit, type CsrfExemptionAuditRow } from '../../csrf/audit.js';
import { colours, CommandFailure, oneOf, parseOptions, type CommandIo } from '../io.js';
import { isAegisConfigError, loadExpectedPolicy, locatePolicyModule } from '../policy-module.js';

export const AUDIT_CSRF_HELP = `Usage: aegis audit csrf [--policy <file>] [--env production] [--format text|json] [-o <file>]

Loads the policy module and lists every CSRF exemption: its methods, path or route, the reason it
skips the CSRF check, and the protection that replaces it (protectedBy). An exemption that declares
no replacement protection is flagged UNPROTECTED, and so is a policy with csrf: false.

Options:
  --policy <file>      the policy module, as for aegis check; default: the first of
                       aegis.policy.js, .mjs, .cjs, .ts, .mts, .cts in the current directory
  --env <profile>      the profile the policy is built for: production (default), test or
                       development (AEGIS_ENV while the module loads)
  --format <format>    text (default) or json: { csrf: { enabled, tokenRequired, trustedOrigins,
                       allowSameSite }, exemptions: [{ index, path | route, methods, reason,
                       protectedBy, unprotected }], unprotected }
  -o, --output <file>  write the report to <file> instead of stdout
  -h, --help           show this help

Colour only on a terminal and never with NO_COLOR.
Exit codes: 0 CSRF on and every exemption declares protectedBy (or there are none); 1 an exemption
without protectedBy, or csrf: false; 2 usage error, policy module not found, failing to load or
exporting no policy, or an invalid policy (each problem listed with its fix).
`;

const FORMATS = ['text', 'json'] as const;

/**
 * The JSON report of `aegis audit csrf` (`--format json`). Stable: fields are only ever added.
 * With `csrf: false`, `csrf.enabled` is false, the other settings are `false`/`[]`, and
 * `exemptions` is empty; the command still exits 1.
 */
export interface CsrfAuditReport {
  readonly csrf: {
    /** False when the policy sets `csrf: false`: no route is checked. */
    readonly enabled: boolean;
    /** True when the policy has sessions: unsafe requests need the token besides the Fetch Metadata/Origin check. */
    readonly tokenRequired: boolean;
    /** Origins trusted besides the request's own, serialised (`https://admin.example.com`). */
    readonly trustedOrigins: readonly string[];
    /** True when `Sec-Fetch-Site: same-site` requests are accepted. */
    readonly allowSameSite: boolean;
  };
  /** Every exemption, in policy order (`index` is its position in `csrf.exemptions`). */
  readonly exemptions: readonly CsrfExemptionAuditRow[];
  /** How many exemptions declare no replacement protection (`protectedBy: null`). */
  readonly unprotected: number;
}

/** The report for a policy's `describe().csrf`. */
export function csrfAuditReport(summary: PolicySummary['csrf']): CsrfAuditReport {
  if (summary === false) return { csrf: { enabled: false, tokenRequired: false, trustedOrigins: [], allowSameSite: false }, exemptions: [], unprotected: 0 };
  const { tokenRequired, trustedOrigins, allowSameSite, exemptions } = summary;
  return { csrf: { enabled: true, tokenRequired, trustedOrigins, allowSameSite }, exemptions, unprotected: exemptions.filter((row) => row.unprotected).length };
}

/** 1 when something is flagged (CSRF off, or an exemption without replacement protection), else 0. */
export function csrfAuditExitCode(report: CsrfAuditReport): number {
  return !report.csrf.enabled || report.unprotected > 0 ? 1 : 0;
}

/** `aegis audit csrf`. */
export async function runAuditCsrf(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(args, {
    policy: { type: 'string' },
    env: { type: 'string', default: 'production' },
    format: { type: 'string', default: 'text' },
    output: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    io.stdout.write(AUDIT_CSRF_HELP);
    return 0;
  }
  const profile = oneOf(PROFILES, values.env, '--env');
  const format = oneOf(FORMATS, values.format, '--format');
  const file = locatePolicyModule(io.cwd, values.policy);

  let summary: PolicySummary['csrf'];
  try {
    summary = (await loadExpectedPolicy(file, { ...io.env, AEGIS_ENV: profile })).describe().csrf;
  } catch (error) {
    if (!(error instanceof CommandFailure)) throw error;
    io.stderr.write(`aegis audit csrf: ${cannotAudit(file, error)}\n`);
    return 2;
  }

  const report = csrfAuditReport(summary);
  const toFile = values.output !== undefined;
  const flag = toFile ? undefined : colours(io).error;
  const text = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatText(report, file, profile, flag);
  if (!toFile) io.stdout.write(text);
  else {
    const target = resolve(io.cwd, values.output as string);
    writeFileSync(target, text);
    io.stderr.write(`aegis audit csrf: ${format} report written to ${target}\n`);
  }
  return csrfAuditExitCode(report);
}

/** Why nothing was audited: an invalid policy with each problem and its fix, or the load failure. */
function cannotAudit(file: string, failure: CommandFailure): string {
  if (!isAegisConfigError(failure.cause)) return failure.message;
  const { problems } = failure.cause;
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((problem) => `  - ${problem.path}: ${problem.message}\n    Fix: ${problem.fix}`);
  return `${file}: invalid policy (${count}), nothing audited:\n${lines.join('\n')}`;
}

/** The text report: the module and profile, the CSRF settings, then every exemption (formatCsrfAudit). */
function formatText(report: CsrfAuditReport, file: string, profile: Profile, flag: ((text: string) => string) | undefined): string {
  const mark = flag ?? ((text: string) => text);
  const head = `aegis audit csrf: ${file} (${profile})\n`;
  if (!report.csrf.enabled) {
    return `${head}CSRF protection is OFF for every route (csrf: false)  ${mark('UNPROTECTED')}\nEvery route accepts cross-site unsafe requests: remove csrf: false, and exempt only the routes that need it, each with a reason and protectedBy.\n`;
  }
  const { tokenRequired, trustedOrigins, allowSameSite } = report.csrf;
  const layers = tokenRequired ? 'Fetch Metadata/Origin check and session token' : 'Fetch Metadata/Origin check only (no sessions, so no token)';
  const origins = trustedOrigins.length === 0 ? 'none' : trustedOrigins.join(', ');
  const settings = `CSRF on: ${layers}; trusted origins: ${origins}; same-site origins: ${allowSameSite ? 'allowed' : 'refused'}\n`;
  return `${head}${settings}\n${formatCsrfAudit(report.exemptions, flag ? { flag } : {})}`;
}
