import { UsageError, type CommandIo } from '../io.js';
import { runAuditCsrf } from './audit-csrf.js';

export const AUDIT_HELP = `Usage: aegis audit <subcommand> [options]

Audits what a policy module declares, without running the application.

Subcommands:
  csrf     every CSRF exemption with its reason and the protection that replaces it; flags
           exemptions with no replacement protection, and csrf: false

Run \`aegis audit <subcommand> --help\` for its options (also: aegis help audit <subcommand>).
Exit codes: 0 nothing flagged; 1 something flagged; 2 usage error, or a policy module that cannot
be loaded or is invalid.
`;

/** The subcommands of `aegis audit`, by name. */
export const AUDIT_SUBCOMMANDS: Readonly<Record<string, (args: string[], io: CommandIo) => Promise<number>>> = { csrf: runAuditCsrf };

/** `aegis audit <subcommand>`. */
export async function runAudit([subcommand, ...rest]: string[], io: CommandIo): Promise<number> {
  if (subcommand === '-h' || subcommand === '--help') {
    io.stdout.write(AUDIT_HELP);
    return 0;
  }
  const valid = Object.keys(AUDIT_SUBCOMMANDS).join(', ');
  if (subcommand === undefined) throw new UsageError(`missing subcommand (valid: ${valid}), e.g. aegis audit csrf --policy aegis.policy.mjs`);
  const run = Object.hasOwn(AUDIT_SUBCOMMANDS, subcommand) ? AUDIT_SUBCOMMANDS[subcommand] : undefined;
  if (!run) throw new UsageError(`unknown subcommand "${subcommand}" (valid: ${valid}).`);
  return run(rest, io);
}
