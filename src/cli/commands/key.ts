import { createApiKey } from '../../api-keys/index.js';
import { AegisConfigError } from '../../core/config-error.js';
import { oneOf, parseOptions, UsageError, type CommandIo } from '../io.js';

export const KEY_HELP = `Usage: aegis key <subcommand> [options]

Subcommands:
  create   make a new API key: prints the key once, and the stored form to put in configuration

Run \`aegis key create --help\` for its options.
`;

export const KEY_CREATE_HELP = `Usage: aegis key create [--prefix aegis] [--scope <scope>]... [--format text|json]

Makes a new API key, <prefix>_<id>_<secret> (32 random bytes), and prints it once: it is not
stored anywhere and cannot be shown again. Also prints its stored form, <id>:sha256:<hash>:<scopes>,
which is what the application keeps (the SHA-256 of the secret, never the key itself).

Options:
  --prefix <prefix>  the key's first part, 1 to 16 lower-case letters or digits (default aegis)
  --scope <scope>    a scope to grant, e.g. sms.send; repeat for several (default none)
  --format <format>  text (default) or json
  -h, --help         show this help
`;

/** `aegis key create`. */
async function runKeyCreate(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(args, {
    prefix: { type: 'string', default: 'aegis' },
    scope: { type: 'string', multiple: true, default: [] },
    format: { type: 'string', default: 'text' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    io.stdout.write(KEY_CREATE_HELP);
    return 0;
  }
  const format = oneOf(['text', 'json'] as const, values.format, '--format');
  let created: ReturnType<typeof createApiKey>;
  try {
    created = createApiKey({ prefix: values.prefix, scopes: values.scope });
  } catch (error) {
    if (error instanceof AegisConfigError) throw new UsageError(error.problems.map((p) => `--${p.path.replace(/^scopes\[\d+\]$/, 'scope')}: ${p.message}`).join(' '));
    throw error;
  }
  const { key, stored, line } = created;
  if (format === 'json') {
    io.stdout.write(`${JSON.stringify({ key, stored: { id: stored.id, hash: stored.hash, scopes: stored.scopes }, line })}\n`);
    return 0;
  }
  io.stdout.write(
    'API key (shown once; it will not be shown again, give it to its owner now):\n' +
      `${key}\n\n` +
      'Stored form, for your configuration (id, SHA-256 of the secret, scopes; safe to keep):\n' +
      `${line}\n`,
  );
  return 0;
}

export const KEY_SUBCOMMANDS: Readonly<Record<string, (args: string[], io: CommandIo) => Promise<number>>> = { create: runKeyCreate };

/** `aegis key <subcommand>`. */
export async function runKey([subcommand, ...rest]: string[], io: CommandIo): Promise<number> {
  if (subcommand === '-h' || subcommand === '--help') {
    io.stdout.write(KEY_HELP);
    return 0;
  }
  const valid = Object.keys(KEY_SUBCOMMANDS).join(', ');
  if (subcommand === undefined) throw new UsageError(`missing subcommand (valid: ${valid}), e.g. aegis key create --scope sms.send`);
  const run = Object.hasOwn(KEY_SUBCOMMANDS, subcommand) ? KEY_SUBCOMMANDS[subcommand] : undefined;
  if (!run) throw new UsageError(`unknown subcommand "${subcommand}" (valid: ${valid}).`);
  return run(rest, io);
}
