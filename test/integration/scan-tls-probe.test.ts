import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { TlsOptions } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enumerateCiphers, LEGACY_SUITES, probeHello, TLS13_SUITES, TLS_VERSIONS, type ProbeResult, type TlsVersion } from '../../src/scan/tls/index.js';
import { certificateFiles, rsaCertificateFiles } from '../helpers/certificates.js';
import { HOST, TestServers } from '../helpers/test-servers.js';

const servers = new TestServers();
const tlsServer = (options: TlsOptions): Promise<number> => servers.tls(options);

const rawServer = (answer: (socket: Socket) => void): Promise<number> => servers.raw(answer);

const offer = (version: TlsVersion): readonly number[] => (version === TLS_VERSIONS['TLSv1.3'] ? TLS13_SUITES : LEGACY_SUITES);
const probe = (port: number, version: TlsVersion, timeoutMs = 5000): Promise<ProbeResult> => probeHello(HOST, port, { version, ciphers: offer(version), servername: 'localhost', timeoutMs });
const sorted = (codes: readonly number[]): number[] => [...codes].sort((a, b) => a - b);

const ec = certificateFiles({});
const rsaFiles = rsaCertificateFiles();
const rsa = { cert: readFileSync(rsaFiles.cert), key: readFileSync(rsaFiles.key) };

afterAll(() => {
  servers.closeAll();
});

