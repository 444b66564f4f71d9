/**
 * A minimal ASN.1 DER encoder: just what X.509 certificates need (ITU-T X.690 §8 and §10).
 * Every function returns one complete TLV (tag, length, value) as a `Buffer`; constructed values
 * take already encoded children. Nothing here parses: Node's `X509Certificate` does that.
 *
 * @see https://www.itu.int/rec/T-REC-X.690
 * @see https://letsencrypt.org/docs/a-warm-welcome-to-asn1-and-der/
 * @internal
 */

/** Universal tag numbers used below (with the constructed bit where the type is constructed). */
const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/**
 * Encodes a length: one byte below 128 (short form), else `0x80 | n` followed by the length in
 * `n` big-endian bytes (long form, X.690 §8.1.3). DER requires the fewest bytes.
 */
export function encodeLength(length: number): Buffer {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`DER length ${length} is not a non-negative whole number.`);
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV with the given identifier octet. Tag numbers above 30 (multi-byte tags) are not needed for X.509. */
export function tlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

/** `SEQUENCE { ... }` of already encoded elements, in the order given. */
export function sequence(...elements: Uint8Array[]): Buffer {
  return tlv(TAG.sequence, Buffer.concat(elements));
}

/**
 * `SET OF { ... }`: DER orders the elements by their encodings, compared as octet strings
 * (X.690 §11.6), so the order given does not matter.
 */
export function setOf(...elements: Uint8Array[]): Buffer {
  const sorted = elements.map((e) => Buffer.from(e)).sort(Buffer.compare);
  return tlv(TAG.set, Buffer.concat(sorted));
}

/**
 * `INTEGER` from an unsigned big-endian magnitude or a non-negative safe integer. Leading zero
 * bytes are dropped, then one `00` is put back when the first byte has its high bit set, so the
 * value stays positive (X.690 §8.3.2): 128 encodes as `02 02 00 80`, 0 as `02 01 00`.
 */
export function integer(value: Uint8Array | number): Buffer {
  let bytes: Uint8Array;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${value} is not a non-negative safe integer; pass its bytes instead.`);
    const digits: number[] = [];
    for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) digits.unshift(rest % 256);
    bytes = Uint8Array.from(digits);
  } else {
    bytes = value;
  }
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  const magnitude = bytes.subarray(start);
  if (magnitude.length === 0) return tlv(TAG.integer, Buffer.from([0]));
  const first = magnitude[0] ?? 0;
  return tlv(TAG.integer, first & 0x80 ? Buffer.concat([Buffer.from([0]), magnitude]) : Buffer.from(magnitude));
}

/**
 * `OBJECT IDENTIFIER` from dotted form (`1.2.840.10045.4.3.2`). The first two arcs share one
 * value (40 × first + second); each value is written base 128, high bit set on all but the last
 * byte (X.690 §8.19). Arcs may exceed 2^53 (`2.25.<uuid>`): they are read as BigInt.
 */
export function objectIdentifier(dotted: string): Buffer {
  if (!/^[0-2](\.(0|[1-9]\d*))+$/.test(dotted)) {
    throw new TypeError(`${JSON.stringify(dotted)} is not an object identifier. Write dotted decimal arcs such as '2.5.4.3'.`);
  }
  const arcs = dotted.split('.').map((arc) => BigInt(arc));
  const [first = 0n, second = 0n, ...rest] = arcs;
  if (first < 2n && second > 39n) throw new RangeError(`${dotted}: under arc ${first} the second arc must be 0 to 39.`);
  const out: number[] = [];
  for (const value of [first * 40n + second, ...rest]) {
    const group: number[] = [Number(value & 0x7fn)];
    for (let v = value >> 7n; v > 0n; v >>= 7n) group.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...group);
  }
  return tlv(TAG.oid, Buffer.from(out));
}

/** `UTF8String`. */
export function utf8String(text: string): Buffer {
  return tlv(TAG.utf8String, Buffer.from(text, 'utf8'));
}

/** `PrintableString`: letters, digits, space and `'()+,-./:=?` only (X.680 §41.4). */
export function printableString(text: string): Buffer {
  if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(text)) {
    throw new TypeError(`${JSON.stringify(text)} has characters a PrintableString cannot hold. Use utf8String() instead.`);
  }
  return tlv(TAG.printableString, Buffer.from(text, 'latin1'));
}

