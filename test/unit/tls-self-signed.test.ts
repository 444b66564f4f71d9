import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createSecureContext, createServer } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { AegisConfigError } from '../../src/core/config-error.js';
import { createSelfSignedCertificate } from '../../src/tls/index.js';

const NOW = new Date('2026-11-24T01:02:03.456Z');
const defaults = createSelfSignedCertificate({ now: NOW });
const x509 = new X509Certificate(defaults.cert);

function opensslText(cert: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'aegis-tls-'));
  writeFileSync(join(dir, 'cert.pem'), cert);
  return execFileSync('openssl', ['x509', '-in', join(dir, 'cert.pem'), '-noout', '-text'], { encoding: 'utf8' });
}

describe('createSelfSignedCertificate', () => {
  it('returns a PKCS#8 key and a PEM certificate', () => {
    expect(defaults.key).toMatch(/^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PRIVATE KEY-----\n$/);
    expect(defaults.cert).toMatch(/^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{64}\n)+[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/);
    expect(createPrivateKey(defaults.key).asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
  });

  it('is parsed by X509Certificate with the default names', () => {
    expect(x509.subject).toBe('CN=Aegis development certificate');
    expect(x509.issuer).toBe('CN=Aegis development certificate');
    expect(x509.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(x509.ca).toBe(false);
    expect(x509.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // Node reports extendedKeyUsage here
    expect(x509.publicKey.asymmetricKeyType).toBe('ec');
  });

  it('covers localhost, 127.0.0.1 and ::1 and nothing else', () => {
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkIP('::1')).toBe('::1');
    expect(x509.checkHost('example.com')).toBeUndefined();
    expect(x509.checkIP('127.0.0.2')).toBeUndefined();
  });

  it('verifies with its own public key, and the key matches', () => {
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(defaults.key))).toBe(true);
  });

  it('is not "issued by itself" in OpenSSL terms: a CA:FALSE leaf has no keyCertSign', () => {
    expect(x509.checkIssued(x509)).toBe(false);
  });

  it('passes openssl verify -x509_strict when trusted as its own anchor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aegis-tls-'));
    writeFileSync(join(dir, 'cert.pem'), defaults.cert);
    const out = execFileSync('openssl', ['verify', '-x509_strict', '-CAfile', join(dir, 'cert.pem'), join(dir, 'cert.pem')], { encoding: 'utf8' });
    expect(out).toBe(`${join(dir, 'cert.pem')}: OK\n`);
  });

  it('is valid from now - 1 hour to now + 90 days, to the second', () => {
    expect(defaults.notBefore.toISOString()).toBe('2026-11-24T00:02:03.000Z');
    expect(defaults.notAfter.toISOString()).toBe('2027-02-22T01:02:03.000Z');
    expect(x509.validFrom).toBe('Nov 24 00:02:03 2026 GMT');
    expect(x509.validTo).toBe('Feb 22 01:02:03 2027 GMT');
  });

  it('writes GeneralizedTime after 2049', () => {
    const late = createSelfSignedCertificate({ now: new Date('2049-12-01T00:00:00Z'), days: 45 });
    expect(new X509Certificate(late.cert).validTo).toBe('Jan 15 00:00:00 2050 GMT');
    expect(late.notAfter.toISOString()).toBe('2050-01-15T00:00:00.000Z');
  });

  it('has a random positive 16-byte serial', () => {
    const serials = new Set([x509.serialNumber, ...Array.from({ length: 20 }, () => new X509Certificate(createSelfSignedCertificate().cert).serialNumber)]);
    expect(serials.size).toBe(21);
    for (const serial of serials) {
      expect(serial).toMatch(/^[0-7][0-9A-F]{31}$/);
      expect(serial.startsWith('00')).toBe(false);
    }
  });

  it('takes names, an IPv6 address in 16 bytes, days and a common name', () => {
    const custom = createSelfSignedCertificate({
      dnsNames: ['App.Test', '*.app.test', 'app.test'],
      ipAddresses: ['10.0.0.7', '[2001:db8::5]'],
      days: 1,
      now: NOW,
      commonName: 'Dev – é',
    });
    const parsed = new X509Certificate(custom.cert);
    expect(parsed.subjectAltName).toBe('DNS:app.test, DNS:*.app.test, IP Address:10.0.0.7, IP Address:2001:DB8:0:0:0:0:0:5');
    expect(parsed.subject).toBe('CN=Dev – é');
    expect(parsed.checkHost('api.app.test')).toBe('*.app.test');
    expect(parsed.checkIP('2001:db8::5')).toBe('2001:db8::5');
    expect(custom.notAfter.toISOString()).toBe('2026-11-25T01:02:03.000Z');
  });

  it('is accepted by tls.createSecureContext', () => {
    expect(() => createSecureContext({ key: defaults.key, cert: defaults.cert })).not.toThrow();
  });

  it('completes a real TLS handshake, trusted as its own CA', async () => {
    const { key, cert } = createSelfSignedCertificate();
    const server = createServer({ key, cert }, (socket) => socket.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const result = await new Promise<{ authorized: boolean; error: string | undefined; data: string }>((resolve, reject) => {
        const socket = connect({ port, host: '127.0.0.1', servername: 'localhost', ca: cert }, () => {
          let data = '';
          socket.setEncoding('utf8');
          socket.on('data', (chunk: string) => (data += chunk));
          socket.on('end', () => resolve({ authorized: socket.authorized, error: socket.authorizationError?.message, data }));
        });
        socket.on('error', reject);
      });
      expect(result).toEqual({ authorized: true, error: undefined, data: 'hello' });
    } finally {
      server.close();
    }
  });

  it('is refused for a name it does not carry', async () => {
    const { key, cert } = createSelfSignedCertificate();
    const server = createServer({ key, cert }, (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const error = await new Promise<Error>((resolve) => {
        connect({ port, host: '127.0.0.1', servername: 'example.com', ca: cert }).on('error', resolve);
      });
      expect(error.message).toBe("Hostname/IP does not match certificate's altnames: Host: example.com. is not in the cert's altnames: DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
    } finally {
      server.close();
    }
  });

  it('reads correctly in openssl x509 -text', () => {
    const text = opensslText(defaults.cert);
    expect(text).toContain('Version: 3 (0x2)');
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA256');
    expect(text).toContain('Issuer: CN = Aegis development certificate');
    expect(text).toContain('Not Before: Nov 24 00:02:03 2026 GMT');
    expect(text).toContain('Not After : Feb 22 01:02:03 2027 GMT');
    expect(text).toContain('ASN1 OID: prime256v1');
    expect(text).toMatch(/X509v3 Subject Alternative Name: \n\s+DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1\n/);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\n\s+CA:FALSE\n/);
    expect(text).toMatch(/X509v3 Key Usage: critical\n\s+Digital Signature\n/);
    expect(text).toMatch(/X509v3 Extended Key Usage: \n\s+TLS Web Server Authentication\n/);
    expect(text).toMatch(/X509v3 Subject Key Identifier: \n\s+([0-9A-F]{2}:){19}[0-9A-F]{2}\n/);
  });

  it('has a subject key identifier that is the SHA-1 of the public key (RFC 5280 method 1)', () => {
    const text = opensslText(defaults.cert);
    const ski = /X509v3 Subject Key Identifier: \n\s+(\S+)\n/.exec(text)?.[1];
    const spki = x509.publicKey.export({ type: 'spki', format: 'der' });
    const expected = execFileSync('openssl', ['dgst', '-sha1', '-hex'], { input: spki.subarray(spki.length - 65) }).toString().trim().split(' ').pop();
    expect(ski?.replace(/:/g, '').toLowerCase()).toBe(expected);
  });

  it('lists every invalid option in one AegisConfigError', () => {
    const attempt = () =>
      createSelfSignedCertificate({
        dnsNames: ['exa mple.com', '127.0.0.1', '*.localhost', 'example.com:443'],
        ipAddresses: ['localhost', '::1%eth0'],
        days: 900,
        now: new Date('nope'),
        commonName: '',
        // @ts-expect-error an unknown option
        dnsName: ['x'],
      });
    expect(attempt).toThrow(AegisConfigError);
    let problems: readonly { path: string; message: string }[] = [];
    try {
      attempt();
    } catch (err) {
      problems = (err as AegisConfigError).problems;
    }
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'options.dnsName: unknown option.',
      'dnsNames[0]: "exa mple.com" is not a DNS name.',
      'dnsNames[1]: "127.0.0.1" is an IP address; certificates list addresses separately and clients do not match them against DNS names.',
      'dnsNames[2]: "*.localhost" has a single label after the wildcard, which TLS clients (OpenSSL, Node.js, browsers) never match.',
      'dnsNames[3]: "example.com:443" is not a DNS name.',
      'ipAddresses[0]: "localhost" is not an IPv4 or IPv6 address (no port, no zone).',
      'ipAddresses[1]: "::1%eth0" is not an IPv4 or IPv6 address (no port, no zone).',
      'days: 900 is not a whole number of days from 1 to 824.',
      'now: the Date is invalid (its time is NaN).',
      'commonName: "" is not a name of 1 to 64 characters (RFC 5280 ub-common-name).',
    ]);
  });

  it('refuses a certificate with no names at all', () => {
    expect(() => createSelfSignedCertificate({ dnsNames: [], ipAddresses: [] })).toThrow(
      "dnsNames: the certificate would name no host, so no client could accept it. Fix: list at least one name, e.g. dnsNames: ['localhost'].",
    );
  });
});
