// `aegis key create`: in-process through main() with a recording io, and once through the real binary
// (node bin/aegis.mjs, which runs the build: `node scripts/build.mjs` first).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileApiKeyStore, parseApiKey } from '../src/api-keys/index.js';
import { KEY_CREATE_HELP, KEY_HELP } from '../src/cli/commands/key.js';
import { main, MAIN_HELP } from '../src/cli/main.js';
import { runAegisBinary } from './helpers/aegis-binary.js';
import { recordingIo } from './helpers/command-io.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function aegis(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, stdout, stderr } = recordingIo({}, ROOT, false);
  const code = await main(args, io, '0.0.0-test');
  return { code, stdout: stdout(), stderr: stderr() };
}

const usage = (prefix: string, message: string) => `${prefix}: ${message}\nRun \`${prefix} --help\` for usage.\n`;

/** The text output of `aegis key create`, with the random parts as capture groups: key, id, hash, scopes. */
const TEXT =
  /^API key \(shown once; it will not be shown again, give it to its owner now\):\n(([a-z0-9]+)_([A-Za-z0-9]{12})_[A-Za-z0-9_-]{43})\n\nStored form, for your configuration \(id, SHA-256 of the secret, scopes; safe to keep\):\n(([A-Za-z0-9]{12}):sha256:[A-Za-z0-9_-]{43}:(.*))\n$/;

describe('aegis key create', () => {
  it('prints the key once and its stored line; the key verifies against that line', async () => {
    const { code, stdout, stderr } = await aegis(['key', 'create', '--scope', 'sms.send', '--scope', 'sms.read']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const match = TEXT.exec(stdout);
    expect(match).not.toBeNull();
    const [, key = '', prefix, id, line = '', lineId, scopes] = match ?? [];
    expect(prefix).toBe('aegis');
    expect(lineId).toBe(id);
    expect(scopes).toBe('sms.send,sms.read');
    expect(stdout.split(key)).toHaveLength(2); // the key once
    expect(line).not.toContain(parseApiKey(key)?.secret);
    expect(compileApiKeyStore([line]).verify(key)).toEqual({ ok: true, id, scopes: ['sms.send', 'sms.read'] });
  });

  it('uses --prefix, and prints an empty scope list without --scope', async () => {
    const { code, stdout } = await aegis(['key', 'create', '--prefix', 'acme']);
    expect(code).toBe(0);
    const [, key = '', prefix, , line = '', , scopes] = TEXT.exec(stdout) ?? [];
    expect(prefix).toBe('acme');
    expect(scopes).toBe('');
    expect(compileApiKeyStore([line], undefined, 'apiKeys', 'acme').verify(key).ok).toBe(true);
  });

  it('prints one JSON line with --format json: key, stored, line', async () => {
    const { code, stdout, stderr } = await aegis(['key', 'create', '--format', 'json', '--scope', 'sms.send']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.endsWith('}\n')).toBe(true);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const output = JSON.parse(stdout) as { key: string; stored: { id: string; hash: string; scopes: string[] }; line: string };
    expect(Object.keys(output)).toEqual(['key', 'stored', 'line']);
    expect(output.key).toMatch(/^aegis_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(output.stored).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9]{12}$/), hash: expect.stringMatching(/^sha256:[A-Za-z0-9_-]{43}$/), scopes: ['sms.send'] });
    expect(output.line).toBe(`${output.stored.id}:${output.stored.hash}:sms.send`);
    expect(compileApiKeyStore([output.stored]).verify(output.key)).toEqual({ ok: true, id: output.stored.id, scopes: ['sms.send'] });
  });

  it('makes a different key each run', async () => {
    const [first, second] = await Promise.all([aegis(['key', 'create']), aegis(['key', 'create'])]);
    expect(first?.stdout).not.toBe(second?.stdout);
  });

  it.each([
    [['key', 'create', '--prefix', 'Acme'], usage('aegis key create', '--prefix: a key prefix is 1 to 16 lower-case letters or digits.')],
    [['key', 'create', '--scope', 'a b'], usage('aegis key create', '--scope: "a b" is not a scope: up to 64 letters, digits, ".", "_", "-" or "/", starting with a letter or digit.')],
    [['key', 'create', '--format', 'yaml'], usage('aegis key create', '--format must be one of text, json, not "yaml".')],
    [['key', 'create', '--bytes', '64'], usage('aegis key create', "Unknown option '--bytes'")],
    [['key', 'create', 'extra'], usage('aegis key create', "Unexpected argument 'extra'. This command does not take positional arguments")],
    [['key'], usage('aegis key', 'missing subcommand (valid: create), e.g. aegis key create --scope sms.send')],
    [['key', 'delete'], usage('aegis key', 'unknown subcommand "delete" (valid: create).')],
  ])('exits 2 for %j, on stderr only', async (args, stderr) => {
    expect(await aegis(args)).toEqual({ code: 2, stdout: '', stderr });
  });

  it('prints its help: aegis key --help, aegis key create --help, aegis help key create; and is listed in aegis --help', async () => {
    expect(await aegis(['key', '--help'])).toEqual({ code: 0, stdout: KEY_HELP, stderr: '' });
    expect(await aegis(['key', 'create', '--help'])).toEqual({ code: 0, stdout: KEY_CREATE_HELP, stderr: '' });
    expect(await aegis(['help', 'key', 'create'])).toEqual({ code: 0, stdout: KEY_CREATE_HELP, stderr: '' });
    expect(await aegis(['help', 'key'])).toEqual({ code: 0, stdout: KEY_HELP, stderr: '' });
    expect(MAIN_HELP).toMatch(/^ {2}key {6}key create: /m);
  });

  it('works through the binary: a key that verifies against the printed stored line', async () => {
    const { code, stdout, stderr } = await runAegisBinary(['key', 'create', '--scope', 'sms.send'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' } });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const [, key = '', , id, line = ''] = TEXT.exec(stdout) ?? [];
    expect(compileApiKeyStore([line]).verify(key)).toEqual({ ok: true, id, scopes: ['sms.send'] });
  });
});
