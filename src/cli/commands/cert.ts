import { resolve } from 'node:path';
import { loadOrCreateDevCertificate } from '../../tls/dev-certificate.js';
import { CommandFailure, messageOf, parseOptions, UsageError, type CommandIo } from '../io.js';

export const CERT_HELP = `Usage: aegis cert --dev [--out <dir>]

Makes (or reuses) the self-signed development certificate for localhost, 127.0.0.1 and ::1 that
serve() uses when no certificate is configured outside production. The key is written with
permissions 0600; the certificate is reused until it nears expiry.

Options:
  --dev        the development certificate (the only kind this command makes)
  --out <dir>  where to keep it (default .aegis/dev-cert)
  -h, --help   show this help
`;

/** `aegis cert --dev`. */
export async function runCert(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(args, {
    dev: { type: 'boolean', default: false },
    out: { type: 'string', default: '.aegis/dev-cert' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    io.stdout.write(CERT_HELP);
    return 0;
  }
  if (!values.dev) throw new UsageError('only development certificates are made here: pass --dev. Production certificates come from a CA.');
  const dir = resolve(io.cwd, values.out);
  let dev: ReturnType<typeof loadOrCreateDevCertificate>;
  try {
    dev = loadOrCreateDevCertificate(dir);
  } catch (error) {
    throw new CommandFailure(`could not make the development certificate in ${dir}: ${messageOf(error)}`);
  }
  io.stdout.write(
    `${dev.created ? 'Created' : 'Reusing'} the development certificate (localhost, 127.0.0.1, ::1), valid until ${dev.notAfter.toISOString()}:\n` +
      `  certificate  ${dev.certPath}\n  private key  ${dev.keyPath}\n` +
      'Browsers will warn about it: it is self-signed, for development only.\n',
  );
  return 0;
}
