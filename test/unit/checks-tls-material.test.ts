import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertTlsSource, readTlsMaterial, TLS_MATERIAL_FIX, TLS_OPTION_FIX, TlsMaterialError, type TlsSource } from '../../src/serve/tls-material.js';
import { createSelfSignedCertificate } from '../../src/tls/self-signed.js';

// readTlsMaterial: what `aegis check` (AEGIS-E002) and serve() report about certificate files. Every
// message names the option or the file at fault, never a passphrase.

const dir = mkdtempSync(join(tmpdir(), 'aegis-tls-material-'));
const at = (name: string) => join(dir, name);
const pair = createSelfSignedCertificate({ dnsNames: ['app.example.test'], ipAddresses: [] });
const other = createSelfSignedCertificate({ dnsNames: ['app.example.test'], ipAddresses: [] });
writeFileSync(at('cert.pem'), pair.cert);
writeFileSync(at('key.pem'), pair.key, { mode: 0o600 });
writeFileSync(at('other-key.pem'), other.key, { mode: 0o600 });
writeFileSync(at('chain.pem'), `${pair.cert}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`);
writeFileSync(at('garbage.pem'), 'not a certificate\n');
const KEY_PASSPHRASE = 'key-passphrase-7e3b';
execFileSync('openssl', ['pkey', '-in', at('key.pem'), '-aes256', '-passout', `pass:${KEY_PASSPHRASE}`, '-out', at('encrypted-key.pem')], { stdio: 'pipe' });

/** The error readTlsMaterial throws for `source`, as [message, fix]. */
function failure(source: unknown, env: NodeJS.ProcessEnv = {}): [string, string] {
  try {
    readTlsMaterial(source as TlsSource, env);
  } catch (error) {
    if (error instanceof TlsMaterialError) return [error.message, error.fix];
    throw error;
  }
  throw new Error('readTlsMaterial accepted the source');
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('assertTlsSource: the shape of the tls option', () => {
  it.each<[string, unknown, string]>([
    ['a key without a cert', { key: 'x.key' }, 'serve.tls.cert is not set.'],
    ['cert: undefined', { cert: undefined, key: 'x.key' }, 'serve.tls.cert is not set.'],
    ['an empty cert path', { cert: '', key: 'x.key' }, 'serve.tls.cert is not set.'],
    ['a cert without a key', { cert: 'x.crt' }, 'serve.tls.key is not set.'],
    ['nothing', {}, 'serve.tls.cert is not set; serve.tls.key is not set.'],
    ['a number for a path', { cert: 'x.crt', key: 7 }, 'serve.tls.key is 7, not a file path.'],
    ['a CA bundle that is not a path', { cert: 'x.crt', key: 'x.key', ca: ['a.pem'] }, 'serve.tls.ca is an array, not a file path.'],
    ['a bundle and PEM files together', { pfx: 'x.pfx', cert: 'x.crt', key: 'x.key' }, 'serve.tls has both pfx and cert, key: a PKCS#12 bundle already holds the certificate and key.'],
    ['an empty passphrase variable name', { pfx: 'x.pfx', passphraseEnv: '' }, 'serve.tls.passphraseEnv is "", not an environment variable name.'],
    ['true', true, 'serve.tls is true, not { cert, key }, { pfx } or false.'],
    ['a path string', 'cert.pem', 'serve.tls is "cert.pem", not { cert, key }, { pfx } or false.'],
    ['null', null, 'serve.tls is null, not { cert, key }, { pfx } or false.'],
  ])('refuses %s, naming the option, with the fix', (_name, tls, message) => {
    expect(() => assertTlsSource(tls)).toThrow(TlsMaterialError);
    expect(failure(tls)).toEqual([message, TLS_OPTION_FIX]);
  });

  it('accepts PEM files (with or without a CA bundle) and a bundle', () => {
    for (const tls of [{ cert: 'a', key: 'b' }, { cert: 'a', key: 'b', ca: 'c' }, { pfx: 'a' }, { pfx: 'a', passphraseEnv: 'PASS' }]) expect(() => assertTlsSource(tls)).not.toThrow();
  });
});

describe('readTlsMaterial: the files', () => {
  it('reads a matching certificate and key', () => {
    const material = readTlsMaterial({ cert: at('cert.pem'), key: at('key.pem') });
    expect([material.source, material.files]).toEqual([`${at('cert.pem')} + ${at('key.pem')}`, [at('cert.pem'), at('key.pem')]]);
  });

  it.each<[string, TlsSource, string]>([
    ['a missing certificate', { cert: at('nope.pem'), key: at('key.pem') }, `The certificate file ${at('nope.pem')} does not exist.`],
    ['a directory for a key', { cert: at('cert.pem'), key: dir }, `The private key file ${dir} is a directory.`],
    ['a file that is no certificate', { cert: at('garbage.pem'), key: at('key.pem') }, `The certificate file ${at('garbage.pem')} does not contain a PEM certificate.`],
    ['a file that is no key', { cert: at('cert.pem'), key: at('garbage.pem') }, `The private key file ${at('garbage.pem')} does not contain an unencrypted PEM private key.`],
    ['a key of another certificate', { cert: at('cert.pem'), key: at('other-key.pem') }, `The private key in ${at('other-key.pem')} does not belong to the certificate in ${at('cert.pem')}.`],
    [
      'a chain that OpenSSL refuses (createSecureContext, after X509Certificate accepted the first certificate)',
      { cert: at('chain.pem'), key: at('key.pem') },
      `The certificate file ${at('chain.pem')} was refused by OpenSSL (wrong tag): it must hold only PEM certificates, the server's first.`,
    ],
  ])('names the file: %s', (_name, source, message) => {
    expect(failure(source)).toEqual([message, TLS_MATERIAL_FIX]);
  });

  it('names the key file, and what to do, for an encrypted key; never its passphrase', () => {
    const [message, fix] = failure({ cert: at('cert.pem'), key: at('encrypted-key.pem') }, { AEGIS_TLS_PASSPHRASE: KEY_PASSPHRASE });
    expect(message).toBe(`The private key file ${at('encrypted-key.pem')} is encrypted: Aegis reads unencrypted PEM keys.`);
    expect(fix).toBe(`decrypt it (openssl pkey -in ${at('encrypted-key.pem')} -out key.pem) and keep the result readable by this user only (chmod 600), or use a PKCS#12 bundle with its passphrase in an environment variable.`);
    expect(message + fix).not.toContain(KEY_PASSPHRASE);
  });
});
