import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { AegisConfigError } from '../../src/core/config-error.js';
import { loadOrCreateDevCertificate } from '../../src/tls/index.js';

const NOW = new Date('2026-11-24T01:02:03Z');
const DAY = 86_400_000;
const later = (days: number) => new Date(NOW.getTime() + days * DAY);
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'aegis-dev-cert-')), 'nested', '.aegis');
});

describe('loadOrCreateDevCertificate', () => {
  it('creates the directory (0700) and the pair (0600) on first use', () => {
    const result = loadOrCreateDevCertificate(dir, { now: NOW });
    expect(result).toMatchObject({
      keyPath: join(dir, 'dev-key.pem'),
      certPath: join(dir, 'dev-cert.pem'),
      created: true,
      reason: 'no cached certificate',
      permissionsFixed: false,
    });
    expect(result.notAfter.toISOString()).toBe('2027-02-22T01:02:03.000Z');
    expect(mode(dir)).toBe('700');
    expect(mode(result.keyPath)).toBe('600');
    expect(mode(result.certPath)).toBe('600');
    expect(readFileSync(result.keyPath, 'utf8')).toBe(result.key);
    expect(readFileSync(result.certPath, 'utf8')).toBe(result.cert);
    expect(readdirSync(dir).sort()).toEqual(['dev-cert.pem', 'dev-key.pem']); // no temporary files left
    expect(new X509Certificate(result.cert).subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  });

  it('reuses the cached pair byte for byte', () => {
    const first = loadOrCreateDevCertificate(dir, { now: NOW });
    const second = loadOrCreateDevCertificate(dir, { now: later(30) });
    expect(second).toEqual({ ...first, created: false, reason: undefined });
    expect(readFileSync(second.certPath, 'utf8')).toBe(first.cert);
  });

  it('renews when the certificate is within renewWithinDays of expiry', () => {
    const first = loadOrCreateDevCertificate(dir, { now: NOW });
    expect(loadOrCreateDevCertificate(dir, { now: later(82.9) }).created).toBe(false); // 7.1 days left
    const renewed = loadOrCreateDevCertificate(dir, { now: later(83) }); // exactly 7 days left
    expect(renewed.created).toBe(true);
    expect(renewed.reason).toBe('the certificate expires within 7 days (2027-02-22T01:02:03.000Z)');
    expect(renewed.cert).not.toBe(first.cert);
    expect(renewed.notAfter.toISOString()).toBe('2027-05-16T01:02:03.000Z'); // 83 + 90 days after NOW
    expect(readFileSync(renewed.certPath, 'utf8')).toBe(renewed.cert);
  });

  it('honours renewWithinDays and replaces an expired certificate', () => {
    loadOrCreateDevCertificate(dir, { now: NOW });
    expect(loadOrCreateDevCertificate(dir, { now: later(50), renewWithinDays: 45 }).reason).toBe('the certificate expires within 45 days (2027-02-22T01:02:03.000Z)');
    expect(loadOrCreateDevCertificate(dir, { now: later(500) }).reason).toBe('the certificate expired on 2027-04-13T01:02:03.000Z'); // the one renewed at day 50
  });

  it('replaces a certificate that is not valid yet (the clock went back)', () => {
    loadOrCreateDevCertificate(dir, { now: NOW });
    expect(loadOrCreateDevCertificate(dir, { now: later(-1) }).reason).toBe('the certificate is not valid before 2026-11-24T00:02:03.000Z');
  });

  it.each([
    ['a corrupted certificate', (d: string) => writeFileSync(join(d, 'dev-cert.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), 'dev-cert.pem is not a readable certificate'],
    ['a corrupted key', (d: string) => writeFileSync(join(d, 'dev-key.pem'), 'not a key'), 'dev-key.pem is not a readable private key for dev-cert.pem'],
    [
      'a key of another pair',
      (d: string) => writeFileSync(join(d, 'dev-key.pem'), generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' })),
      'dev-key.pem does not belong to dev-cert.pem',
    ],
    ['a missing key', (d: string) => rmSync(join(d, 'dev-key.pem')), 'dev-key.pem is missing'],
    ['a missing certificate', (d: string) => rmSync(join(d, 'dev-cert.pem')), 'dev-cert.pem is missing'],
  ])('replaces %s', (_label, damage, reason) => {
    loadOrCreateDevCertificate(dir, { now: NOW });
    damage(dir);
    const replaced = loadOrCreateDevCertificate(dir, { now: NOW });
    expect(replaced).toMatchObject({ created: true, reason });
    expect(new X509Certificate(readFileSync(replaced.certPath)).checkPrivateKey(createPrivateKey(readFileSync(replaced.keyPath, 'utf8')))).toBe(true);
    expect(loadOrCreateDevCertificate(dir, { now: NOW }).created).toBe(false);
  });

  it('creates a new certificate when the names change, and accepts a superset', () => {
    loadOrCreateDevCertificate(dir, { now: NOW });
    const wider = loadOrCreateDevCertificate(dir, { now: NOW, dnsNames: ['localhost', 'App.Test'], ipAddresses: ['127.0.0.1', '::1', '10.0.0.7'] });
    expect(wider.reason).toBe('the certificate does not cover app.test, 10.0.0.7');
    expect(new X509Certificate(wider.cert).subjectAltName).toBe('DNS:localhost, DNS:app.test, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:10.0.0.7');
    expect(loadOrCreateDevCertificate(dir, { now: NOW, dnsNames: ['app.test'], ipAddresses: ['[::1]'] })).toMatchObject({ created: false, cert: wider.cert });
  });

  it('resets cached files readable by others to 0600 and says so', () => {
    const first = loadOrCreateDevCertificate(dir, { now: NOW });
    chmodSync(first.keyPath, 0o644);
    chmodSync(first.certPath, 0o660);
    const again = loadOrCreateDevCertificate(dir, { now: NOW });
    expect(again).toMatchObject({ created: false, permissionsFixed: true, key: first.key });
    expect([mode(first.keyPath), mode(first.certPath)]).toEqual(['600', '600']);
    expect(loadOrCreateDevCertificate(dir, { now: NOW }).permissionsFixed).toBe(false);
  });

  it('lists every invalid option in one AegisConfigError', () => {
    let error: unknown;
    try {
      // @ts-expect-error a number is not a list of names
      loadOrCreateDevCertificate('', { renewWithinDays: 90, dnsNames: 3, ipAddresses: ['1.2.3.4:80'] });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AegisConfigError);
    expect((error as AegisConfigError).problems.map((p) => p.path)).toEqual(['dir', 'renewWithinDays', 'dnsNames', 'ipAddresses[0]']);
    expect((error as AegisConfigError).problems[1]?.message).toBe('90 is not a number of days from 0 to below 90 (a new certificate is valid for 90 days).');
  });
});
