import { runCert } from './commands/cert.js';
import { runCheck } from './commands/check.js';
import { runScan } from './commands/scan.js';
import { runSecret } from './commands/secret.js';
import { messageOf, processIo, UsageError, type CommandIo } from './io.js';

/** The usage of `aegis` itself: on stdout for --help, on stderr (exit 2) when no command is given. */
export const MAIN_HELP = `Usage: aegis <command> [options]

Commands:
  check    check a deployment's policy, secrets and certificate before it goes live
  scan     audit a live site from outside: TLS, redirects, headers, CSP, cookies, CORS, exposures
  secret   print a new random secret
  cert     make the development certificate (--dev)

Options:
  -h, --help     show help (also: aegis <command> --help, aegis help <command>)
  -v, --version  show the version

Exit codes: 0 success, 1 findings or failure, 2 usage error.
`;

type Command = (args: string[], io: CommandIo) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = { check: runCheck, scan: runScan, secret: runSecret, cert: runCert };

const commandNamed = (name: string | undefined): Command | undefined => (name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined);

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

/** `aegis help <command>`: that command's --help. */
function helpFor([name, ...extra]: string[], io: CommandIo): Promise<number> {
  const run = commandNamed(name);
  if (!run) throw new UsageError(`unknown command "${name ?? ''}".`);
  if (extra.length > 0) throw new UsageError(`aegis help takes one command, not "${extra.join(' ')}".`);
  return run(['--help'], io);
}

/**
 * Runs the `aegis` command; resolves to the exit code: 0 success, 1 findings or failure, 2 usage
 * error (its message and a pointer to the help on stderr). Messages start with `aegis <command>:`.
 * `version` comes from the bin's package.json.
 */
export async function main(argv: readonly string[], io: CommandIo = processIo(), version = 'unknown'): Promise<number> {
  const command = commandNamed(argv[0]) ? argv[0] : undefined;
  const prefix = command ? `aegis ${command}` : 'aegis';
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
