import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Problems } from '../core/config-error.js';

/**
 * API keys, framework-free: making a key, its stored form, and checking a presented key.
 *
 * **The key** is `<prefix>_<id>_<secret>`, e.g. `aegis_k7Gf2Qx9Lm3P_<43 characters>`:
 * - `prefix` (default `aegis`; 1 to 16 lower-case letters or digits) lets secret scanners and people
 *   recognise a leaked key;
 * - `id` (8 to 16 letters or digits, 12 when made here) is random, not derived from the secret: it is
 *   the key's public name, used to find it, and safe in logs and events;
 * - `secret` is 32 random bytes from the operating system's CSPRNG, base64url (43 characters).
 *
 * The id is letters and digits only (base64url without `-` and `_`): with `_` as the separator and
 * the secret's own alphabet containing `_`, that keeps the split unambiguous (prefix and id never hold
 * `_`; everything after the second `_` is the secret).
 *
 * **The stored form** (what the application keeps: safe in a configuration file, an environment
 * variable or a database) is `{ id, hash, scopes }`, with `hash` = `sha256:` + base64url of the
 * SHA-256 of the secret part (its 43 ASCII characters). As one line (see {@link formatStoredKey}):
 * `k7Gf2Qx9Lm3P:sha256:<43 characters>:sms.send,sms.read`.
 *
 * Why SHA-256 and not a slow password hash (Argon2id, scrypt, bcrypt, which OWASP's Password Storage
 * Cheat Sheet recommends for passwords): slow hashes exist because passwords are guessable, so each
 * guess must cost. A 256-bit random secret cannot be guessed: a leaked hash gives nothing to
 * brute-force, and a fast hash keeps every request cheap. The comparison is constant-time all the same.
 */

/** A key as the application stores it: its id, the hash of its secret, its scopes. No secret. */
export interface StoredApiKey {
  /** The key's public identifier (8 to 16 letters or digits). */
  readonly id: string;
  /** `sha256:` followed by the base64url SHA-256 of the key's secret part (43 characters). */
  readonly hash: string;
  /** What the key may do, e.g. `['sms.send']`. */
  readonly scopes: readonly string[];
}

/** Options of {@link createApiKey}. */
export interface CreateApiKeyOptions {
  /** The key's first part, 1 to 16 lower-case letters or digits. Default `aegis`. */
  prefix?: string;
  /** Scopes to grant (letters, digits, `.`, `_`, `-`, `/`; up to 64 characters each). Default none. */
  scopes?: readonly string[];
}

/** The result of {@link ApiKeyStore.verify}. `reason` is for logs and events, never for the client (answer 401 alike). */
export type ApiKeyVerification =
  | { readonly ok: true; readonly id: string; readonly scopes: readonly string[] }
  | { readonly ok: false; readonly reason: 'malformed' | 'unknown' | 'mismatch' };

/** The keys an application accepts, compiled by {@link compileApiKeyStore}. */
export interface ApiKeyStore {
  /** How many keys it holds. */
  readonly size: number;
  /**
   * Checks a presented key: its shape, its id, then the SHA-256 of its secret against the stored hash,
   * in constant time. An unknown id is compared against a dummy hash, so the time taken does not say
   * whether the id exists. Never throws.
   */
  verify(presented: unknown): ApiKeyVerification;
}

/** The default key prefix. */
export const DEFAULT_API_KEY_PREFIX = 'aegis';

const PREFIX_PATTERN = /^[a-z0-9]{1,16}$/;
const ID_PATTERN = /^[A-Za-z0-9]{8,16}$/;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const HASH_PATTERN = /^sha256:[A-Za-z0-9_-]{43}$/;
const SCOPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 12;
const SECRET_BYTES = 32;
/** Longer than any valid key (16 + 1 + 16 + 1 + 43): cut off before any other work. */
const MAX_KEY_LENGTH = 77;

/** The SHA-256 of the secret part (its ASCII characters), as bytes. */
function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** `length` letters and digits, uniformly (bytes of 248 and more are drawn again, 248 = 4 × 62). */
function randomId(length: number): string {
  let id = '';
  while (id.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && id.length < length) id += ID_ALPHABET[byte % 62];
    }
  }
  return id;
}

/** True for a canonical base64url encoding of exactly 32 bytes. */
function isCanonicalSecret(secret: string): boolean {
  return SECRET_PATTERN.test(secret) && Buffer.from(secret, 'base64url').toString('base64url') === secret;
}

function scopeProblem(scope: unknown): string | undefined {
  if (typeof scope !== 'string') return `a scope must be a string, got ${scope === null ? 'null' : typeof scope}.`;
  if (!SCOPE_PATTERN.test(scope)) return `${JSON.stringify(scope.length > 70 ? `${scope.slice(0, 67)}...` : scope)} is not a scope: up to 64 letters, digits, ".", "_", "-" or "/", starting with a letter or digit.`;
  return undefined;
}

