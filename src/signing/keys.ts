import { createSecretKey, KeyObject } from 'node:crypto';
import { Problems, show } from '../core/config-error.js';
import { isSecret, type Secret } from '../config/secret.js';
import { assessSecret } from '../config/secret-strength.js';

/**
 * A key to sign with: an id the verifier knows (`keyid`) and the shared secret.
 *
 * A string secret is used as its UTF-8 bytes exactly as written (it is not decoded from hex or
 * base64), so both sides must configure the same string; it must carry 256 bits of entropy.
 * Bytes and KeyObjects must hold at least 32 bytes.
 */
export interface SigningKey {
  /** 1–64 characters from `A-Z a-z 0-9 . _ -`. */
  readonly id: string;
  /** The shared secret, at least 32 bytes (256 bits). */
  readonly secret: string | Uint8Array | KeyObject | Secret;
}

/** Verification keys by id, validated and imported once by {@link compileSigningKeys}. */
export interface SigningKeyRing {
  /** The key ids, in the order given. */
  readonly ids: readonly string[];
  /** The imported key for `id`, or undefined when the ring has none. */
  key(id: string): KeyObject | undefined;
}

/** The least key size in bytes (256 bits). */
export const MIN_KEY_BYTES = 32;

const ID_FIX = 'rename the key to 1-64 letters, digits, ".", "_" or "-", e.g. "2025-01".';
const SECRET_FIX = "generate one with crypto.randomBytes(32).toString('base64url').";

/** True for a valid key id: 1–64 characters from `A-Z a-z 0-9 . _ -`. */
export function isValidKeyId(id: unknown): id is string {
  return typeof id === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(id);
}

/**
 * Validates and imports verification keys: key id → secret (a string of 256 bits, 32+ bytes, a
 * {@link Secret} or a secret `KeyObject`). Several keys make rotation possible: add the new key
 * to every verifier, then switch the signers to it, then remove the old one.
 *
 * @param keys key id → secret.
 * @param path the option path used in error messages (default `signatures.keys`).
 * @throws AegisConfigError listing every bad id and weak secret, never printing a secret.
 * @example
 * const ring = compileSigningKeys({ '2025-01': process.env.BILLING_SIGNING_KEY ?? '' });
 */
export function compileSigningKeys(keys: Record<string, string | Uint8Array | Secret | KeyObject>, path = 'signatures.keys'): SigningKeyRing {
  const problems = new Problems();
  const map = new Map<string, KeyObject>();
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys) || keys instanceof Uint8Array) {
    problems.add(path, `expected an object of key id → secret, got ${show(keys)}.`, 'write { "2025-01": process.env.SIGNING_KEY }.');
  } else {
    const entries = Object.entries(keys);
    if (entries.length === 0) problems.add(path, 'has no keys.', 'add at least one: { "2025-01": process.env.SIGNING_KEY }.');
    for (const [id, secret] of entries) {
      const at = `${path}[${JSON.stringify(id.length > 80 ? `${id.slice(0, 77)}...` : id)}]`;
      const idProblem = keyIdProblem(id);
      if (idProblem !== undefined) problems.add(at, idProblem, ID_FIX);
      const key = readKeySecret(secret, problems, at);
      if (key !== undefined && isValidKeyId(id)) map.set(id, key);
    }
  }
  problems.throwIfAny('signing keys');
  const ids = Object.freeze([...map.keys()]);
  return Object.freeze({ ids, key: (id: string) => (typeof id === 'string' ? map.get(id) : undefined) });
}

/** What is wrong with a key id, in one sentence; undefined when it is valid. */
function keyIdProblem(id: unknown): string | undefined {
  if (isValidKeyId(id)) return undefined;
  if (typeof id !== 'string') return `expected a string, got ${show(id)}.`;
  if (id.length === 0) return 'the key id is empty.';
  if (id.length > 64) return `the key id is ${id.length} characters long (at most 64).`;
  return `the key id ${show(id)} may only hold A-Z, a-z, 0-9, ".", "_" and "-".`;
}

/** Each signing key's imported secret, checked once. */
const signingKeys = new WeakMap<SigningKey, KeyObject>();

/**
 * The KeyObject of a {@link SigningKey}, validated on first use and cached.
 * @throws AegisConfigError naming `key.id` or `key.secret`.
 * @internal
 */
export function importSigningKey(key: SigningKey): KeyObject {
  const cached = typeof key === 'object' && key !== null ? signingKeys.get(key) : undefined;
  if (cached !== undefined) return cached;
  const problems = new Problems();
  if (typeof key !== 'object' || key === null) {
    problems.add('key', `expected { id, secret }, got ${show(key)}.`, 'pass { id: "2025-01", secret: process.env.SIGNING_KEY }.');
    problems.throwIfAny('signing key');
  }
  const idProblem = keyIdProblem(key.id);
  if (idProblem !== undefined) problems.add('key.id', idProblem, ID_FIX);
  const imported = readKeySecret(key.secret, problems, 'key.secret');
  problems.throwIfAny('signing key');
  signingKeys.set(key, imported as KeyObject);
  return imported as KeyObject;
}

/** Checks one secret and imports it; adds a problem (never showing the value) when it is weak. */
function readKeySecret(secret: unknown, problems: Problems, path: string): KeyObject | undefined {
  if (typeof secret === 'string' || isSecret(secret)) {
    const text = typeof secret === 'string' ? secret : secret.reveal();
    const found = assessSecret(text).problems;
    if (found.length > 0) {
      problems.add(path, `this key is too weak: ${found.join(', ')}.`, SECRET_FIX);
      return undefined;
    }
    return createSecretKey(Buffer.from(text, 'utf8'));
  }
  if (secret instanceof Uint8Array) {
    if (secret.length < MIN_KEY_BYTES) {
      problems.add(path, `this key is too short: ${secret.length} bytes (at least ${MIN_KEY_BYTES} are needed).`, 'use crypto.randomBytes(32).');
      return undefined;
    }
    if (secret.every((b) => b === secret[0])) {
      problems.add(path, 'this key is one byte repeated.', 'use crypto.randomBytes(32).');
      return undefined;
    }
    return createSecretKey(Buffer.from(secret));
  }
  if (secret instanceof KeyObject) {
    if (secret.type !== 'secret') {
      problems.add(path, `expected a secret KeyObject, got a ${secret.type} key.`, 'HMAC needs a shared secret: crypto.createSecretKey(crypto.randomBytes(32)).');
      return undefined;
    }
    const size = secret.symmetricKeySize ?? 0;
    if (size < MIN_KEY_BYTES) {
      problems.add(path, `this key is too short: ${size} bytes (at least ${MIN_KEY_BYTES} are needed).`, 'use crypto.createSecretKey(crypto.randomBytes(32)).');
      return undefined;
    }
    return secret;
  }
  problems.add(path, `expected a string, a Uint8Array, a Secret or a secret KeyObject, got ${show(secret)}.`, SECRET_FIX);
  return undefined;
}
