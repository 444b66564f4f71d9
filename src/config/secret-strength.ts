import { isPlaceholderSecret } from './weak-secrets.js';

/** The least entropy, in bits, that Aegis accepts for a secret in production (a 32-byte key). */
export const MIN_SECRET_BITS = 256;

/** How {@link assessSecret} read a value. */
export type SecretEncoding = 'hex' | 'base64' | 'base64url' | 'text';

/** The result of {@link assessSecret}. `problems` is empty when the secret is acceptable. */
export interface SecretAssessment {
  /** Estimated entropy in whole bits (rounded down). */
  readonly bits: number;
  /** The encoding the estimate assumed. */
  readonly encoding: SecretEncoding;
  /** Short noun phrases such as `a known placeholder`; they never repeat the value. */
  readonly problems: readonly string[];
}

/** A run this long of one character, or of sequential characters, is reported. */
const RUN = 8;

/**
 * Estimates a secret's strength "as encoded", and lists what is wrong with it.
 *
 * - hex (digits and letters a–f): 4 bits per character;
 * - base64 / base64url (upper and lower case, optional `=` padding, which is ignored): 6 bits per character;
 * - anything else is text: the smaller of log2(size of the character classes present) × length and
 *   the Shannon entropy of the string × length. Classes: lower case (26), upper case (26), digits (10),
 *   ASCII symbols and space (33), and each distinct non-ASCII character (1 each).
 *
 * A value counts as hex or base64 only if it looks like random output of that encoding: its Shannon
 * entropy per character must reach half of what the encoding carries. So `'a'.repeat(100)` is text
 * (0 bits), not 400 bits of hex. This is an estimate of how a value was made, not a proof of
 * randomness: a generated key passes; a sentence or a keyboard pattern should not.
 *
 * @example
 * assessSecret(randomBytes(32).toString('hex'));  // { bits: 256, encoding: 'hex', problems: [] }
 * assessSecret('changeme').problems;              // ['a known placeholder', 'only 22 bits of entropy (at least 256 are needed)']
 */
export function assessSecret(value: string): SecretAssessment {
  const chars = Array.from(value);
  const shannon = shannonPerChar(chars);
  const { encoding, bits: raw } = estimate(value, chars, shannon);
  const bits = Math.max(0, Math.floor(raw + 1e-9));
  const problems: string[] = [];
  if (isPlaceholderSecret(value)) problems.push('a known placeholder');
  if (bits < MIN_SECRET_BITS) problems.push(`only ${bits} bits of entropy (at least ${MIN_SECRET_BITS} are needed)`);
  if (longestRun(chars, 0) >= Math.min(RUN, Math.max(2, chars.length))) problems.push('one character repeated');
  if (longestRun(chars, 1) >= RUN || longestRun(chars, -1) >= RUN) problems.push('a run of sequential characters');
  return { bits, encoding, problems };
}

function estimate(value: string, chars: readonly string[], shannon: number): { encoding: SecretEncoding; bits: number } {
  if (/^[0-9a-f]+$/i.test(value) && /\d/.test(value) && /[a-f]/i.test(value) && shannon >= 2) {
    return { encoding: 'hex', bits: value.length * 4 };
  }
  const unpadded = value.replace(/={1,2}$/, '');
  const mixedCase = /[a-z]/.test(unpadded) && /[A-Z]/.test(unpadded);
  if (mixedCase && shannon >= 3) {
    // '-' or '_' mean base64url; '+', '/' or '=' padding mean base64; letters and digits alone: base64url.
    const padded = unpadded.length < value.length;
    if (/^[A-Za-z0-9+/]+$/.test(unpadded) && (padded || /[+/]/.test(unpadded))) return { encoding: 'base64', bits: unpadded.length * 6 };
    if (/^[A-Za-z0-9_-]+$/.test(unpadded)) return { encoding: 'base64url', bits: unpadded.length * 6 };
  }
  return { encoding: 'text', bits: Math.min(Math.log2(Math.max(1, alphabetSize(chars))) * chars.length, shannon * chars.length) };
}

/** Size of the character classes the value draws from. */
function alphabetSize(chars: readonly string[]): number {
  let lower = 0, upper = 0, digit = 0, symbol = 0;
  const others = new Set<string>();
  for (const c of chars) {
    if (c >= 'a' && c <= 'z') lower = 26;
    else if (c >= 'A' && c <= 'Z') upper = 26;
    else if (c >= '0' && c <= '9') digit = 10;
    else if (c >= ' ' && c <= '~') symbol = 33;
    else others.add(c);
  }
  return lower + upper + digit + symbol + others.size;
}

/** Shannon entropy of the value's own character frequencies, in bits per character. */
function shannonPerChar(chars: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) bits += (count / chars.length) * Math.log2(chars.length / count);
  return bits;
}

/** Longest run where each code point is the previous one plus `step` (0: the same character). */
function longestRun(chars: readonly string[], step: number): number {
  let longest = chars.length > 0 ? 1 : 0;
  let current = 1;
  for (let i = 1; i < chars.length; i++) {
    const follows = (chars[i]?.codePointAt(0) ?? -9) - (chars[i - 1]?.codePointAt(0) ?? -9) === step;
    current = follows ? current + 1 : 1;
    longest = Math.max(longest, current);
  }
  return longest;
}
