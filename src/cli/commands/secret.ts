import { generateSecret } from '../../config/generate-secret.js';
import { AegisConfigError } from '../../core/config-error.js';
import { parseOptions, UsageError, type CommandIo } from '../io.js';

export const SECRET_HELP = `Usage: aegis secret [--bytes 32] [--format base64url|hex]

Prints a new random secret from the operating system's CSPRNG, followed by a newline.
32 bytes (the default) give 256 bits: what Aegis requires of every secret in production.

Options:
  --bytes <n>        random bytes, from 32 to 1024 (default 32)
  --format <format>  base64url (default: URL- and .env-safe) or hex
  -h, --help         show this help
`;

/** `aegis secret`. */
export async function runSecret(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(args, {
    bytes: { type: 'string', default: '32' },
    format: { type: 'string', default: 'base64url' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    io.stdout.write(SECRET_HELP);
    return 0;
  }
  if (!/^\d+$/.test(values.bytes)) throw new UsageError(`--bytes must be a whole number from 32 to 1024, not "${values.bytes}".`);
  try {
    io.stdout.write(`${generateSecret({ bytes: Number(values.bytes), format: values.format as 'hex' | 'base64url' })}\n`);
  } catch (error) {
    if (error instanceof AegisConfigError) throw new UsageError(error.problems.map((p) => `--${p.path}: ${p.message}`).join(' '));
    throw error;
  }
  return 0;
}