/**
 * Makes a new API key. Show `key` to its owner once and keep only `stored` (or `line`): the key
 * cannot be recovered from them.
 *
 * @throws AegisConfigError when the prefix or a scope is invalid.
 * @example
 * const { key, line } = createApiKey({ scopes: ['sms.send'] });
 * // key:  'aegis_k7Gf2Qx9Lm3P_…' (give it to the client, once)
 * // line: 'k7Gf2Qx9Lm3P:sha256:…:sms.send' (put it in API_KEYS)
 */
export function createApiKey(options: CreateApiKeyOptions = {}): { key: string; stored: StoredApiKey; line: string } {
  const problems = new Problems();
  const prefix = options.prefix ?? DEFAULT_API_KEY_PREFIX;
  const scopes = options.scopes ?? [];
  if (typeof prefix !== 'string' || !PREFIX_PATTERN.test(prefix)) {
    problems.add('prefix', 'a key prefix is 1 to 16 lower-case letters or digits.', `write prefix: "${DEFAULT_API_KEY_PREFIX}" (or your product's short name).`);
  }
  if (!Array.isArray(scopes)) problems.add('scopes', 'expected an array of scopes.', 'write scopes: ["sms.send"].');
  else scopes.forEach((scope, index) => {
    const problem = scopeProblem(scope);
    if (problem) problems.add(`scopes[${index}]`, problem, 'write a scope such as "sms.send".');
  });
  problems.throwIfAny('API key options');
  const id = randomId(ID_LENGTH);
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  const stored: StoredApiKey = Object.freeze({ id, hash: `sha256:${hashSecret(secret).toString('base64url')}`, scopes: Object.freeze([...scopes]) });
  return { key: `${prefix}_${id}_${secret}`, stored, line: formatStoredKey(stored) };
}

/**
 * Splits a presented key into its id and secret, checking its shape strictly: the prefix (default
 * `aegis`), an id of 8 to 16 letters or digits, and a secret of exactly 43 canonical base64url
 * characters (32 bytes). Returns undefined for anything else, including non-strings, surrounding
 * whitespace and oversized input. Never throws.
 */
export function parseApiKey(presented: unknown, prefix: string = DEFAULT_API_KEY_PREFIX): { id: string; secret: string } | undefined {
  if (typeof presented !== 'string' || presented.length > MAX_KEY_LENGTH) return undefined;
  const head = `${prefix}_`;
  if (!presented.startsWith(head)) return undefined;
  const rest = presented.slice(head.length);
  const separator = rest.indexOf('_');
  if (separator < 0) return undefined;
  const id = rest.slice(0, separator);
  const secret = rest.slice(separator + 1);
  if (!ID_PATTERN.test(id) || !isCanonicalSecret(secret)) return undefined;
  return { id, secret };
}

/** The one-line stored form: `<id>:sha256:<hash>:<scope>,<scope>` (the scopes part may be empty). */
export function formatStoredKey(stored: StoredApiKey): string {
  return `${stored.id}:${stored.hash}:${stored.scopes.join(',')}`;
}

/** Why a stored line is invalid (never quoting it: a pasted key would be a secret), or its parts. */
function readStoredLine(line: string): StoredApiKey | string {
  if (parseApiKey(line.trim(), line.trim().split('_', 1)[0]) !== undefined) {
    return 'this is an API key itself, not its stored form; a key must never be stored.';
  }
  const parts = line.split(':');
  if (parts.length < 3 || parts.length > 4) return 'expected <id>:sha256:<hash>:<scopes> (four parts separated by ":").';
  const [id = '', algorithm = '', digest = '', scopeList = ''] = parts;
  if (!ID_PATTERN.test(id)) return 'the id (first part) must be 8 to 16 letters or digits.';
  if (!HASH_PATTERN.test(`${algorithm}:${digest}`)) return 'the hash must be sha256: followed by 43 base64url characters.';
  const scopes = scopeList === '' ? [] : scopeList.split(',');
  for (const scope of scopes) {
    const problem = scopeProblem(scope);
    if (problem) return problem;
  }
  return { id, hash: `${algorithm}:${digest}`, scopes };
}

/**
 * Reads the one-line stored form made by {@link formatStoredKey} (and printed by `aegis key create`).
 * Returns undefined when the line is not one. Never throws.
 */
export function parseStoredKey(line: unknown): StoredApiKey | undefined {
  if (typeof line !== 'string') return undefined;
  const result = readStoredLine(line);
  return typeof result === 'string' ? undefined : result;
}

const STORED_FIX = 'use the stored line that `aegis key create` printed, e.g. "k7Gf2Qx9Lm3P:sha256:<43 characters>:sms.send".';

