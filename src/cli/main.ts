import { AUDIT_SUBCOMMANDS, runAudit } from './commands/audit.js';
import { runCert } from './commands/cert.js';
import { runCheck } from './commands/check.js';
import { KEY_SUBCOMMANDS, runKey } from './commands/key.js';
import { runScan } from './commands/scan.js';
import { runSecret } from './commands/secret.js';
import { messageOf, processIo, UsageError, type CommandIo } from './io.js';

/** The usage of `aegis` itself: on stdout for --help, on stderr (exit 2) when no command is given. */
export const MAIN_HELP = `Usage: aegis <command> [options]

Commands:
  check    check a deployment's policy, secrets and certificate before it goes live
  scan     audit a live site from outside: TLS, redirects, headers, CSP, cookies, CORS, exposures
  audit    audit what a policy declares: audit csrf lists every CSRF exemption, its reason and
           the protection that replaces it, and flags those with none
  secret   print a new random secret
  key      key create: make an API key (printed once) and the hash to store for it
  cert     make the development certificate (--dev)

Options:
  -h, --help     show help (also: aegis <command> --help, aegis help <command>)
  -v, --version  show the version

Exit codes: 0 success, 1 findings or failure, 2 usage error.
`;

type Command = (args: string[], io: CommandIo) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = { check: runCheck, scan: runScan, audit: runAudit, secret: runSecret, key: runKey, cert: runCert };

/** Commands whose first argument names a subcommand, which their messages and help pointers name too. */
const SUBCOMMANDS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = { audit: AUDIT_SUBCOMMANDS, key: KEY_SUBCOMMANDS };

const commandNamed = (name: string | undefined): Command | undefined => (name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined);

/** True when `name` is a subcommand of `command` (`csrf` of `audit`). */
const isSubcommand = (command: string | undefined, name: string | undefined): boolean =>
  command !== undefined && name !== undefined && Object.hasOwn(SUBCOMMANDS, command) && Object.hasOwn(SUBCOMMANDS[command] ?? {}, name);

/** What to run for a command line: a command with its arguments, or the top-level help and version. */
function dispatch(argv: readonly string[], io: CommandIo, version: string): Promise<number> | number {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.stderr.write(MAIN_HELP);
    return 2;
  }
  if (command === '-h' || command === '--help' || (command === 'help' && rest.length === 0)) {
    io.stdout.write(MAIN_HELP);
    return 0;
  }
  if (command === '-v' || command === '--version') {
    io.stdout.write(`${version}\n`);
    return 0;
  }
  if (command === 'help') return helpFor(rest, io);
  const run = commandNamed(command);
  if (!run) throw new UsageError(`unknown command "${command}".`);
  return run(rest, { ...io, version });
}

/** `aegis help <command>`: that command's --help; `aegis help audit csrf`: the subcommand's. */
function helpFor([name, ...extra]: string[], io: CommandIo): Promise<number> {
  const run = commandNamed(name);
  if (!run) throw new UsageError(`unknown command "${name ?? ''}".`);
  const [subcommand] = extra;
  if (extra.length === 1 && isSubcommand(name, subcommand)) return run([subcommand as string, '--help'], io);
  if (extra.length > 0) throw new UsageError(`aegis help takes one command, not "${extra.join(' ')}".`);
  return run(['--help'], io);
}

/** How messages start: `aegis`, `aegis check`, `aegis audit csrf`. */
function prefixOf([command, subcommand]: readonly string[]): string {
  if (!commandNamed(command)) return 'aegis';
  return isSubcommand(command, subcommand) ? `aegis ${command} ${subcommand}` : `aegis ${command}`;
}

/**
 * Runs the `aegis` command; resolves to the exit code: 0 success, 1 findings or failure, 2 usage
 * error (its message and a pointer to the help on stderr). Messages start with `aegis <command>:`
 * (`aegis <command> <subcommand>:` for a command with subcommands).
 * `version` comes from the bin's package.json.
 */
export async function main(argv: readonly string[], io: CommandIo = processIo(), version = 'unknown'): Promise<number> {
  const prefix = prefixOf(argv);
  try {
    return await dispatch(argv, io, version);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${prefix}: ${error.message}\nRun \`${prefix} --help\` for usage.\n`);
      return 2;
    }
    io.stderr.write(`${prefix}: ${messageOf(error)}\n`);
    return 1;
  }
}
