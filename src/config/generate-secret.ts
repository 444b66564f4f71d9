import { randomBytes } from 'node:crypto';
import { Problems, show } from '../core/config-error.js';
import { checkObject } from '../core/read-option.js';

/** Options of {@link generateSecret}. */
export interface GenerateSecretOptions {
  /** Random bytes to draw, from 32 (256 bits) to 1024. Default 32. */
  bytes?: number;
  /** `'base64url'` (default; no padding, safe in URLs, headers and `.env` files) or `'hex'`. */
  format?: 'hex' | 'base64url';
}

const MIN_BYTES = 32;
const MAX_BYTES = 1024;
const FORMATS = ['base64url', 'hex'] as const;

/**
 * Returns a new random secret from the operating system's CSPRNG (`crypto.randomBytes`).
 * 32 bytes give 43 base64url characters or 64 hex characters, both at least the 256 bits
 * that production requires (see `assessSecret`). This is what `npx aegis secret` prints.
 *
 * @throws AegisConfigError when `bytes` is not a whole number from 32 to 1024, or `format` is unknown.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cryptographic_Storage_Cheat_Sheet.html
 * @example
 * generateSecret();                               // 'q1VxG…' (43 characters)
 * generateSecret({ bytes: 64, format: 'hex' });   // 128 hex characters
 */
export function generateSecret(options: GenerateSecretOptions = {}): string {
  const problems = new Problems();
  let bytes = MIN_BYTES;
  let format: GenerateSecretOptions['format'] = 'base64url';
  if (checkObject(options, ['bytes', 'format'], problems, 'options', '{ bytes: 32, format: "base64url" }')) {
    if (options.bytes !== undefined) {
      const ok = typeof options.bytes === 'number' && Number.isInteger(options.bytes) && options.bytes >= MIN_BYTES && options.bytes <= MAX_BYTES;
      if (ok) bytes = options.bytes;
      else problems.add('bytes', `${show(options.bytes)} is not a whole number of bytes from ${MIN_BYTES} to ${MAX_BYTES}; fewer than ${MIN_BYTES} bytes is less than ${MIN_BYTES * 8} bits.`, `write bytes: ${MIN_BYTES} (or more, up to ${MAX_BYTES}).`);
    }
    if (options.format !== undefined) {
      if ((FORMATS as readonly unknown[]).includes(options.format)) format = options.format;
      else problems.add('format', `${show(options.format)} is not a secret format.`, `use one of: ${FORMATS.map((f) => `"${f}"`).join(', ')}.`);
    }
  }
  problems.throwIfAny();
  return randomBytes(bytes).toString(format);
}
