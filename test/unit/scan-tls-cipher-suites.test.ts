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
  });

  it('names unknown codes in hex and splits TLS 1.3 from older suites', () => {
    expect(cipherSuiteName(0x5600)).toBe('0x5600');
    expect(cipherSuiteName(0x0001)).toBe('TLS_RSA_WITH_NULL_MD5');
    expect(TLS13_SUITES).toEqual([0x1301, 0x1302, 0x1303, 0x1304, 0x1305]);
    expect(LEGACY_SUITES).toHaveLength(CIPHER_SUITES.length - 5);
    expect(LEGACY_SUITES).not.toContain(0x1301);
  });
});
