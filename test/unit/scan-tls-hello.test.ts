import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildClientHello, groupName, HELLO_RETRY_RANDOM, NAMED_GROUPS, parseServerHello, SUPPORTED_GROUPS, TLS_VERSIONS, x25519PublicKey } from '../../src/scan/tls/index.js';

const RANDOM = Buffer.alloc(32, 0xaa);
const RANDOM_HEX = 'aa'.repeat(32);
const hex = (...parts: string[]): string => parts.join('').replace(/\s+/g, '');

// Extensions every TLS 1.0+ hello carries, as bytes.
const GROUPS = '000a 0008 0006 001d 0017 0018';
const POINT_FORMATS = '000b 0002 01 00';
const SIGNATURE_ALGORITHMS = '000d 0018 0016 0403 0503 0603 0804 0805 0806 0401 0501 0601 0203 0201';
const RENEGOTIATION = 'ff01 0001 00';

describe('buildClientHello', () => {
  it('writes a TLS 1.2 hello byte for byte: record 0x0301, version 0x0303, suites, SNI, groups, formats, signature algorithms', () => {
    const hello = buildClientHello({ version: TLS_VERSIONS['TLSv1.2'], ciphers: [0xc02f, 0x002f], servername: 'example.com', random: RANDOM });
    expect(hello.toString('hex')).toBe(
      hex(
        '16 0301 0078', // handshake record, 120 bytes
        '01 000074', // ClientHello, 116 bytes
        '0303', RANDOM_HEX, '00', // version, random, empty session id
        '0004 c02f 002f', // cipher suites
        '01 00', // null compression
        '0047', // 71 bytes of extensions
        '0000 0010 000e 00 000b', Buffer.from('example.com').toString('hex'),
        GROUPS, POINT_FORMATS, SIGNATURE_ALGORITHMS, RENEGOTIATION,
      ),
    );
  });

  it('offers TLS 1.3 the RFC 8446 way: legacy_version 0x0303, a 32-byte session id, supported_versions [0x0304], an x25519 key_share', () => {
    const key = Buffer.alloc(32, 0x11);
    const session = Buffer.alloc(32, 0x22);
    const hello = buildClientHello({ version: TLS_VERSIONS['TLSv1.3'], ciphers: [0x1301], random: RANDOM, keyShare: key, sessionId: session });
    expect(hello.toString('hex')).toBe(
      hex(
        '16 0301 00b3',
        '01 0000af',
        '0303', RANDOM_HEX, '20', session.toString('hex'),
        '0002 1301', '01 00',
        '0064',
        GROUPS, POINT_FORMATS, SIGNATURE_ALGORITHMS, RENEGOTIATION,
        '002b 0003 02 0304',
        '0033 0026 0024 001d 0020', key.toString('hex'),
      ),
    );
  });

  it('writes an SSLv3 hello with record and client version 0x0300 and no extensions', () => {
    const hello = buildClientHello({ version: TLS_VERSIONS.SSLv3, ciphers: [0x000a], servername: 'example.com', random: RANDOM });
    expect(hello.toString('hex')).toBe(hex('16 0300 002d', '01 000029', '0300', RANDOM_HEX, '00', '0002 000a', '01 00'));
  });

  it('leaves signature_algorithms out below TLS 1.2 and server_name out for IP literals', () => {
    const v4 = buildClientHello({ version: TLS_VERSIONS['TLSv1.0'], ciphers: [0xc013], servername: '127.0.0.1', random: RANDOM });
    expect(v4.toString('hex')).toBe(hex('16 0301 0046', '01 000042', '0301', RANDOM_HEX, '00', '0002 c013', '01 00', '0017', GROUPS, POINT_FORMATS, RENEGOTIATION));
    const v6 = buildClientHello({ version: TLS_VERSIONS['TLSv1.1'], ciphers: [0xc013], servername: '::1', random: RANDOM });
    expect(v6.subarray(9).toString('hex')).toBe(hex('0302', RANDOM_HEX, '00', '0002 c013', '01 00', '0017', GROUPS, POINT_FORMATS, RENEGOTIATION));
  });

  it('uses a fresh random and key share each time', () => {
    const a = buildClientHello({ version: TLS_VERSIONS['TLSv1.3'], ciphers: [0x1301] });
    const b = buildClientHello({ version: TLS_VERSIONS['TLSv1.3'], ciphers: [0x1301] });
    expect(a.subarray(11, 43).equals(b.subarray(11, 43))).toBe(false);
    expect(a.subarray(-32).equals(b.subarray(-32))).toBe(false);
    expect(x25519PublicKey()).toHaveLength(32);
  });

  it('offers the given groups, and at TLS 1.3 an empty key_share when x25519 is not among them', () => {
    const session = Buffer.alloc(32, 0x22);
    const hello = buildClientHello({ version: TLS_VERSIONS['TLSv1.3'], ciphers: [0x1301], random: RANDOM, sessionId: session, groups: [0x0017] });
    expect(hello.toString('hex')).toBe(
      hex(
        '16 0301 008b',
        '01 000087',
        '0303', RANDOM_HEX, '20', session.toString('hex'),
        '0002 1301', '01 00',
        '003c',
        '000a 0004 0002 0017', POINT_FORMATS, SIGNATURE_ALGORITHMS, RENEGOTIATION,
        '002b 0003 02 0304',
        '0033 0002 0000', // key_share: client_shares<0..2^16-1> empty (RFC 8446 §4.2.8)
      ),
    );
    const hybrid = buildClientHello({ version: TLS_VERSIONS['TLSv1.3'], ciphers: [0x1301], random: RANDOM, sessionId: session, groups: [0x11ec, 0x0100] });
    expect(hybrid.includes(Buffer.from(hex('000a 0006 0004 11ec 0100'), 'hex'))).toBe(true);
    expect(hybrid.subarray(-6).toString('hex')).toBe(hex('0033 0002 0000'));
  });

  it('sends the x25519 share whenever x25519 is offered, wherever it is in the list', () => {
    const key = Buffer.alloc(32, 0x11);
    const hello = buildClientHello({ version: TLS_VERSIONS['TLSv1.3'], ciphers: [0x1301], random: RANDOM, keyShare: key, groups: [0x0018, 0x001d] });
    expect(hello.includes(Buffer.from(hex('000a 0006 0004 0018 001d'), 'hex'))).toBe(true);
    expect(hello.subarray(-42).toString('hex')).toBe(hex('0033 0026 0024 001d 0020', key.toString('hex')));
  });

  it('writes groups into a TLS 1.2 hello without any key share, and the default groups are SUPPORTED_GROUPS', () => {
    const hello = buildClientHello({ version: TLS_VERSIONS['TLSv1.2'], ciphers: [0xc02f], random: RANDOM, groups: [0x0019] });
    expect(hello.toString('hex')).toBe(hex('16 0301 005e', '01 00005a', '0303', RANDOM_HEX, '00', '0002 c02f', '01 00', '002f', '000a 0004 0002 0019', POINT_FORMATS, SIGNATURE_ALGORITHMS, RENEGOTIATION));
    const explicit = buildClientHello({ version: TLS_VERSIONS['TLSv1.2'], ciphers: [0xc02f], random: RANDOM, groups: SUPPORTED_GROUPS });
    expect(explicit.equals(buildClientHello({ version: TLS_VERSIONS['TLSv1.2'], ciphers: [0xc02f], random: RANDOM }))).toBe(true);
  });

  it('refuses an empty cipher list, an empty group list and a random of the wrong size', () => {
    expect(() => buildClientHello({ version: TLS_VERSIONS['TLSv1.2'], ciphers: [] })).toThrow('at least one cipher suite');
    expect(() => buildClientHello({ version: TLS_VERSIONS['TLSv1.3'], ciphers: [0x1301], groups: [] })).toThrow('at least one group');
    expect(() => buildClientHello({ version: TLS_VERSIONS['TLSv1.2'], ciphers: [0xc02f], random: Buffer.alloc(31) })).toThrow('random must be 32 bytes');
  });
});

