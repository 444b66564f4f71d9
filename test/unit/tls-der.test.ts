import { describe, expect, it } from 'vitest';
import {
  bitString,
  boolean,
  encodeLength,
  explicit,
  generalizedTime,
  ia5String,
  implicit,
  integer,
  nullValue,
  objectIdentifier,
  octetString,
  printableString,
  sequence,
  setOf,
  tlv,
  utcTime,
  utf8String,
  x509Time,
} from '../../src/tls/der.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');

describe('DER lengths', () => {
  it.each([
    [0, '00'],
    [127, '7f'],
    [128, '81 80'],
    [200, '81 c8'],
    [255, '81 ff'],
    [256, '82 01 00'],
    [65535, '82 ff ff'],
    [65536, '83 01 00 00'],
  ])('%i is written %s', (length, expected) => {
    expect(hex(encodeLength(length))).toBe(expected);
  });

  it('a 200-byte OCTET STRING uses the long form 04 81 c8', () => {
    const encoded = octetString(Buffer.alloc(200, 0xab));
    expect(encoded.length).toBe(203);
    expect(hex(encoded.subarray(0, 4))).toBe('04 81 c8 ab');
  });

  it('a 300-byte OCTET STRING uses two length bytes', () => {
    expect(hex(octetString(Buffer.alloc(300)).subarray(0, 4))).toBe('04 82 01 2c');
  });

  it.each([[-1], [1.5], [Number.NaN]])('refuses the length %s', (length) => {
    expect(() => encodeLength(length)).toThrow(RangeError);
  });
});

describe('DER INTEGER', () => {
  it.each([
    [0, '02 01 00'],
    [1, '02 01 01'],
    [2, '02 01 02'],
    [127, '02 01 7f'],
    [128, '02 02 00 80'],
    [255, '02 02 00 ff'],
    [256, '02 02 01 00'],
    [65535, '02 03 00 ff ff'],
  ])('%i encodes as %s', (value, expected) => {
    expect(hex(integer(value))).toBe(expected);
  });

  it('adds a leading zero to bytes with the high bit set and drops redundant zeros', () => {
    expect(hex(integer(Buffer.from([0x80])))).toBe('02 02 00 80');
    expect(hex(integer(Buffer.from([0x00, 0x00, 0x7f])))).toBe('02 01 7f');
    expect(hex(integer(Buffer.from([0x00, 0x00, 0x80])))).toBe('02 02 00 80');
    expect(hex(integer(Buffer.from([])))).toBe('02 01 00');
    expect(hex(integer(Buffer.from([0, 0])))).toBe('02 01 00');
  });

  it('keeps a 16-byte serial at 16 bytes when its high bit is clear', () => {
    const serial = Buffer.from('7f0102030405060708090a0b0c0d0e0f', 'hex');
    expect(hex(integer(serial))).toBe(`02 10 ${hex(serial)}`);
  });

  it.each([[-1], [0.5], [2 ** 53]])('refuses the number %s', (value) => {
    expect(() => integer(value)).toThrow(RangeError);
  });
});

describe('DER OBJECT IDENTIFIER', () => {
  it.each([
    ['1.2.840.10045.4.3.2', '06 08 2a 86 48 ce 3d 04 03 02'], // ecdsa-with-SHA256
    ['1.2.840.10045.2.1', '06 07 2a 86 48 ce 3d 02 01'], // id-ecPublicKey
    ['2.5.4.3', '06 03 55 04 03'], // commonName
    ['2.5.29.17', '06 03 55 1d 11'], // subjectAltName
    ['1.3.6.1.5.5.7.3.1', '06 08 2b 06 01 05 05 07 03 01'], // serverAuth
    ['2.999.3', '06 03 88 37 03'], // first byte above 127: 2*40+999 = 1079
    ['0.0', '06 01 00'],
  ])('%s encodes as %s', (oid, expected) => {
    expect(hex(objectIdentifier(oid))).toBe(expected);
  });

  it('encodes arcs beyond 2^53 exactly (2.25 UUID form)', () => {
    // 2^64 = 0x1_0000_0000_0000_0000: base 128 is 02 then nine zero groups.
    expect(hex(objectIdentifier('2.25.18446744073709551616'))).toBe('06 0b 69 82 80 80 80 80 80 80 80 80 00');
  });

  it.each([['1'], ['3.1'], ['1.40'], ['1.2.03'], ['1..2'], [''], ['1.2.x']])('refuses %j with a fix', (oid) => {
    expect(() => objectIdentifier(oid)).toThrow(/identifier|arc/);
  });
});

