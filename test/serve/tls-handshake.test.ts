import { spawn } from 'node:child_process';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aegis } from '../../src/index.js';
import { serve, type AegisServer } from '../../src/serve/index.js';
import { certificateFiles, rsaCertificateFiles } from '../helpers/certificates.js';

const policy = aegis({ env: 'test', hosts: ['localhost'] });

/** Opens a TLS connection; resolves with the socket, or rejects with the handshake error. */
function handshake(port: number, options: ConnectionOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', servername: 'localhost', rejectUnauthorized: false, ...options }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Runs `openssl s_client` against the server (stdin closed, so it leaves after the handshake); returns its output. */
function sClient(port: number, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill(), 10_000);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}

const servers: AegisServer[] = [];
let ec: AegisServer;
let rsa: AegisServer;

beforeAll(async () => {
  const ecFiles = certificateFiles({ dnsNames: ['localhost'] });
  const rsaFiles = rsaCertificateFiles();
  const hello = (_req: unknown, res: { end(body: string): void }) => res.end('hello');
  ec = await serve(hello, policy, { port: 0, redirectPort: false, handleSignals: false, tls: { cert: ecFiles.cert, key: ecFiles.key } });
  rsa = await serve(hello, policy, { port: 0, redirectPort: false, handleSignals: false, tls: { cert: rsaFiles.cert, key: rsaFiles.key } });
  servers.push(ec, rsa);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe('TLS protocol versions (node tls client)', () => {
  it.each(['TLSv1', 'TLSv1.1'] as const)('refuses %s', async (version) => {
    // The client is allowed to offer the old version (security level 0), so a failure is the server's refusal.
    await expect(handshake(ec.port, { minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' })).rejects.toThrow(/alert protocol version|unsupported protocol|wrong version number/);
  });

  it.each([
    ['TLSv1.2', 'TLSv1.2'],
    ['TLSv1.3', 'TLSv1.3'],
  ] as const)('accepts %s', async (version, expected) => {
    const socket = await handshake(ec.port, { minVersion: version, maxVersion: version });
    expect(socket.getProtocol()).toBe(expected);
    socket.destroy();
  });

  it('prefers TLS 1.3 when the client offers both', async () => {
    const socket = await handshake(ec.port, {});
    expect(socket.getProtocol()).toBe('TLSv1.3');
    socket.destroy();
  });
});

describe('TLS 1.2 cipher suites: ECDHE with AEAD only', () => {
  const byKey = (key: 'ec' | 'rsa') => (key === 'ec' ? ec : rsa);

  it.each([
    ['ec', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
    ['ec', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
    ['rsa', 'ECDHE-RSA-AES256-GCM-SHA384'],
  ] as const)('accepts (%s certificate) %s', async (key, cipher) => {
    const socket = await handshake(byKey(key).port, { maxVersion: 'TLSv1.2', ciphers: cipher });
    expect(socket.getCipher().name).toBe(cipher);
    socket.destroy();
  });

  it.each([
    ['ec', 'ECDHE-ECDSA-AES128-SHA256', 'CBC'],
    ['ec', 'ECDHE-ECDSA-AES256-SHA', 'CBC'],
    ['rsa', 'ECDHE-RSA-AES128-SHA', 'CBC'],
    ['rsa', 'AES128-GCM-SHA256', 'RSA key exchange'],
    ['rsa', 'DHE-RSA-AES128-GCM-SHA256', 'finite-field DHE'],
  ] as const)('refuses (%s certificate) %s: %s', async (key, cipher, _why) => {
    await expect(handshake(byKey(key).port, { maxVersion: 'TLSv1.2', ciphers: `${cipher}@SECLEVEL=0` })).rejects.toThrow(/handshake failure|no shared cipher|no ciphers available/);
  });
});

describe('openssl s_client', () => {
  it('negotiates TLS 1.3 and TLS 1.2 with an ECDHE AEAD suite, without compression', async () => {
    const tls13 = await sClient(ec.port, ['-tls1_3']);
    expect(tls13).toMatch(/New, TLSv1\.3, Cipher is TLS_(AES_256_GCM_SHA384|AES_128_GCM_SHA256|CHACHA20_POLY1305_SHA256)/);
    const tls12 = await sClient(ec.port, ['-tls1_2']);
    expect(tls12).toMatch(/New, TLSv1\.2, Cipher is ECDHE-ECDSA-(AES256-GCM-SHA384|AES128-GCM-SHA256|CHACHA20-POLY1305)/);
    expect(tls12).toContain('Compression: NONE');
  });

  it.each([
    ['-tls1', 'TLS 1.0'],
    ['-tls1_1', 'TLS 1.1'],
  ])('is refused with %s (%s)', async (flag) => {
    const output = await sClient(ec.port, [flag, '-cipher', 'DEFAULT@SECLEVEL=0']);
    expect(output).toMatch(/alert protocol version|unsupported protocol|no protocols available/);
    expect(output).not.toMatch(/New, TLSv1(\.1)?, Cipher is/);
  });

  it('is refused a CBC suite on TLS 1.2', async () => {
    const output = await sClient(rsa.port, ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-SHA']);
    expect(output).toMatch(/handshake failure/);
  });
});

describe('renegotiation and ALPN', () => {
  it('refuses client-initiated renegotiation on TLS 1.2', async () => {
    const socket = await handshake(ec.port, { maxVersion: 'TLSv1.2' });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('error', (error) => resolve(`error: ${error.message}`));
      socket.once('close', () => resolve('closed'));
      const started = socket.renegotiate({ rejectUnauthorized: false }, (error) => resolve(error ? `error: ${error.message}` : 'renegotiated'));
      if (!started) resolve('not started');
    });
    // The server answers the renegotiation request with a no_renegotiation alert.
    expect(outcome).toMatch(/^error: .*no renegotiation/);
    socket.destroy();
  });

  it('offers h2 and http/1.1 by ALPN for a plain handler, http/1.1 only for an Express app', async () => {
    const h2 = await handshake(ec.port, { ALPNProtocols: ['h2', 'http/1.1'] });
    expect(h2.alpnProtocol).toBe('h2');
    h2.destroy();
    const files = certificateFiles({ dnsNames: ['localhost'] });
    const app = express();
    app.get('/', (_req, res) => res.send('express'));
    const expressServer = await serve(app, policy, { port: 0, redirectPort: false, handleSignals: false, tls: { cert: files.cert, key: files.key } });
    servers.push(expressServer);
    const http1 = await handshake(expressServer.port, { ALPNProtocols: ['h2', 'http/1.1'] });
    expect(http1.alpnProtocol).toBe('http/1.1');
    http1.destroy();
  });
});
