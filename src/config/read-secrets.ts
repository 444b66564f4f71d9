import { show, type Problems } from '../core/config-error.js';
import { assessSecret } from './secret-strength.js';
import { isSecret, isSecretRing, Secret, SecretRing } from './secret.js';

/**
 * Reads keys given as a {@link SecretRing}, one {@link Secret}, or a non-empty array of strings and
 * Secrets (newest first) into `problems` under `path`; each must pass the strength check (256 bits).
 * Values are never printed: only their position and what is wrong. `fix` is the advice when the
 * option is missing or not a list.
 * @internal
 */
export function readSecretRing(raw: unknown, problems: Problems, path: string, fix: string): SecretRing | undefined {
  const entries: Array<readonly [number, Secret]> = [];
  if (isSecretRing(raw)) raw.all.forEach((s, i) => entries.push([i, s]));
  else if (isSecret(raw)) entries.push([0, raw]);
  else if (Array.isArray(raw) && raw.length > 0) {
    raw.forEach((s: unknown, i) => {
      if (isSecret(s)) entries.push([i, s]);
      else if (typeof s === 'string') entries.push([i, new Secret(s)]);
      else problems.add(`${path}[${i}]`, `expected a string or a Secret, got ${show(s)}.`, 'give each key as a string of 32 random bytes (hex or base64).');
    });
  } else {
    problems.add(path, raw === undefined ? 'is required.' : `expected a SecretRing, a Secret or a non-empty array of keys, got ${show(raw)}.`, fix);
    return undefined;
  }
  // The value is never printed: only its position and what is wrong with it.
  for (const [i, secret] of entries) {
    const found = assessSecret(secret.reveal()).problems;
    if (found.length > 0) {
      problems.add(`${path}[${i}]`, `this key is too weak: ${found.join(', ')}.`, "generate one with crypto.randomBytes(32).toString('base64url').");
    }
  }
  return entries.length > 0 ? new SecretRing(entries.map(([, s]) => s)) : undefined;
}
