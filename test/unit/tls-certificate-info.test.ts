import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certificateCovers, createSelfSignedCertificate, daysUntilExpiry, inspectCertificate } from '../../src/tls/index.js';

const dir = mkdtempSync(join(tmpdir(), 'aegis-cert-info-'));
const file = (name: string) => join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

// A self-signed wildcard certificate, as `openssl req -x509` makes it.
const WILDCARD_SAN = 'DNS:www.example.com,DNS:*.example.com,DNS:Example.NET,DNS:f*.example.org,DNS:*.org,DNS:192.0.2.99,IP:192.0.2.10,IP:2001:db8::5';
openssl('req', '-x509', ...EC, '-keyout', file('wild.key'), '-out', file('wild.pem'), '-days', '30', '-subj', '/C=DE/O=Example Org/CN=www.example.com', '-addext', `subjectAltName=${WILDCARD_SAN}`);
const wildPem = readFileSync(file('wild.pem'), 'utf8');

// A CA and a leaf it signed, saved leaf first as a 2-certificate chain.
openssl('req', '-x509', ...EC, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '10', '-subj', '/CN=Aegis Test CA', '-addext', 'basicConstraints=critical,CA:TRUE');
openssl('req', '-new', ...EC, '-keyout', file('leaf.key'), '-out', file('leaf.csr'), '-subj', '/CN=api.example.com');
writeFileSync(file('leaf.ext'), 'subjectAltName=DNS:api.example.com,IP:10.1.2.3\n');
openssl('x509', '-req', '-in', file('leaf.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-set_serial', '0x1234', '-days', '5', '-extfile', file('leaf.ext'), '-out', file('leaf.pem'));
const chainPem = readFileSync(file('leaf.pem'), 'utf8') + readFileSync(file('ca.pem'), 'utf8');

/** What openssl itself reports, to compare with. */
function opensslFacts(pemFile: string): { from: Date; to: Date; fingerprint: string } {
  const out = openssl('x509', '-in', pemFile, '-noout', '-startdate', '-enddate', '-fingerprint', '-sha256');
  const field = (name: string) => new RegExp(`${name}=(.+)`).exec(out)?.[1] ?? '';
  return { from: new Date(field('notBefore')), to: new Date(field('notAfter')), fingerprint: field('Fingerprint') };
}

describe('inspectCertificate', () => {
  it('reads a self-signed openssl certificate with wildcard and IP SANs', () => {
    const info = inspectCertificate(wildPem);
    const facts = opensslFacts(file('wild.pem'));
    expect(info).toEqual({
      subject: 'C=DE\nO=Example Org\nCN=www.example.com',
      issuer: 'C=DE\nO=Example Org\nCN=www.example.com',
      validFrom: facts.from,
      validTo: facts.to,
      dnsNames: ['www.example.com', '*.example.com', 'Example.NET', 'f*.example.org', '*.org', '192.0.2.99'],
      ipAddresses: ['192.0.2.10', '2001:db8::5'],
      fingerprint256: facts.fingerprint,
      selfSigned: true,
      chainLength: 1,
    });
    expect(info.validTo.getTime() - info.validFrom.getTime()).toBe(30 * 86_400_000);
  });

  it('reads the leaf of a 2-certificate chain and counts the chain', () => {
    const info = inspectCertificate(Buffer.from(chainPem));
    const facts = opensslFacts(file('leaf.pem'));
    expect(info).toEqual({
      subject: 'CN=api.example.com',
      issuer: 'CN=Aegis Test CA',
      validFrom: facts.from,
      validTo: facts.to,
      dnsNames: ['api.example.com'],
      ipAddresses: ['10.1.2.3'],
      fingerprint256: facts.fingerprint,
      selfSigned: false,
      chainLength: 2,
    });
  });

  it('reads its own certificates to the second', () => {
    const { cert } = createSelfSignedCertificate({ now: new Date('2026-11-24T01:02:03.456Z') });
    const info = inspectCertificate(cert);
    expect(info.subject).toBe('CN=Aegis development certificate');
    expect(info.validFrom.toISOString()).toBe('2026-11-24T00:02:03.000Z');
    expect(info.validTo.toISOString()).toBe('2027-02-22T01:02:03.000Z');
    expect(info.dnsNames).toEqual(['localhost']);
    expect(info.ipAddresses).toEqual(['127.0.0.1', '::1']);
    expect(info.selfSigned).toBe(true);
    expect(info.fingerprint256).toBe(new X509Certificate(cert).fingerprint256);
  });

  it('reads a DER buffer as one certificate', () => {
    const der = new X509Certificate(wildPem).raw;
    expect(inspectCertificate(der)).toEqual(inspectCertificate(wildPem));
  });

  it('reads SAN values that Node quotes, without letting them inject names', () => {
    writeFileSync(file('quoted.cnf'), '[req]\ndistinguished_name=dn\n[dn]\n[ext]\nsubjectAltName=@alt\n[alt]\nDNS.1=good.example.com, DNS:evil.example.com\nURI.1=http://x/a,b\nDNS.2=plain.example.com\n');
    openssl('req', '-x509', ...EC, '-keyout', file('quoted.key'), '-out', file('quoted.pem'), '-days', '1', '-subj', '/CN=quoted', '-config', file('quoted.cnf'), '-extensions', 'ext');
    const info = inspectCertificate(readFileSync(file('quoted.pem')));
    expect(info.dnsNames).toEqual(['good.example.com, DNS:evil.example.com', 'plain.example.com']);
    expect(certificateCovers(info, 'evil.example.com')).toBe(false);
    expect(certificateCovers(info, 'plain.example.com')).toBe(true);
  });

  it('names the problem when there is no certificate', () => {
    expect(() => inspectCertificate('/etc/ssl/site.pem')).toThrow(
      'No certificate found: expected a "-----BEGIN CERTIFICATE-----" block. Pass the contents of the .pem/.crt file, not its path or the private key.',
    );
    expect(() => inspectCertificate(readFileSync(file('wild.key'), 'utf8'))).toThrow('No certificate found');
    expect(() => inspectCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toThrow(/^The first certificate could not be parsed \(.+\)\. Check that the file/);
  });
});

describe('certificateCovers', () => {
  const wild = inspectCertificate(wildPem);

  it.each([
    ['www.example.com', true],
    ['WWW.Example.COM', true],
    ['www.example.com.', true],
    ['www.example.com:8443', true],
    ['api.example.com', true], // *.example.com: one label
    ['api.example.com:443', true],
    ['a.b.example.com', false], // a wildcard never spans two labels
    ['example.com', false], // nor covers the apex
    ['*.example.com', true], // the same wildcard
    ['*.www.example.com', false],
    ['*.com', false],
    ['example.net', true], // SAN Example.NET: case-insensitive
    ['foo.example.org', false], // f*.example.org: partial wildcards are not honoured
    ['example.org', false], // *.org: too few labels to be a wildcard
    ['192.0.2.10', true],
    ['192.0.2.10:443', true],
    ['[2001:db8::5]', true],
    ['2001:db8:0:0::5', true],
    ['[2001:db8::5]:8443', true],
    ['[::1]', false],
    ['192.0.2.99', false], // only in a DNS SAN: IPs match iPAddress entries only
    ['[::ffff:192.0.2.10]', false], // a mapped address is not the IPv4 SAN
  ])('%s → %s', (pattern, expected) => {
    expect(certificateCovers(wild, pattern)).toBe(expected);
  });

  it('takes an X509Certificate as well', () => {
    const x509 = new X509Certificate(wildPem);
    expect(certificateCovers(x509, 'api.example.com')).toBe(true);
    expect(certificateCovers(x509, 'a.b.example.com')).toBe(false);
  });

  it("agrees with Node's checkHost except on partial wildcards and the common name", () => {
    const x509 = new X509Certificate(wildPem);
    expect(x509.checkHost('foo.example.org')).toBe('f*.example.org'); // Node (OpenSSL) allows partial wildcards
    expect(x509.checkHost('example.org')).toBeUndefined();
    expect(x509.checkHost('a.b.example.com')).toBeUndefined();
    openssl('req', '-x509', ...EC, '-keyout', file('nosan.key'), '-out', file('nosan.pem'), '-days', '1', '-subj', '/CN=nosan.example.com');
    const noSan = new X509Certificate(readFileSync(file('nosan.pem')));
    expect(noSan.subjectAltName).toBeUndefined();
    expect(noSan.checkHost('nosan.example.com')).toBe('nosan.example.com'); // Node falls back to the CN
    expect(certificateCovers(noSan, 'nosan.example.com')).toBe(false); // browsers do not
  });

  it('covers what its own default certificate names, and *.localhost never', () => {
    const own = inspectCertificate(createSelfSignedCertificate().cert);
    expect(['localhost', 'localhost:3000', '127.0.0.1', '[::1]', '::1'].map((p) => certificateCovers(own, p))).toEqual([true, true, true, true, true]);
    expect(['*.localhost', 'app.localhost', '127.0.0.2', 'example.com'].map((p) => certificateCovers(own, p))).toEqual([false, false, false, false]);
  });

  it.each([['exa mple.com'], ['*'], ['*.127.0.0.1'], [''], ['f*.example.com'], ['https://example.com']])('refuses the pattern %j', (pattern) => {
    expect(() => certificateCovers(wild, pattern)).toThrow(
      `${JSON.stringify(pattern)} is not a host pattern. Use 'example.com', 'example.com:8443', '*.example.com' or an IP such as '127.0.0.1' or '[::1]'.`,
    );
  });
});

describe('daysUntilExpiry', () => {
  const info = inspectCertificate(createSelfSignedCertificate({ now: new Date('2026-11-24T01:02:03Z') }).cert);

  it('counts days, fractional, negative once expired', () => {
    expect(daysUntilExpiry(info, new Date('2026-11-24T01:02:03Z'))).toBe(90);
    expect(daysUntilExpiry(info, new Date('2027-02-21T13:02:03Z'))).toBe(0.5);
    expect(daysUntilExpiry(info, new Date('2027-02-23T01:02:03Z'))).toBe(-1);
  });

  it('defaults to the current time', () => {
    const fresh = inspectCertificate(createSelfSignedCertificate({ days: 10 }).cert);
    expect(daysUntilExpiry(fresh)).toBeGreaterThan(9.99);
    expect(daysUntilExpiry(fresh)).toBeLessThanOrEqual(10);
  });
});
