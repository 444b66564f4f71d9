import { X509Certificate } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { aegis, AegisConfigError, type AegisEvent } from '../../src/index.js';
import { serve, type AegisServer } from '../../src/serve/index.js';
import { createSelfSignedCertificate } from '../../src/tls/self-signed.js';
import { certificateFiles, pfxFile } from '../helpers/certificates.js';
import { get, getOnSocket } from '../helpers/raw-http.js';

let server: AegisServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const hello = (_req: unknown, res: { end(body: string): void }) => res.end('hello');

/** A TLS connection to the server, and the fingerprint of the certificate it presented. */
function open(port: number): Promise<{ socket: TLSSocket; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', servername: 'localhost', rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () =>
      resolve({ socket, fingerprint: socket.getPeerX509Certificate()?.fingerprint256 ?? '' }),
    );
    socket.once('error', reject);
  });
}

/** Sends a keep-alive request on an open TLS socket and reads the response's status. */
async function request(socket: TLSSocket): Promise<number> {
  return (await getOnSocket(socket)).status;
}

describe('PKCS#12 bundles', () => {
  const policy = aegis({ env: 'test', hosts: ['localhost'] });

  it('serve with the passphrase from the environment variable', async () => {
    const files = certificateFiles({ dnsNames: ['localhost'] });
    const pfx = pfxFile(files, 'correct horse');
    vi.stubEnv('SITE_PFX_PASSPHRASE', 'correct horse');
    try {
      server = await serve(hello, policy, { port: 0, redirectPort: false, handleSignals: false, tls: { pfx, passphraseEnv: 'SITE_PFX_PASSPHRASE' } });
      const { socket, fingerprint } = await open(server.port);
      expect(fingerprint).toBe(new X509Certificate(files.pem.cert).fingerprint256);
      expect(await request(socket)).toBe(200);
      socket.destroy();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('fail with a message naming the file and the variable, never the passphrase', async () => {
    const files = certificateFiles({ dnsNames: ['localhost'] });
    const pfx = pfxFile(files, 'correct horse');
    vi.stubEnv('SITE_PFX_PASSPHRASE', 'battery staple');
    try {
      const attempt = serve(hello, policy, { port: 0, redirectPort: false, handleSignals: false, tls: { pfx, passphraseEnv: 'SITE_PFX_PASSPHRASE' } });
      await expect(attempt).rejects.toThrow(AegisConfigError);
      await expect(attempt).rejects.toThrow(`serve.tls: The PKCS#12 bundle ${pfx} could not be opened with the passphrase in SITE_PFX_PASSPHRASE: wrong passphrase, or not a PKCS#12 file.`);
      const message = await attempt.catch((error: Error) => error.message);
      expect(message).not.toContain('battery');
      expect(message).not.toContain('correct horse');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('fail clearly when the passphrase variable is not set, or the files are missing or mismatched', async () => {
    const files = certificateFiles({ dnsNames: ['localhost'] });
    const other = certificateFiles({ dnsNames: ['localhost'] });
    const pfx = pfxFile(files, 'x');
    const options = { port: 0, redirectPort: false, handleSignals: false } as const;
    await expect(serve(hello, policy, { ...options, tls: { pfx, passphraseEnv: 'AEGIS_TEST_UNSET_VARIABLE' } })).rejects.toThrow(
      `The PKCS#12 bundle ${pfx} needs its passphrase in the environment variable AEGIS_TEST_UNSET_VARIABLE, which is not set.`,
    );
    await expect(serve(hello, policy, { ...options, tls: { cert: join(files.dir, 'nope.pem'), key: files.key } })).rejects.toThrow(`The certificate file ${join(files.dir, 'nope.pem')} does not exist.`);
    await expect(serve(hello, policy, { ...options, tls: { cert: files.cert, key: other.key } })).rejects.toThrow(`The private key in ${other.key} does not belong to the certificate in ${files.cert}.`);
  });

  it('names the option and its fix for a malformed tls option, as serve() options', async () => {
    const options = { port: 0, redirectPort: false, handleSignals: false } as const;
    const error = await serve(hello, policy, { ...options, tls: { key: '/etc/ssl/site.key' } as never }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AegisConfigError);
    expect((error as AegisConfigError).message).toBe(
      'Invalid serve() options (1 problem):\n' +
        "  - serve.tls: serve.tls.cert is not set. Fix: give tls: { cert: '/path/to/cert.pem', key: '/path/to/key.pem' } (PEM files), or tls: { pfx: '/path/to/bundle.pfx' } for a PKCS#12 bundle (its passphrase in AEGIS_TLS_PASSPHRASE, or the variable named by passphraseEnv).",
    );
  });
});

describe('certificate reload', () => {
  it('new connections get the new certificate; an open keep-alive connection keeps working', async () => {
    const policy = aegis({ env: 'test', hosts: ['localhost'] });
    const events: AegisEvent[] = [];
    policy.on('*', (event) => events.push(event));
    const files = certificateFiles({ dnsNames: ['localhost'] });
    server = await serve(hello, policy, { port: 0, redirectPort: false, handleSignals: false, tls: { cert: files.cert, key: files.key } });
    const before = await open(server.port);
    expect(await request(before.socket)).toBe(200);
    expect(before.fingerprint).toBe(new X509Certificate(files.pem.cert).fingerprint256);

    // Replace both files the way renewal tools do: write new files, then rename them into place.
    const next = createSelfSignedCertificate({ dnsNames: ['localhost'] });
    await writeFile(`${files.cert}.new`, next.cert);
    await writeFile(`${files.key}.new`, next.key);
    await rename(`${files.key}.new`, files.key);
    await rename(`${files.cert}.new`, files.cert);
    await vi.waitFor(() => expect(events.map((e) => e.type)).toContain('tls.reloaded'), { timeout: 5000, interval: 50 });

    const after = await open(server.port);
    expect(after.fingerprint).toBe(new X509Certificate(next.cert).fingerprint256);
    expect(after.fingerprint).not.toBe(before.fingerprint);
    expect(await request(before.socket)).toBe(200); // the old connection, still on the old certificate
    expect(await request(after.socket)).toBe(200);
    before.socket.destroy();
    after.socket.destroy();
  });

  it('keeps the current certificate when the new files do not match, and says so', async () => {
    const policy = aegis({ env: 'test', hosts: ['localhost'] });
    const events: AegisEvent[] = [];
    policy.on('*', (event) => events.push(event));
    const files = certificateFiles({ dnsNames: ['localhost'] });
    server = await serve(hello, policy, { port: 0, redirectPort: false, handleSignals: false, tls: { cert: files.cert, key: files.key }, watchCertificate: false });
    await writeFile(files.cert, createSelfSignedCertificate().cert); // a certificate for another key
    expect(server.reloadCertificate()).toBe(false);
    expect(events.map((e) => [e.type, e.detail])).toEqual([['tls.reload_failed', { message: `The private key in ${files.key} does not belong to the certificate in ${files.cert}.` }]]);
    const { socket, fingerprint } = await open(server.port);
    expect(fingerprint).toBe(new X509Certificate(files.pem.cert).fingerprint256);
    socket.destroy();
  });
});

describe('the redirect listener', () => {
  it('keeps path and query, uses the HTTPS port, and refuses a foreign Host', async () => {
    const policy = aegis({ env: 'test', hosts: ['localhost', 'app.example.test'] });
    const files = certificateFiles({ dnsNames: ['localhost'] });
    server = await serve(hello, policy, { port: 0, redirectPort: 0, handleSignals: false, tls: { cert: files.cert, key: files.key } });
    const { sendRaw } = await import('../helpers/raw-http.js');
    const port = server.redirectPort as number;
    const redirected = await sendRaw(port, get('/reports/q3?format=pdf&x=%2F', 'app.example.test:8080'));
    expect([redirected.status, redirected.headers.location]).toEqual([308, `https://app.example.test:${server.port}/reports/q3?format=pdf&x=%2F`]);
    const foreign = await sendRaw(port, get('/', 'evil.example'));
    expect([foreign.status, foreign.headers.location]).toEqual([421, undefined]);
    const post = await sendRaw(port, 'POST /form HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    expect([post.status, post.headers.location]).toEqual([308, `https://localhost:${server.port}/form`]);
  });
});
