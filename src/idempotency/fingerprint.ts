import { createHash } from 'node:crypto';

/**
 * The fingerprint a key is bound to: SHA-256 over the method, the path and query, the content type
 * and the body bytes, each length-prefixed so no two requests share a serialisation. A repeat must
 * match it exactly; the same key sent with any other request is refused (422).
 * @internal
 */
export function requestFingerprint(method: string, target: string, contentType: string | undefined, body: Uint8Array): string {
  const hash = createHash('sha256');
  for (const part of [method, target, contentType ?? '']) {
    hash.update(`${Buffer.byteLength(part)}:`);
    hash.update(part);
  }
  hash.update(`${body.byteLength}:`);
  hash.update(body);
  return hash.digest('base64url');
}
