import { createHash, timingSafeEqual } from 'node:crypto';
import { parseDictionary } from './structured-fields.js';

/**
 * The `Content-Digest` value for a body: `sha-256=:<base64 of SHA-256(body)>:` (RFC 9530), also for
 * an empty body (`sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:`). A string is digested as UTF-8.
 * @see https://www.rfc-editor.org/rfc/rfc9530#section-2
 */
export function contentDigest(body: string | Uint8Array | undefined): string {
  return `sha-256=:${sha256(body).toString('base64')}:`;
}

function sha256(body: string | Uint8Array | undefined): Buffer {
  return createHash('sha256').update(body ?? new Uint8Array(0)).digest();
}

/** What {@link checkContentDigest} found. @internal */
export type DigestCheck = 'match' | 'mismatch' | 'malformed';

/**
 * Compares a received `Content-Digest` field with the digest of the bytes actually received. The
 * field must be a Dictionary of byte sequences; its `sha-256` member must equal the body's SHA-256.
 * Other algorithms in it are ignored, and a field without `sha-256` is a mismatch.
 * @internal
 */
export function checkContentDigest(field: string, body: Uint8Array): DigestCheck {
  const members = parseDictionary(field);
  if (members === undefined) return 'malformed';
  for (const member of members.values()) {
    if (member.kind !== 'item' || member.value.type !== 'bytes') return 'malformed';
  }
  const claimed = members.get('sha-256');
  if (claimed === undefined || claimed.kind !== 'item' || claimed.value.type !== 'bytes') return 'mismatch';
  const actual = sha256(body);
  const given = claimed.value.value;
  return given.length === actual.length && timingSafeEqual(given, actual) ? 'match' : 'mismatch';
}