describe('probeHello against a default node:tls server', () => {
  let port: number;
  beforeAll(async () => {
    port = await tlsServer(ec.pem);
  });

  it('accepts TLS 1.2 with an ECDHE-ECDSA AEAD suite', async () => {
    expect(await probe(port, TLS_VERSIONS['TLSv1.2'])).toEqual({ outcome: 'accepted', version: 0x0303, cipher: 0xc02b, cipherName: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', helloRetry: false, compression: 0, secureRenegotiation: true });
  });

  it('accepts TLS 1.3 (version read from supported_versions)', async () => {
    const result = await probe(port, TLS_VERSIONS['TLSv1.3']);
    expect(result).toMatchObject({ outcome: 'accepted', version: 0x0304, helloRetry: false });
    expect(TLS13_SUITES).toContain(result.outcome === 'accepted' ? result.cipher : 0);
  });

  it('refuses TLS 1.0 and 1.1 with a protocol_version alert, SSLv3 with handshake_failure', async () => {
    for (const version of [TLS_VERSIONS['TLSv1.0'], TLS_VERSIONS['TLSv1.1']]) {
      expect(await probe(port, version)).toEqual({ outcome: 'rejected', reason: 'alert', alert: { kind: 'alert', level: 2, description: 70, name: 'protocol_version' } });
    }
    expect(await probe(port, TLS_VERSIONS.SSLv3)).toEqual({ outcome: 'rejected', reason: 'alert', alert: { kind: 'alert', level: 2, description: 40, name: 'handshake_failure' } });
  });

  it('answers a TLS 1.3 probe whose x25519 share the server does not want with a HelloRetryRequest', async () => {
    const p256Only = await tlsServer({ ...ec.pem, ecdhCurve: 'P-256' });
    expect(await probe(p256Only, TLS_VERSIONS['TLSv1.3'])).toMatchObject({ outcome: 'accepted', version: 0x0304, helloRetry: true });
  });

  it('refuses a TLS 1.3 probe with protocol_version when capped at TLS 1.2 (supported_versions offers 1.3 only)', async () => {
    const tls12Only = await tlsServer({ ...ec.pem, maxVersion: 'TLSv1.2' });
    expect(await probe(tls12Only, TLS_VERSIONS['TLSv1.3'])).toEqual({ outcome: 'rejected', reason: 'alert', alert: { kind: 'alert', level: 2, description: 70, name: 'protocol_version' } });
  });
});

// Node 20.20 / OpenSSL 3.0 here: with minVersion 'TLSv1' and SECLEVEL=0, TLS 1.0 and 1.1 really are
// served (CBC-SHA suites only). SSLv3 is not: this OpenSSL is built without it.
describe('probeHello against minVersion TLSv1 with DEFAULT@SECLEVEL=0', () => {
  let port: number;
  beforeAll(async () => {
    port = await tlsServer({ ...ec.pem, minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
  });

  it('accepts TLS 1.0 and 1.1, and only the ECDHE-ECDSA AES-CBC-SHA suites there', async () => {
    for (const version of [TLS_VERSIONS['TLSv1.0'], TLS_VERSIONS['TLSv1.1']]) {
      expect(await probe(port, version)).toMatchObject({ outcome: 'accepted', version });
      expect(await enumerateCiphers(HOST, port, version, LEGACY_SUITES)).toEqual({ ciphers: [0xc00a, 0xc009], complete: true });
    }
  });

  it('still refuses SSLv3', async () => {
    expect(await probe(port, TLS_VERSIONS.SSLv3)).toMatchObject({ outcome: 'rejected', reason: 'alert' });
  });
});

describe('enumerateCiphers against explicit cipher lists', () => {
  it('returns exactly the configured ECDHE-ECDSA list for TLS 1.2, and the configured TLS 1.3 suite', async () => {
    const port = await tlsServer({ ...ec.pem, ciphers: 'TLS_CHACHA20_POLY1305_SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-SHA' });
    const tls12 = await enumerateCiphers(HOST, port, TLS_VERSIONS['TLSv1.2'], LEGACY_SUITES);
    expect(tls12.complete).toBe(true);
    expect(sorted(tls12.ciphers)).toEqual([0xc00a, 0xc02b, 0xcca9]);
    expect(await enumerateCiphers(HOST, port, TLS_VERSIONS['TLSv1.3'], TLS13_SUITES)).toEqual({ ciphers: [0x1303], complete: true });
  });

  it('returns exactly an RSA list mixing RSA, ECDHE and DHE key exchange', async () => {
    const port = await tlsServer({ ...rsa, dhparam: 'auto', ciphers: 'AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:AES256-SHA256' });
    const tls12 = await enumerateCiphers(HOST, port, TLS_VERSIONS['TLSv1.2'], LEGACY_SUITES);
    expect({ ...tls12, ciphers: sorted(tls12.ciphers) }).toEqual({ ciphers: [0x002f, 0x003d, 0x009e, 0xc030], complete: true });
  });

  // Node's OpenSSL here still serves NULL and anonymous suites at SECLEVEL=0; 3DES, RC4, DES and EXPORT are compiled out.
  it('finds legacy NULL and anonymous suites at TLS 1.0', async () => {
    const port = await tlsServer({ ...rsa, minVersion: 'TLSv1', dhparam: 'auto', ciphers: 'NULL-SHA:ADH-AES128-SHA:@SECLEVEL=0' });
    const tls10 = await enumerateCiphers(HOST, port, TLS_VERSIONS['TLSv1.0'], LEGACY_SUITES);
    expect({ ...tls10, ciphers: sorted(tls10.ciphers) }).toEqual({ ciphers: [0x0002, 0x0034], complete: true });
  });

  it('stops with complete: false when a probe errors', async () => {
    const port = await rawServer((socket) => socket.end('garbage'));
    expect(await enumerateCiphers(HOST, port, TLS_VERSIONS['TLSv1.2'], LEGACY_SUITES)).toEqual({ ciphers: [], complete: false, error: 'not a TLS handshake record at byte 0: 6761726261' });
  });
});

describe('probeHello against servers that do not speak TLS', () => {
  it('reports garbage as an error', async () => {
    const port = await rawServer((socket) => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
    expect(await probe(port, TLS_VERSIONS['TLSv1.2'])).toEqual({ outcome: 'error', message: 'not a TLS handshake record at byte 0: 485454502f' });
  });

  it('reports a ServerHello cut short by a close as an error', async () => {
    const port = await rawServer((socket) => socket.end(Buffer.from('160303003502000031030300', 'hex')));
    expect(await probe(port, TLS_VERSIONS['TLSv1.2'])).toEqual({ outcome: 'error', message: 'answer truncated after 12 bytes' });
  });

  it('gives up on a truncated ServerHello left open, or on no answer, within the timeout', async () => {
    const truncated = await rawServer((socket) => socket.write(Buffer.from('1603030035020000', 'hex')));
    const silent = await rawServer(() => undefined);
    for (const port of [truncated, silent]) {
      const started = Date.now();
      expect(await probe(port, TLS_VERSIONS['TLSv1.2'], 300)).toEqual({ outcome: 'error', message: 'no answer within 300 ms' });
      expect(Date.now() - started).toBeLessThan(2000);
    }
  });

  it('counts a hang-up without a byte (FIN or RST) as a refusal', async () => {
    const fin = await rawServer((socket) => socket.end());
    const rst = await rawServer((socket) => socket.resetAndDestroy());
    expect(await probe(fin, TLS_VERSIONS['TLSv1.0'])).toEqual({ outcome: 'rejected', reason: 'closed' });
    expect(await probe(rst, TLS_VERSIONS['TLSv1.0'])).toEqual({ outcome: 'rejected', reason: 'closed' });
  });

  it('reports a refused connection as an error', async () => {
    const port = await rawServer(() => undefined);
    await servers.close(port);
    expect(await probe(port, TLS_VERSIONS['TLSv1.2'])).toMatchObject({ outcome: 'error', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('reports a ServerHello for a version that was not offered as other-version', async () => {
    const hello = '160301002a' + '02000026' + '0301' + '00'.repeat(32) + '00' + 'c02f' + '00';
    const port = await rawServer((socket) => socket.write(Buffer.from(hello, 'hex')));
    expect(await probeHello(HOST, port, { version: TLS_VERSIONS['TLSv1.2'], ciphers: [0xc02f] })).toEqual({ outcome: 'rejected', reason: 'other-version', serverVersion: 0x0301 });
  });

  it('reports a server choosing a suite that was not offered as an error', async () => {
    const hello = '160303002a' + '02000026' + '0303' + '00'.repeat(32) + '00' + '0005' + '00';
    const port = await rawServer((socket) => socket.write(Buffer.from(hello, 'hex')));
    expect(await probeHello(HOST, port, { version: TLS_VERSIONS['TLSv1.2'], ciphers: [0xc02f] })).toEqual({ outcome: 'error', message: 'TLSv1.2 server chose TLS_RSA_WITH_RC4_128_SHA, which was not offered' });
  });
});
