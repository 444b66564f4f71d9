import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSelfSignedCertificate } from '../../src/tls/self-signed.js';

/** Certificate and key written to a fresh temporary directory. */
export interface CertificateFiles {
  dir: string;
  cert: string;
  key: string;
  pem: { cert: string; key: string };
}

/** A self-signed EC certificate for the given names, as files. */
export function certificateFiles(options: Parameters<typeof createSelfSignedCertificate>[0] = {}, dir = mkdtempSync(join(tmpdir(), 'aegis-cert-'))): CertificateFiles {
  const made = createSelfSignedCertificate(options);
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  writeFileSync(cert, made.cert);
  writeFileSync(key, made.key, { mode: 0o600 });
  return { dir, cert, key, pem: { cert: made.cert, key: made.key } };
}

/** An RSA certificate for localhost made with openssl (for RSA key-exchange cipher tests). */
export function rsaCertificateFiles(): CertificateFiles {
  const dir = mkdtempSync(join(tmpdir(), 'aegis-rsa-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  return { dir, cert, key, pem: { cert: '', key: '' } };
}

/** A PKCS#12 bundle of a certificate and key, protected by `passphrase`. */
export function pfxFile(files: CertificateFiles, passphrase: string): string {
  const pfx = join(files.dir, 'bundle.pfx');
  execFileSync('openssl', ['pkcs12', '-export', '-in', files.cert, '-inkey', files.key, '-out', pfx, '-passout', `pass:${passphrase}`], { stdio: 'ignore' });
  return pfx;
}
