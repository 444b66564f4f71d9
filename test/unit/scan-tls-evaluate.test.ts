import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { evaluateTls, signatureAlgorithmOf, type CertificateFacts, type VersionResult } from '../../src/scan/tls/index.js';

const no: VersionResult = { accepted: false };
const cert: CertificateFacts = {
  outcome: 'ok', trusted: true, hostnameMatch: true, subject: 'CN=x', issuer: 'CN=ca', validFrom: new Date('2026-01-01'), validTo: new Date('2027-01-01'),
  keyType: 'rsa', keyBits: 1024, signatureAlgorithm: 'sha1WithRSAEncryption', ocspStapled: true, alpn: 'h2',
};

describe('evaluateTls (facts a local Node server cannot produce)', () => {
  it('reports SSLv3, weak key, SHA-1, compression and missing secure renegotiation', () => {
    const versions = { SSLv3: { accepted: true }, 'TLSv1.0': no, 'TLSv1.1': no, 'TLSv1.2': { accepted: true, compression: 1, secureRenegotiation: false }, 'TLSv1.3': { accepted: false, error: 'timeout' } };
    const ids = evaluateTls({ versions, ciphers: { 'TLSv1.2': { ciphers: [{ code: 0x000a, name: '' }, { code: 0x0003, name: '' }], complete: true } }, certificate: cert, now: new Date('2026-06-01') }).map((f) => f.id);
    // TLS 1.3 errored: unknown, so no "TLS 1.3 not supported" (005), but 021.
    expect(ids).toEqual(['AEGIS-SCAN-TLS-001', 'AEGIS-SCAN-TLS-006', 'AEGIS-SCAN-TLS-007', 'AEGIS-SCAN-TLS-009', 'AEGIS-SCAN-TLS-015', 'AEGIS-SCAN-TLS-016', 'AEGIS-SCAN-TLS-019', 'AEGIS-SCAN-TLS-020', 'AEGIS-SCAN-TLS-021']);
  });
});

describe('evaluateTls: protocol versions', () => {
  const good: CertificateFacts = { ...cert, keyBits: 2048, signatureAlgorithm: 'sha256WithRSAEncryption' };
  const ids = (versions: Record<'SSLv3' | 'TLSv1.0' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3', VersionResult>) => evaluateTls({ versions, ciphers: {}, certificate: good, now: new Date('2026-06-01') }).map((f) => f.id);

  it('TLS 1.3 only is the strongest setting: no finding; neither 1.2 nor 1.3 is TLS-004', () => {
    expect(ids({ SSLv3: no, 'TLSv1.0': no, 'TLSv1.1': no, 'TLSv1.2': no, 'TLSv1.3': { accepted: true } })).toEqual([]);
    expect(ids({ SSLv3: no, 'TLSv1.0': { accepted: true }, 'TLSv1.1': no, 'TLSv1.2': no, 'TLSv1.3': no })).toEqual(['AEGIS-SCAN-TLS-002', 'AEGIS-SCAN-TLS-004', 'AEGIS-SCAN-TLS-005']);
  });
});

describe('signatureAlgorithmOf', () => {
  it('reads sha1WithRSAEncryption from an openssl SHA-1 certificate, and refuses garbage', () => {
    const pem = execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:1024', '-nodes', '-keyout', '/dev/null', '-sha1', '-days', '1', '-subj', '/CN=x'], { stdio: ['ignore', 'pipe', 'ignore'] });
    expect(signatureAlgorithmOf(new X509Certificate(pem).raw)).toBe('sha1WithRSAEncryption');
    expect(signatureAlgorithmOf(Buffer.from('3003020100', 'hex'))).toBe('unknown');
  });
});