/** `IA5String` (ASCII), as used by dNSName in subjectAltName. */
export function ia5String(text: string): Buffer {
  if (!isAscii(text)) throw new TypeError(`${JSON.stringify(text)} is not ASCII. Write internationalised names in their xn-- form.`);
  return tlv(TAG.ia5String, Buffer.from(text, 'latin1'));
}

/**
 * `UTCTime` `YYMMDDHHMMSSZ`, for years 1950 to 2049 (RFC 5280 §4.1.2.5.1). Milliseconds are
 * dropped: DER times carry whole seconds in X.509.
 */
export function utcTime(date: Date): Buffer {
  const year = checkedYear(date);
  if (year < 1950 || year > 2049) throw new RangeError(`UTCTime holds the years 1950 to 2049, not ${year}. Use generalizedTime() or x509Time().`);
  return tlv(TAG.utcTime, Buffer.from(`${timeDigits(date).slice(2)}Z`, 'latin1'));
}

/** `GeneralizedTime` `YYYYMMDDHHMMSSZ`, without fractional seconds (RFC 5280 §4.1.2.5.2). */
export function generalizedTime(date: Date): Buffer {
  const year = checkedYear(date);
  if (year < 0 || year > 9999) throw new RangeError(`GeneralizedTime holds the years 0 to 9999, not ${year}.`);
  return tlv(TAG.generalizedTime, Buffer.from(`${timeDigits(date)}Z`, 'latin1'));
}

/** A certificate validity time: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
export function x509Time(date: Date): Buffer {
  return checkedYear(date) < 2050 ? utcTime(date) : generalizedTime(date);
}

/** `BIT STRING`: the count of unused bits in the last byte (0–7), then the bytes. */
export function bitString(bytes: Uint8Array, unusedBits = 0): Buffer {
  if (!Number.isInteger(unusedBits) || unusedBits < 0 || unusedBits > 7 || (unusedBits > 0 && bytes.length === 0)) {
    throw new RangeError(`A BIT STRING cannot have ${unusedBits} unused bits${bytes.length === 0 ? ' and no bytes' : ''}; use 0 to 7.`);
  }
  return tlv(TAG.bitString, Buffer.concat([Buffer.from([unusedBits]), bytes]));
}

/** `OCTET STRING`. */
export function octetString(bytes: Uint8Array): Buffer {
  return tlv(TAG.octetString, bytes);
}

/** `BOOLEAN`: DER writes true as `ff`. */
export function boolean(value: boolean): Buffer {
  return tlv(TAG.boolean, Buffer.from([value ? 0xff : 0x00]));
}

/** `NULL` (`05 00`). */
export function nullValue(): Buffer {
  return Buffer.from([TAG.null, 0x00]);
}

/** `[n] EXPLICIT`: a constructed context-specific tag wrapping one complete encoding. */
export function explicit(tagNumber: number, inner: Uint8Array): Buffer {
  return tlv(0xa0 | contextTag(tagNumber), inner);
}

/**
 * `[n] IMPLICIT`: the context-specific tag replaces the element's own, so pass the *content*
 * bytes (no tag, no length). Set `constructed` when the replaced type was (a SEQUENCE, a SET).
 */
export function implicit(tagNumber: number, content: Uint8Array, constructed = false): Buffer {
  return tlv((constructed ? 0xa0 : 0x80) | contextTag(tagNumber), content);
}

function contextTag(tagNumber: number): number {
  if (!Number.isInteger(tagNumber) || tagNumber < 0 || tagNumber > 30) throw new RangeError(`Context tag [${tagNumber}] is outside 0 to 30, which this encoder supports.`);
  return tagNumber;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

function checkedYear(date: Date): number {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError('Invalid Date: cannot encode it as an ASN.1 time.');
  return date.getUTCFullYear();
}

function timeDigits(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
}
