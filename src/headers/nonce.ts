import { randomFillSync } from 'node:crypto';

// 18 bytes = 144 bits (CSP3 asks for at least 128) = exactly 24 base64 characters, no padding, so a
// whole pool encodes in one call and each nonce is a 24-character slice of it.
const NONCE_BYTES = 18;
const NONCE_CHARS = 24;
const POOL_NONCES = 256;
const pool = Buffer.allocUnsafe(NONCE_BYTES * POOL_NONCES);
let encoded = '';
let next = POOL_NONCES;

/**
 * A fresh CSP nonce: 144 random bits from the OS CSPRNG, base64-encoded (24 characters).
 * Randomness is drawn and encoded 256 nonces at a time; each is handed out once.
 * @see https://www.w3.org/TR/CSP3/#security-nonces
 */
export function createNonce(): string {
  if (next === POOL_NONCES) {
    randomFillSync(pool);
    encoded = pool.toString('base64');
    next = 0;
  }
  const start = next * NONCE_CHARS;
  next++;
  return encoded.slice(start, start + NONCE_CHARS);
}
