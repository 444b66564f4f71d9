import { randomFillSync } from 'node:crypto';

const NONCE_BYTES = 16; // 128 bits, the minimum CSP3 recommends
const POOL_NONCES = 256;
const pool = Buffer.allocUnsafe(NONCE_BYTES * POOL_NONCES);
let next = POOL_NONCES;

/**
 * A fresh CSP nonce: 128 random bits from the OS CSPRNG, base64-encoded (24 characters).
 * Randomness is drawn 4 KiB at a time and each byte is used once, which keeps the per-request
 * cost to a slice and an encode.
 * @see https://www.w3.org/TR/CSP3/#security-nonces
 */
export function createNonce(): string {
  if (next === POOL_NONCES) {
    randomFillSync(pool);
    next = 0;
  }
  const start = next * NONCE_BYTES;
  next++;
  return pool.toString('base64', start, start + NONCE_BYTES);
}
