import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as NodeTls from 'node:tls';
import type { SecureContextOptions } from 'node:tls';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readTlsMaterial, TlsMaterialError } from '../../src/serve/tls-material.js';
import { createSelfSignedCertificate } from '../../src/tls/self-signed.js';

// When OpenSSL (createSecureContext) refuses files that node:crypto accepted, readTlsMaterial must
// throw TlsMaterialError naming the files, not let OpenSSL's bare error through. OpenSSL is made to
// refuse here, since real files that pass node:crypto's checks and fail OpenSSL's only together
// depend on the OpenSSL build (security level, algorithms).

const refusal = vi.hoisted(() => ({ when: (_options: SecureContextOptions): Error | undefined => undefined }));

vi.mock('node:tls', async (importOriginal) => {
  const tls = await importOriginal<typeof NodeTls>();
  return {
    ...tls,
    createSecureContext: (options: SecureContextOptions) => {
      const error = refusal.when(options);
      if (error) throw error;
      return tls.createSecureContext(options);
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), 'aegis-tls-openssl-'));
const pair = createSelfSignedCertificate({ dnsNames: ['app.example.test'], ipAddresses: [] });
const cert = join(dir, 'cert.pem');
const key = join(dir, 'key.pem');
const ca = join(dir, 'ca.pem');
writeFileSync(cert, pair.cert);
writeFileSync(key, pair.key, { mode: 0o600 });
writeFileSync(ca, pair.cert);

const openSslError = (reason: string) => Object.assign(new Error(`error:0A00018F:SSL routines::${reason}`), { code: 'ERR_SSL_EE_KEY_TOO_SMALL' });

function messageFor(source: { cert: string; key: string; ca?: string }): string {
  try {
    readTlsMaterial(source);
  } catch (error) {
    expect(error).toBeInstanceOf(TlsMaterialError);
    return (error as Error).message;
  }
  throw new Error('readTlsMaterial accepted the files');
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readTlsMaterial: OpenSSL refusals become TlsMaterialError naming the files', () => {
  it('names the key file when OpenSSL refuses the key alone', () => {
    refusal.when = (options) => (options.key && !options.cert ? openSslError('ee key too small') : undefined);
    expect(messageFor({ cert, key })).toBe(`The private key file ${key} was refused by OpenSSL (ee key too small).`);
  });

  it('names the certificate and the key when OpenSSL refuses them together', () => {
    refusal.when = (options) => (options.key && options.cert ? openSslError('ca md too weak') : undefined);
    expect(messageFor({ cert, key })).toBe(`The certificate in ${cert} and the private key in ${key} were refused together by OpenSSL (ca md too weak).`);
  });

  it('names the CA bundle too, when there is one', () => {
    refusal.when = (options) => (options.ca ? openSslError('ca md too weak') : undefined);
    expect(messageFor({ cert, key, ca })).toBe(`The certificate in ${cert}, the private key in ${key} and the CA bundle in ${ca} were refused together by OpenSSL (ca md too weak).`);
  });

  it("says the key does not belong to the certificate for OpenSSL's key mismatch", () => {
    refusal.when = (options) => (options.key && options.cert ? new Error('error:05800074:x509 certificate routines::key values mismatch') : undefined);
    expect(messageFor({ cert, key })).toBe(`The private key in ${key} does not belong to the certificate in ${cert}.`);
  });
});