/** One entry checked: the key, or undefined after adding its problems. */
function readEntry(entry: unknown, problems: Problems, path: string): StoredApiKey | undefined {
  if (typeof entry === 'string') {
    const result = readStoredLine(entry);
    if (typeof result !== 'string') return result;
    problems.add(path, result, STORED_FIX);
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    problems.add(path, `expected a stored key (a line or { id, hash, scopes }), got ${entry === null ? 'null' : Array.isArray(entry) ? 'an array' : typeof entry}.`, STORED_FIX);
    return undefined;
  }
  const record = entry as Record<string, unknown>;
  const before = problems.count;
  for (const key of Object.keys(record)) {
    if (!['id', 'hash', 'scopes'].includes(key)) problems.add(`${path}.${key}`, 'unknown option.', 'a stored key has only id, hash and scopes.');
  }
  const { id, hash, scopes = [] } = record;
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) problems.add(`${path}.id`, 'an id is 8 to 16 letters or digits.', 'copy the id that `aegis key create` printed.');
  if (typeof hash !== 'string' || !HASH_PATTERN.test(hash)) problems.add(`${path}.hash`, 'the hash must be sha256: followed by 43 base64url characters.', 'copy the hash that `aegis key create` printed; never the key itself.');
  if (!Array.isArray(scopes)) problems.add(`${path}.scopes`, 'expected an array of scopes.', 'write scopes: ["sms.send"] (or [] for none).');
  else scopes.forEach((scope: unknown, index) => {
    const problem = scopeProblem(scope);
    if (problem) problems.add(`${path}.scopes[${index}]`, problem, 'write a scope such as "sms.send".');
  });
  if (problems.count > before) return undefined;
  return { id: id as string, hash: hash as string, scopes: [...(scopes as string[])] };
}

/**
 * Compiles the stored keys an application accepts (lines or `{ id, hash, scopes }` objects) into a
 * store that checks presented keys. Every invalid entry and every repeated id is a configuration
 * problem naming the entry's index; no entry's value is ever quoted.
 *
 * @param problems collects the problems instead of throwing (for a caller that reports many options at once).
 * @param path the option path entries are named by (default `apiKeys`).
 * @throws AegisConfigError listing every problem, when `problems` is not given.
 * @example
 * const store = compileApiKeyStore((process.env.API_KEYS ?? '').split(/\s+/).filter(Boolean));
 * const result = store.verify(readBearerOrHeader(req.headers.authorization, req.headers['x-api-key']));
 * if (!result.ok || !hasScopes(result.scopes, ['sms.send'])) return reply(401);
 */
export function compileApiKeyStore(entries: ReadonlyArray<StoredApiKey | string>, problems?: Problems, path = 'apiKeys', prefix: string = DEFAULT_API_KEY_PREFIX): ApiKeyStore {
  const own = problems ?? new Problems();
  const keys = new Map<string, { digest: Buffer; scopes: readonly string[] }>();
  const firstIndex = new Map<string, number>();
  if (!Array.isArray(entries)) {
    own.add(path, 'expected an array of stored keys.', 'write [] or the stored lines that `aegis key create` printed.');
  } else {
    (entries as unknown[]).forEach((entry, index) => {
      const stored = readEntry(entry, own, `${path}[${index}]`);
      if (!stored) return;
      const first = firstIndex.get(stored.id);
      if (first !== undefined) {
        own.add(`${path}[${index}]`, `the id ${stored.id} is already used by ${path}[${first}]; every key needs its own id.`, 'remove the repeated entry, or make a new key with `aegis key create`.');
        return;
      }
      firstIndex.set(stored.id, index);
      keys.set(stored.id, { digest: Buffer.from(stored.hash.slice('sha256:'.length), 'base64url'), scopes: Object.freeze([...stored.scopes]) });
    });
  }
  if (!problems) own.throwIfAny('API keys');
  const dummy = hashSecret('aegis: no such key');
  return Object.freeze({
    size: keys.size,
    verify(presented: unknown): ApiKeyVerification {
      const parts = parseApiKey(presented, prefix);
      if (!parts) return { ok: false, reason: 'malformed' };
      const entry = keys.get(parts.id);
      const same = timingSafeEqual(entry?.digest ?? dummy, hashSecret(parts.secret));
      if (!entry) return { ok: false, reason: 'unknown' };
      if (!same) return { ok: false, reason: 'mismatch' };
      return { ok: true, id: parts.id, scopes: entry.scopes };
    },
  });
}

/** True when every one of `required` is in `granted` (exact names; nothing required is always true). */
export function hasScopes(granted: readonly string[], required: readonly string[]): boolean {
  if (!Array.isArray(granted) || !Array.isArray(required)) return false;
  return required.every((scope) => granted.includes(scope));
}

const BEARER = /^bearer[ \t]+([A-Za-z0-9._~+/-]+=*)[ \t]*$/i;

/**
 * The API key a request presents: from `Authorization: Bearer <key>` (the scheme in any case,
 * spaces or tabs around the token), else from an `X-API-Key` header's value (trimmed). Returns
 * undefined when neither holds one; another scheme (`Basic …`) is not a key. Checks nothing else:
 * pass the result to {@link ApiKeyStore.verify}.
 */
export function readBearerOrHeader(authorization: string | undefined, apiKeyHeader: string | undefined): string | undefined {
  if (typeof authorization === 'string' && authorization.length <= 1024) {
    const match = BEARER.exec(authorization.trim());
    if (match) return match[1];
  }
  if (typeof apiKeyHeader === 'string' && apiKeyHeader.length <= 1024) {
    const value = apiKeyHeader.trim();
    if (value !== '' && !/\s/.test(value)) return value;
  }
  return undefined;
}
