import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CIPHER_SUITES, LEGACY_SUITES, TLS13_SUITES, cipherSuite, cipherSuiteName } from '../../src/scan/tls/index.js';

describe('cipher suite table', () => {
  it('has one row per code and per name', () => {
    expect(new Set(CIPHER_SUITES.map((s) => s.code)).size).toBe(CIPHER_SUITES.length);
    expect(new Set(CIPHER_SUITES.map((s) => s.name)).size).toBe(CIPHER_SUITES.length);
  });

  it('reads the properties from the IANA name', () => {
    expect(cipherSuite(0xc02f)).toEqual({ code: 0xc02f, name: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', keyExchange: 'ECDHE', authentication: 'RSA', cipher: 'AES_128_GCM', hash: 'SHA256', aead: true, forwardSecrecy: true, export: false });
    expect(cipherSuite(0x1301)).toEqual({ code: 0x1301, name: 'TLS_AES_128_GCM_SHA256', keyExchange: 'TLS13', authentication: 'TLS13', cipher: 'AES_128_GCM', hash: 'SHA256', aead: true, forwardSecrecy: true, export: false });
    expect(cipherSuite(0xcca9)).toMatchObject({ authentication: 'ECDSA', cipher: 'CHACHA20_POLY1305', aead: true });
    expect(cipherSuite(0xc028)).toMatchObject({ cipher: 'AES_256_CBC', hash: 'SHA384', aead: false, forwardSecrecy: true });
    expect(cipherSuite(0x000a)).toMatchObject({ keyExchange: 'RSA', cipher: '3DES_EDE_CBC', hash: 'SHA', aead: false, forwardSecrecy: false });
    expect(cipherSuite(0x0004)).toMatchObject({ keyExchange: 'RSA', cipher: 'RC4_128', hash: 'MD5' });
    expect(cipherSuite(0x0002)).toMatchObject({ cipher: 'NULL', hash: 'SHA' });
    expect(cipherSuite(0x0003)).toMatchObject({ name: 'TLS_RSA_EXPORT_WITH_RC4_40_MD5', keyExchange: 'RSA', cipher: 'RC4_40', export: true, forwardSecrecy: false });
    expect(cipherSuite(0x0014)).toMatchObject({ keyExchange: 'DHE', authentication: 'RSA', export: true });
    expect(cipherSuite(0x0034)).toMatchObject({ keyExchange: 'DHE', authentication: 'anon' });
    expect(cipherSuite(0xc018)).toMatchObject({ keyExchange: 'ECDHE', authentication: 'anon' });
    expect(cipherSuite(0x00a2)).toMatchObject({ keyExchange: 'DHE', authentication: 'DSS', aead: true });
    // CCM names carry no hash (RFC 6655: SHA-256 PRF); ARIA-GCM is AEAD; Camellia-CBC is not.
    expect(cipherSuite(0xc0ac)).toMatchObject({ name: 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM', cipher: 'AES_128_CCM', hash: 'SHA256', aead: true, forwardSecrecy: true });
    expect(cipherSuite(0xc0a0)).toMatchObject({ name: 'TLS_RSA_WITH_AES_128_CCM_8', keyExchange: 'RSA', cipher: 'AES_128_CCM_8', hash: 'SHA256', aead: true, forwardSecrecy: false });
    expect(cipherSuite(0xc060)).toMatchObject({ cipher: 'ARIA_128_GCM', hash: 'SHA256', aead: true });
    expect(cipherSuite(0xc077)).toMatchObject({ cipher: 'CAMELLIA_256_CBC', hash: 'SHA384', aead: false });
    expect(cipherSuite(0x1304)).toMatchObject({ cipher: 'AES_128_CCM', hash: 'SHA256', keyExchange: 'TLS13' });
  });

  it('knows every suite (but PSK and SRP ones) that OpenSSL can negotiate, so a version probe offers them all', () => {
    const output = execFileSync('openssl', ['ciphers', '-stdname', '-V', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'], { encoding: 'utf8' });
    const missing: string[] = [];
    for (const match of output.matchAll(/0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)/g)) {
      const [, high = '', low = '', name = ''] = match;
      if (/PSK|SRP/.test(name)) continue;
      const known = cipherSuite(parseInt(high + low, 16));
      if (known?.name !== name) missing.push(`0x${high}${low} ${name}`);
    }
    expect(missing).toEqual([]);
  });

  it('names unknown codes in hex and splits TLS 1.3 from older suites', () => {
    expect(cipherSuiteName(0x5600)).toBe('0x5600');
    expect(cipherSuiteName(0x0001)).toBe('TLS_RSA_WITH_NULL_MD5');
    expect(TLS13_SUITES).toEqual([0x1301, 0x1302, 0x1303, 0x1304, 0x1305]);
    expect(LEGACY_SUITES).toHaveLength(CIPHER_SUITES.length - 5);
    expect(LEGACY_SUITES).not.toContain(0x1301);
  });
});
