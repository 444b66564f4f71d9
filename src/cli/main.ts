import { runCert } from './commands/cert.js';
import { runCheck } from './commands/check.js';
import { runSecret } from './commands/secret.js';
import { processIo, UsageError, type CommandIo } from './io.js';

const HELP = `Usage: aegis <command> [options]

Commands:
  check    check a deployment's policy, secrets and certificate before it goes live
  secret   print a new random secret
  cert     make the development certificate (--dev)

Options:
  -h, --help     show help (also: aegis <command> --help)
  -v, --version  show the version

Exit codes: 0 success, 1 findings or failure, 2 usage error.
`;

const COMMANDS: Record<string, (args: string[], io: CommandIo) => Promise<number>> = {
  check: runCheck,
  secret: runSecret,
  cert: runCert,
};

/** Runs the `aegis` command; resolves to the exit code. `version` comes from the bin's package.json. */
export async function main(argv: readonly string[], io: CommandIo = processIo(), version = 'unknown'): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      io.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === '-v' || command === '--version') {
      io.stdout.write(`${version}\n`);
      return 0;
    }
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command "${command}".`);
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`aegis: ${(error as Error).message}\nRun \`aegis ${command && COMMANDS[command] ? `${command} ` : ''}--help\` for usage.\n`);
      return 2;
    }
    io.stderr.write(`aegis: ${(error as Error).message}\n`);
    return 1;
  }
}