describe('DER strings', () => {
  it('UTF8String takes any text, byte length in the header', () => {
    expect(hex(utf8String('localhost'))).toBe('0c 09 6c 6f 63 61 6c 68 6f 73 74');
    expect(hex(utf8String('é'))).toBe('0c 02 c3 a9');
  });

  it('PrintableString refuses characters outside its set', () => {
    expect(hex(printableString('DE'))).toBe('13 02 44 45');
    expect(() => printableString('a@b')).toThrow('has characters a PrintableString cannot hold. Use utf8String() instead.');
  });

  it('IA5String is ASCII only', () => {
    expect(hex(ia5String('a.b'))).toBe('16 03 61 2e 62');
    expect(() => ia5String('bücher.de')).toThrow('is not ASCII');
  });
});

describe('DER times', () => {
  it('UTCTime 2026-11-24T01:02:03Z', () => {
    expect(hex(utcTime(new Date('2026-11-24T01:02:03Z')))).toBe('17 0d 32 36 31 31 32 34 30 31 30 32 30 33 5a');
  });

  it('drops milliseconds', () => {
    expect(utcTime(new Date('2026-11-24T01:02:03.999Z')).subarray(2).toString('latin1')).toBe('261124010203Z');
  });

  it('GeneralizedTime has four year digits', () => {
    expect(hex(generalizedTime(new Date('2050-01-01T00:00:00Z')))).toBe('18 0f 32 30 35 30 30 31 30 31 30 30 30 30 30 30 5a');
  });

  it('x509Time switches from UTCTime to GeneralizedTime at 2050 (RFC 5280)', () => {
    expect(x509Time(new Date('2049-12-31T23:59:59Z')).toString('latin1')).toBe('\x17\x0d491231235959Z');
    expect(x509Time(new Date('2050-01-01T00:00:00Z')).toString('latin1')).toBe('\x18\x0f20500101000000Z');
    expect(x509Time(new Date('1950-01-01T00:00:00Z')).toString('latin1')).toBe('\x17\x0d500101000000Z');
  });

  it('refuses years UTCTime cannot hold, and invalid dates', () => {
    expect(() => utcTime(new Date('2050-01-01T00:00:00Z'))).toThrow('UTCTime holds the years 1950 to 2049, not 2050. Use generalizedTime() or x509Time().');
    expect(() => utcTime(new Date('1949-12-31T23:59:59Z'))).toThrow(RangeError);
    expect(() => x509Time(new Date('invalid'))).toThrow('Invalid Date');
    expect(() => generalizedTime(new Date('+010000-01-01T00:00:00Z'))).toThrow('GeneralizedTime holds the years 0 to 9999, not 10000.');
  });
});

describe('DER other types', () => {
  it('BIT STRING carries its unused-bit count', () => {
    expect(hex(bitString(Buffer.from([0x80]), 7))).toBe('03 02 07 80');
    expect(hex(bitString(Buffer.from([0x01, 0x02])))).toBe('03 03 00 01 02');
    expect(hex(bitString(Buffer.alloc(0)))).toBe('03 01 00');
    expect(() => bitString(Buffer.from([1]), 8)).toThrow(RangeError);
    expect(() => bitString(Buffer.alloc(0), 1)).toThrow('and no bytes');
  });

  it('BOOLEAN, NULL, OCTET STRING', () => {
    expect(hex(boolean(true))).toBe('01 01 ff');
    expect(hex(boolean(false))).toBe('01 01 00');
    expect(hex(nullValue())).toBe('05 00');
    expect(hex(octetString(Buffer.from([1, 2])))).toBe('04 02 01 02');
  });

  it('SEQUENCE keeps order; SET OF sorts by encoding', () => {
    const a = integer(1);
    const b = integer(256);
    expect(hex(sequence(b, a))).toBe('30 07 02 02 01 00 02 01 01');
    expect(hex(setOf(b, a))).toBe('31 07 02 01 01 02 02 01 00');
    expect(hex(sequence())).toBe('30 00');
  });

  it('context-specific tags: explicit wraps, implicit replaces', () => {
    expect(hex(explicit(0, integer(2)))).toBe('a0 03 02 01 02'); // X.509 version v3
    expect(hex(explicit(3, sequence()))).toBe('a3 02 30 00');
    expect(hex(implicit(2, Buffer.from('a.b')))).toBe('82 03 61 2e 62'); // dNSName
    expect(hex(implicit(7, Buffer.from([127, 0, 0, 1])))).toBe('87 04 7f 00 00 01'); // iPAddress
    expect(hex(implicit(0, integer(5), true))).toBe('a0 03 02 01 05');
    expect(() => explicit(31, nullValue())).toThrow('Context tag [31] is outside 0 to 30');
  });

  it('tlv writes any identifier octet', () => {
    expect(hex(tlv(0x04, Buffer.from([9])))).toBe('04 01 09');
  });
});
