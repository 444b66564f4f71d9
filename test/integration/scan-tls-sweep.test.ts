import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TlsOptions } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { enumerateGroups, NAMED_GROUPS, probeHello, scanTls, TLS13_SUITES, TLS_VERSIONS } from '../../src/scan/tls/index.js';
import { certificateFiles, rsaCertificateFiles } from '../helpers/certificates.js';
import { HOST, TestServers } from '../helpers/test-servers.js';

const DAY = 86_400_000;
const servers = new TestServers();
const tlsServer = (options: TlsOptions): Promise<number> => servers.tls(options);

const ids = (findings: readonly { id: string }[]): string[] => findings.map((f) => f.id);

const ec = certificateFiles({}).pem;
const rsaFiles = rsaCertificateFiles();
const rsa = { cert: readFileSync(rsaFiles.cert, 'utf8'), key: readFileSync(rsaFiles.key, 'utf8') };

afterAll(() => {
  servers.closeAll();
});

describe('scanTls', () => {
  // Node's DEFAULT cipher list still serves ECDHE-ECDSA AES-CBC suites at TLS 1.2: a default server gets the low CBC finding.
  it('finds only the low CBC finding and info ones on a default modern server with h2 whose certificate is trusted via ca', async () => {
    const port = await tlsServer({ ...ec, ALPNProtocols: ['h2', 'http/1.1'] });
    const scan = await scanTls(HOST, port, { servername: 'localhost', ca: ec.cert, timeoutMs: 2000 });
    expect(scan.versions).toMatchObject({ SSLv3: { accepted: false }, 'TLSv1.0': { accepted: false }, 'TLSv1.1': { accepted: false }, 'TLSv1.2': { accepted: true, compression: 0, secureRenegotiation: true }, 'TLSv1.3': { accepted: true } });
    expect(Object.keys(scan.ciphers).sort()).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(scan.ciphers['TLSv1.3']?.ciphers.map((c) => c.name).sort()).toEqual(['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']);
    expect(scan.certificate).toMatchObject({ outcome: 'ok', trusted: true, hostnameMatch: true, keyType: 'ec', keyBits: 256, signatureAlgorithm: 'ecdsa-with-SHA256', ocspStapled: false, alpn: 'h2' });
    expect(ids(scan.findings)).toEqual(['AEGIS-SCAN-TLS-008', 'AEGIS-SCAN-TLS-017']);
    expect(scan.findings.filter((f) => f.severity !== 'info').map((f) => f.severity)).toEqual(['low']);
  });

  it('reports the same certificate as untrusted without ca, and no h2 when ALPN is not configured', async () => {
    const port = await tlsServer(ec);
    const scan = await scanTls(HOST, port, { servername: 'localhost', timeoutMs: 2000 });
    expect(scan.certificate).toMatchObject({ outcome: 'ok', trusted: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT', alpn: false });
    expect(ids(scan.findings)).toEqual(['AEGIS-SCAN-TLS-008', 'AEGIS-SCAN-TLS-011', 'AEGIS-SCAN-TLS-017', 'AEGIS-SCAN-TLS-018']);
  });

  it('reports TLS 1.0/1.1, CBC and RSA key exchange on a legacy RSA server, and the 2-day certificate as expiring', async () => {
    const port = await tlsServer({ ...rsa, minVersion: 'TLSv1', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA:AES128-SHA:AES256-GCM-SHA384:@SECLEVEL=0' });
    const scan = await scanTls(HOST, port, { servername: 'localhost', ca: rsa.cert, timeoutMs: 2000 });
    expect(scan.versions['TLSv1.0']).toMatchObject({ accepted: true, secureRenegotiation: true, compression: 0 });
    expect(scan.ciphers['TLSv1.0']?.ciphers.map((c) => c.code).sort((a, b) => a - b)).toEqual([0x002f, 0xc013]);
    expect(scan.ciphers['TLSv1.2']?.ciphers.map((c) => c.code).sort((a, b) => a - b)).toEqual([0x002f, 0x009d, 0xc013, 0xc02f]);
    expect(scan.certificate).toMatchObject({ outcome: 'ok', trusted: true, keyType: 'rsa', keyBits: 2048, signatureAlgorithm: 'sha256WithRSAEncryption' });
    expect(ids(scan.findings)).toEqual(['AEGIS-SCAN-TLS-002', 'AEGIS-SCAN-TLS-003', 'AEGIS-SCAN-TLS-008', 'AEGIS-SCAN-TLS-009', 'AEGIS-SCAN-TLS-014', 'AEGIS-SCAN-TLS-017', 'AEGIS-SCAN-TLS-018']);
    expect(scan.findings.find((f) => f.id === 'AEGIS-SCAN-TLS-009')?.evidence).toBe('TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_256_GCM_SHA384');
  });

  it('sees TLS 1.2 on a server that accepts only rare suites (ARIA, CCM), and lists them', async () => {
    const port = await tlsServer({ ...rsa, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ARIA128-GCM-SHA256:AES128-CCM:@SECLEVEL=0' });
    const scan = await scanTls(HOST, port, { servername: 'localhost', ca: rsa.cert, timeoutMs: 2000 });
    expect(scan.versions['TLSv1.2'].accepted).toBe(true);
    expect(scan.ciphers['TLSv1.2']?.ciphers.map((c) => c.name).sort()).toEqual(['TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256', 'TLS_RSA_WITH_AES_128_CCM']);
  });

  it('does not take a common name for a subjectAltName: a CN-only certificate does not cover the host (TLS-013)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aegis-cn-only-'));
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    try {
      const pem = readFileSync(cert);
      const port = await tlsServer({ cert: pem, key: readFileSync(key) });
      const scan = await scanTls(HOST, port, { servername: 'localhost', ca: pem, timeoutMs: 2000 });
      expect(scan.certificate).toMatchObject({ outcome: 'ok', trusted: true, hostnameMatch: false, hostnameError: 'localhost is not covered by the certificate (subjectAltName: none)' });
      expect(ids(scan.findings)).toContain('AEGIS-SCAN-TLS-013');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a server that prefers a weak suite over a strong one it supports', async () => {
    const port = await tlsServer({ ...rsa, maxVersion: 'TLSv1.2', honorCipherOrder: true, ciphers: 'AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256' });
    const scan = await scanTls(HOST, port, { servername: 'localhost', ca: rsa.cert, timeoutMs: 2000 });
    expect(ids(scan.findings)).toEqual(['AEGIS-SCAN-TLS-005', 'AEGIS-SCAN-TLS-008', 'AEGIS-SCAN-TLS-009', 'AEGIS-SCAN-TLS-010', 'AEGIS-SCAN-TLS-014', 'AEGIS-SCAN-TLS-017', 'AEGIS-SCAN-TLS-018']);
  });

  it('reports an expired certificate and one for another name', async () => {
    const expired = certificateFiles({ now: new Date(Date.now() - 100 * DAY), days: 10 }).pem;
    const other = certificateFiles({ dnsNames: ['other.example'] }).pem;
    const expiredScan = await scanTls(HOST, await tlsServer({ ...expired, ALPNProtocols: ['h2'] }), { servername: 'localhost', ca: expired.cert, timeoutMs: 2000 });
    expect(expiredScan.certificate).toMatchObject({ trusted: false, authorizationError: 'CERT_HAS_EXPIRED' });
    expect(ids(expiredScan.findings)).toEqual(['AEGIS-SCAN-TLS-008', 'AEGIS-SCAN-TLS-012', 'AEGIS-SCAN-TLS-017']);
    const otherScan = await scanTls(HOST, await tlsServer({ ...other, ALPNProtocols: ['h2'] }), { servername: 'localhost', ca: other.cert, timeoutMs: 2000 });
    expect(ids(otherScan.findings)).toEqual(['AEGIS-SCAN-TLS-008', 'AEGIS-SCAN-TLS-013', 'AEGIS-SCAN-TLS-017']);
    expect(otherScan.findings[1]?.evidence).toBe('localhost is not covered by the certificate (subjectAltName: DNS:other.example, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1)');
  });

  it('lists the key exchange groups with the versions: a default server accepts x25519 first, at TLS 1.3', async () => {
    const port = await tlsServer(ec);
    const scan = await scanTls(HOST, port, { servername: 'localhost', ca: ec.cert, timeoutMs: 2000 });
    expect(scan.groups).toMatchObject({ version: 'TLSv1.3', complete: true });
    expect(scan.groups.groups.slice(0, 3)).toEqual(['x25519', 'secp256r1', 'secp384r1']);
    expect(scan.groups.error).toBeUndefined();
  });

  it('turns a garbage server and a silent one into error entries within the timeout', async () => {
    const garbage = await servers.raw((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const silent = await servers.raw(() => undefined);
    for (const port of [garbage, silent]) {
      const started = Date.now();
      const scan = await scanTls(HOST, port, { servername: 'localhost', timeoutMs: 400 });
      expect(Date.now() - started).toBeLessThan(2500);
      expect(Object.values(scan.versions).every((v) => !v.accepted && v.error !== undefined)).toBe(true);
      expect(scan.ciphers).toEqual({});
      expect(scan.groups).toMatchObject({ version: 'TLSv1.3', groups: [], complete: false });
      expect(scan.groups.error).toBe(port === garbage ? 'not a TLS handshake record at byte 0: 485454502f' : 'no answer within 400 ms');
      expect(scan.certificate.outcome).toBe('error');
      expect(ids(scan.findings)).toEqual(['AEGIS-SCAN-TLS-021']);
    }
  });
});

/** Whether `openssl s_client` completes a handshake with `args`; run asynchronously, since the server lives in this process. */
function opensslConnects(port: number, args: readonly string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('openssl', ['s_client', '-connect', `${HOST}:${port}`, '-servername', 'localhost', '-brief', ...args], { stdio: ['pipe', 'ignore', 'ignore'], timeout: 5000 });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
    child.stdin.end();
  });
}

/**
 * What `openssl s_client` gets when it offers each group alone (an independent check of the raw
 * probe): the names it completes a handshake with. The hybrid ML-KEM groups are left out: this
 * OpenSSL (3.0) does not know them.
 */
async function opensslGroups(port: number, version: 'tls1_2' | 'tls1_3', cipher?: string): Promise<string[]> {
  const candidates = NAMED_GROUPS.filter((group) => group.kind !== 'hybrid' && (version === 'tls1_3' || group.kind === 'ec')).map((group) => group.name);
  const accepted: string[] = [];
  for (const name of candidates) {
    if (await opensslConnects(port, [`-${version}`, '-groups', name, ...(cipher === undefined ? [] : ['-cipher', cipher])])) accepted.push(name);
  }
  return accepted;
}

describe('key exchange groups', () => {
  const options = { servername: 'localhost', timeoutMs: 2000 };

  it('finds x25519 and secp256r1 on ecdhCurve X25519:P-256, as openssl s_client does', async () => {
    const port = await tlsServer({ ...ec, ecdhCurve: 'X25519:P-256' });
    expect(await enumerateGroups(HOST, port, options)).toEqual({ version: 'TLSv1.3', groups: ['x25519', 'secp256r1'], complete: true });
    expect(await opensslGroups(port, 'tls1_3')).toEqual(['x25519', 'secp256r1']);
    const scan = await scanTls(HOST, port, { ...options, ca: ec.cert });
    expect(scan.groups).toEqual({ version: 'TLSv1.3', groups: ['x25519', 'secp256r1'], complete: true });
  });

  it('finds only secp384r1 on ecdhCurve P-384: a HelloRetryRequest names it, a ServerHello names x25519 elsewhere', async () => {
    const port = await tlsServer({ ...ec, ecdhCurve: 'P-384' });
    expect(await enumerateGroups(HOST, port, options)).toEqual({ version: 'TLSv1.3', groups: ['secp384r1'], complete: true });
    const hello = { ...options, version: TLS_VERSIONS['TLSv1.3'], ciphers: TLS13_SUITES };
    expect(await probeHello(HOST, port, hello)).toMatchObject({ outcome: 'accepted', helloRetry: true, group: 0x0018 });
    expect(await probeHello(HOST, port, { ...hello, groups: [0x0018] })).toMatchObject({ outcome: 'accepted', helloRetry: true, group: 0x0018 });
    expect(await probeHello(HOST, port, { ...hello, groups: [0x0017] })).toEqual({ outcome: 'rejected', reason: 'alert', alert: { kind: 'alert', level: 2, description: 40, name: 'handshake_failure' } });
    expect(await probeHello(HOST, await tlsServer(ec), hello)).toMatchObject({ outcome: 'accepted', helloRetry: false, group: 0x001d });
  });

  it('falls back to the TLS 1.2 curves with the ECDHE suites on a TLS 1.2-only server with ecdhCurve P-256:P-521', async () => {
    const port = await tlsServer({ ...rsa, maxVersion: 'TLSv1.2', ecdhCurve: 'P-256:P-521' });
    expect(await enumerateGroups(HOST, port, options)).toEqual({ version: 'TLSv1.2', groups: ['secp256r1', 'secp521r1'], complete: true });
    expect(await opensslGroups(port, 'tls1_2', 'ECDHE')).toEqual(['secp256r1', 'secp521r1']);
    const scan = await scanTls(HOST, port, { ...options, ca: rsa.cert });
    expect(scan.groups).toEqual({ version: 'TLSv1.2', groups: ['secp256r1', 'secp521r1'], complete: true });
  });

  // TLS 1.2 also uses supported_groups for the certificate (RFC 8422 §5.1): a P-256 ECDSA server
  // refuses a client that lists only P-521, so offering each curve alone finds only the
  // certificate's curve. openssl s_client -groups sees the same.
  it('over TLS 1.2 with an ECDSA P-256 certificate, sees only the certificate curve', async () => {
    const port = await tlsServer({ ...ec, maxVersion: 'TLSv1.2', ecdhCurve: 'P-256:P-521' });
    expect(await enumerateGroups(HOST, port, options)).toEqual({ version: 'TLSv1.2', groups: ['secp256r1'], complete: true });
    expect(await opensslGroups(port, 'tls1_2', 'ECDHE')).toEqual(['secp256r1']);
  });

  it('finds finite field groups and x448 at TLS 1.3 (empty key_share, HelloRetryRequest)', async () => {
    const port = await tlsServer({ ...ec, ecdhCurve: 'ffdhe2048:X448' });
    expect(await enumerateGroups(HOST, port, options)).toEqual({ version: 'TLSv1.3', groups: ['x448', 'ffdhe2048'], complete: true });
  });
});