/** A ServerHello handshake message (type, length, body). */
function serverHelloMessage(options: { version?: string; random?: string; cipher?: string; extensions?: string } = {}): string {
  const body = hex(options.version ?? '0303', options.random ?? RANDOM_HEX, '00', options.cipher ?? 'c02f', '00', options.extensions ?? '');
  return hex('02', (body.length / 2).toString(16).padStart(6, '0'), body);
}

function record(type: string, fragment: string): string {
  const fragmentHex = hex(fragment);
  return hex(type, '0303', (fragmentHex.length / 2).toString(16).padStart(4, '0'), fragmentHex);
}

const bytes = (hexString: string): Buffer => Buffer.from(hex(hexString), 'hex');

describe('parseServerHello', () => {
  it('reads a TLS 1.2 ServerHello: version, suite, extensions', () => {
    const answer = parseServerHello(bytes(record('16', serverHelloMessage({ extensions: hex('0005', RENEGOTIATION) }))));
    expect(answer).toMatchObject({ kind: 'server-hello', version: 0x0303, legacyVersion: 0x0303, cipher: 0xc02f, compression: 0, helloRetry: false });
    expect(answer.kind === 'server-hello' && answer.extensions.map((e) => [e.type, e.data.toString('hex')])).toEqual([[0xff01, '00']]);
  });

  it('reads an SSLv3 ServerHello without extensions', () => {
    expect(parseServerHello(bytes(record('16', serverHelloMessage({ version: '0300', cipher: '000a' }))))).toMatchObject({ kind: 'server-hello', version: 0x0300, cipher: 0x000a, extensions: [] });
  });

  it('takes the TLS 1.3 version from supported_versions, not from server_version', () => {
    const answer = parseServerHello(bytes(record('16', serverHelloMessage({ cipher: '1302', extensions: '0006 002b 0002 0304' }))));
    expect(answer).toMatchObject({ kind: 'server-hello', version: 0x0304, legacyVersion: 0x0303, cipher: 0x1302, helloRetry: false });
  });

  it('recognises a HelloRetryRequest by its random', () => {
    const answer = parseServerHello(bytes(record('16', serverHelloMessage({ random: HELLO_RETRY_RANDOM.toString('hex'), cipher: '1301', extensions: '000c 002b 0002 0304 0033 0002 0017' }))));
    expect(answer).toMatchObject({ kind: 'server-hello', version: 0x0304, cipher: 0x1301, helloRetry: true });
  });

  it('reads the TLS 1.3 group: a ServerHello key_share entry, a HelloRetryRequest selected_group', () => {
    const key = '20' + 'ab'.repeat(32);
    const hello = parseServerHello(bytes(record('16', serverHelloMessage({ cipher: '1301', extensions: hex('002e', '002b 0002 0304', '0033 0024 001d 0020', key.slice(2)) }))));
    expect(hello).toMatchObject({ kind: 'server-hello', version: 0x0304, helloRetry: false, group: 0x001d });
    const retry = parseServerHello(bytes(record('16', serverHelloMessage({ random: HELLO_RETRY_RANDOM.toString('hex'), cipher: '1302', extensions: '000c 002b 0002 0304 0033 0002 0101' }))));
    expect(retry).toMatchObject({ kind: 'server-hello', helloRetry: true, group: 0x0101 });
  });

  it('has no group below TLS 1.3 or without key_share, and refuses a malformed key_share', () => {
    const tls12 = parseServerHello(bytes(record('16', serverHelloMessage({ extensions: '0006 0033 0002 0017' }))));
    expect(tls12.kind === 'server-hello' && 'group' in tls12).toBe(false);
    const bare = parseServerHello(bytes(record('16', serverHelloMessage({ cipher: '1301', extensions: '0006 002b 0002 0304' }))));
    expect(bare.kind === 'server-hello' && 'group' in bare).toBe(false);
    const retryRandom = HELLO_RETRY_RANDOM.toString('hex');
    const tls13 = (extensions: string, random = RANDOM_HEX) => parseServerHello(bytes(record('16', serverHelloMessage({ random, cipher: '1301', extensions }))));
    expect(tls13('000d 002b 0002 0304 0033 0003 001d00')).toEqual({ kind: 'error', message: 'malformed ServerHello: key_share' });
    expect(tls13('000f 002b 0002 0304 0033 0005 001d 0002 ab')).toEqual({ kind: 'error', message: 'malformed ServerHello: key_share' });
    expect(tls13('000e 002b 0002 0304 0033 0004 001d 0000')).toEqual({ kind: 'error', message: 'malformed ServerHello: key_share' });
    expect(tls13('000e 002b 0002 0304 0033 0004 0017 0001', retryRandom)).toEqual({ kind: 'error', message: 'malformed HelloRetryRequest: key_share' });
  });

  it('reads alerts: handshake_failure (40), protocol_version (70), and unknown codes', () => {
    expect(parseServerHello(bytes('15 0303 0002 02 28'))).toEqual({ kind: 'alert', level: 2, description: 40, name: 'handshake_failure' });
    expect(parseServerHello(bytes('15 0301 0002 02 46'))).toEqual({ kind: 'alert', level: 2, description: 70, name: 'protocol_version' });
    expect(parseServerHello(bytes('15 0300 0002 01 fe'))).toEqual({ kind: 'alert', level: 1, description: 254, name: 'alert_254' });
  });

  it('waits for records split across TCP reads: every prefix is incomplete, the whole is the ServerHello', () => {
    const whole = bytes(record('16', serverHelloMessage({ extensions: hex('0005', RENEGOTIATION) })) + record('16', '0b000000'));
    for (let end = 0; end < 5 + whole.readUInt16BE(3); end++) expect(parseServerHello(whole.subarray(0, end))).toEqual({ kind: 'incomplete' });
    expect(parseServerHello(whole)).toMatchObject({ kind: 'server-hello', cipher: 0xc02f });
  });

  it('joins a ServerHello split across several records', () => {
    const message = serverHelloMessage({ extensions: '0006 002b 0002 0304', cipher: '1303' });
    const data = bytes(record('16', message.slice(0, 6)) + record('16', message.slice(6, 60)) + record('16', message.slice(60)));
    expect(parseServerHello(data)).toMatchObject({ kind: 'server-hello', version: 0x0304, cipher: 0x1303 });
    expect(parseServerHello(data.subarray(0, data.length - 1))).toEqual({ kind: 'incomplete' });
  });

  it('turns a truncated answer into an error once the connection has ended', () => {
    const whole = bytes(record('16', serverHelloMessage()));
    expect(parseServerHello(whole.subarray(0, 20), true)).toEqual({ kind: 'error', message: 'answer truncated after 20 bytes' });
    expect(parseServerHello(Buffer.alloc(0), true)).toEqual({ kind: 'error', message: 'connection closed before any answer' });
  });

  it('reports garbage and malformed answers as errors', () => {
    expect(parseServerHello(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))).toEqual({ kind: 'error', message: 'not a TLS handshake record at byte 0: 485454502f' });
    expect(parseServerHello(bytes('17 0303 0002 0000'))).toMatchObject({ kind: 'error' });
    expect(parseServerHello(bytes('16 0303 0000'))).toEqual({ kind: 'error', message: 'TLS record of impossible length 0' });
    expect(parseServerHello(bytes('16 0303 ffff'))).toEqual({ kind: 'error', message: 'TLS record of impossible length 65535' });
    expect(parseServerHello(bytes('15 0303 0001 02'))).toEqual({ kind: 'error', message: 'alert record of 1 bytes' });
    expect(parseServerHello(bytes(record('16', '0b000000')))).toEqual({ kind: 'error', message: 'first handshake message is type 11, not ServerHello' });
    expect(parseServerHello(bytes(record('16', '02000003 030300')))).toEqual({ kind: 'error', message: 'malformed ServerHello: fields missing' });
    expect(parseServerHello(bytes(record('16', serverHelloMessage({ extensions: '0009 ff01 0001 00' }))))).toEqual({ kind: 'error', message: 'malformed ServerHello: extensions length' });
    expect(parseServerHello(bytes(record('16', serverHelloMessage({ extensions: '0004 ff01 0009' }))))).toEqual({ kind: 'error', message: 'malformed ServerHello: extension overruns' });
    expect(parseServerHello(bytes(record('16', serverHelloMessage({ extensions: '0005 002b 0001 03' }))))).toEqual({ kind: 'error', message: 'malformed ServerHello: supported_versions' });
  });

  it('never throws, whatever the bytes', () => {
    const prefix = bytes(record('16', serverHelloMessage()));
    for (let i = 0; i < 2000; i++) {
      const junk = randomBytes(i % 80);
      const input = i % 2 === 0 ? junk : Buffer.concat([prefix.subarray(0, i % prefix.length), junk]);
      expect(() => parseServerHello(input, i % 3 === 0)).not.toThrow();
    }
  });
});

describe('named groups', () => {
  it('names the IANA codes, and unknown ones as 0xNNNN', () => {
    expect(NAMED_GROUPS.map((group) => [group.code, group.name])).toEqual([
      [0x001d, 'x25519'],
      [0x0017, 'secp256r1'],
      [0x0018, 'secp384r1'],
      [0x0019, 'secp521r1'],
      [0x001e, 'x448'],
      [0x0100, 'ffdhe2048'],
      [0x0101, 'ffdhe3072'],
      [0x0102, 'ffdhe4096'],
      [0x0103, 'ffdhe6144'],
      [0x0104, 'ffdhe8192'],
      [0x11ec, 'X25519MLKEM768'],
      [0x11eb, 'SecP256r1MLKEM768'],
      [0x11ed, 'SecP384r1MLKEM1024'],
    ]);
    expect(groupName(0x0018)).toBe('secp384r1');
    expect(groupName(0x0042)).toBe('0x0042');
  });
});
