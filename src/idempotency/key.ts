/** The longest idempotency key accepted, in characters. */
export const MAX_KEY_LENGTH = 255;

/**
 * Reads an `Idempotency-Key` field value. The draft defines it as a Structured Field String
 * (`"8e03978e-40d5-43e8-bc93-6894a57f9324"`); a bare value of visible ASCII (how many clients send
 * UUIDs) is accepted too. Returns the key, or `undefined` when the value is neither (empty,
 * too long, several values, control characters, a bad escape).
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/
 * @internal
 */
export function parseIdempotencyKey(value: string): string | undefined {
  const text = value.trim();
  let key: string;
  if (text.startsWith('"')) {
    let out = '';
    let i = 1;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x5c /* \ */) {
        const next = text[++i];
        if (next !== '"' && next !== '\\') return undefined;
        out += next;
      } else if (c === 0x22 /* " */) break;
      else if (c < 0x20 || c > 0x7e) return undefined;
      else out += text[i];
    }
    if (i !== text.length - 1) return undefined; // unterminated, or something after the closing quote
    key = out;
  } else {
    if (!/^[\x21-\x7e]+$/.test(text) || text.includes(',') || text.includes('"')) return undefined;
    key = text;
  }
  return key.length === 0 || key.length > MAX_KEY_LENGTH ? undefined : key;
}
