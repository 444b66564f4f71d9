import { createHash, createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/** What every redacted value prints as. */
const REDACTED = '[redacted]';
/** Brands shared by every copy of this module (ESM and CommonJS builds, duplicated installs). */
const SECRET_BRAND = Symbol.for('aegis.config.secret');
const RING_BRAND = Symbol.for('aegis.config.secret-ring');
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

function digest(value: string | Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Makes the prototype print `[redacted]` everywhere: String(), templates, JSON, util.inspect. */
function redact(proto: object, brand: symbol): void {
  const always = () => REDACTED;
  for (const key of ['toString', 'toJSON', Symbol.toPrimitive, INSPECT, brand]) {
    Object.defineProperty(proto, key, { value: key === brand ? true : always, enumerable: false });
  }
}

/**
 * A secret string that does not leak: `String(secret)`, `${secret}`, `JSON.stringify`,
 * `console.log` and `util.inspect` all give `[redacted]`. Only {@link Secret.reveal} returns the value.
 *
 * @example
 * const key = new Secret(process.env.SESSION_SECRET ?? '');
 * console.log({ key });              // { key: [redacted] }
 * key.equals(request.headers['x-internal-secret'] ?? ''); // constant-time
 */
export class Secret {
  readonly #value: string;
  readonly #digest: Buffer;

  /** @param value the secret; must be a string. */
  constructor(value: string) {
    if (typeof value !== 'string') throw new TypeError('new Secret(value): value must be a string.');
    this.#value = value;
    this.#digest = digest(value);
    Object.freeze(this);
  }

  /** Returns the secret value. Call it only where the value is used (signing, connecting). */
  reveal(): string {
    return this.#value;
  }

  /**
   * Compares in constant time: both sides are hashed with SHA-256 first, so neither the
   * position of the first difference nor the length of the secret shows in the timing.
   * Returns false for anything that is not a string or a Buffer.
   */
  equals(candidate: string | Buffer): boolean {
    if (typeof candidate !== 'string' && !Buffer.isBuffer(candidate)) return false;
    return timingSafeEqual(this.#digest, digest(candidate));
  }
}
redact(Secret.prototype, SECRET_BRAND);

/**
 * Several versions of one secret, newest first, for rotation: sign with {@link SecretRing.current},
 * accept anything signed with one of {@link SecretRing.all}. Prints as `[redacted]` like {@link Secret}.
 *
 * Rotating a key: put the new key first and keep the old one after it (`SESSION_KEYS="new old"`);
 * once nothing signed with the old key is still in use (the longest session, say), remove it.
 *
 * @example
 * const ring = new SecretRing(['new-key…', 'previous-key…']);
 * const tag = ring.sign('user=42');  // HMAC-SHA256 with the newest key, base64url
 * ring.verify('user=42', tag);       // true: also for a tag made with 'previous-key…'
 * ring.matches(token);               // true for either key, compared in constant time
 */
export class SecretRing {
  /** The newest secret: use it for everything new. */
  readonly current: Secret;
  /** Every secret, newest first. */
  readonly all: readonly Secret[];

  /** @param secrets at least one secret (string or {@link Secret}), newest first. */
  constructor(secrets: readonly (string | Secret)[]) {
    if (!Array.isArray(secrets) || secrets.length === 0) throw new TypeError('new SecretRing(secrets): give at least one secret, newest first.');
    this.all = Object.freeze(secrets.map((s) => (isSecret(s) ? s : new Secret(s))));
    this.current = this.all[0] as Secret;
    Object.freeze(this);
  }

  /**
   * True when `candidate` equals one of the secrets. Every secret is compared (no early exit),
   * each in constant time, so the timing shows neither whether nor which one matched.
   */
  matches(candidate: string | Buffer): boolean {
    let found = false;
    for (const secret of this.all) found = secret.equals(candidate) || found;
    return found;
  }

  /** The HMAC-SHA256 of `data` with the newest secret, base64url (43 characters). */
  sign(data: string | Buffer): string {
    return hmac(this.current, data);
  }

  /**
   * True when `signature` (base64url, as {@link SecretRing.sign} makes it) is the HMAC-SHA256 of
   * `data` with any of the secrets: tags made before a rotation still verify while their key is in
   * the ring. Every key is tried, each compared in constant time.
   */
  verify(data: string | Buffer, signature: string): boolean {
    if (typeof signature !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return false;
    // Compared as text: the 43rd character carries 4 bits and 2 ignored ones, so four spellings
    // decode to the same bytes; only the canonical one (what sign() produces) matches.
    const given = Buffer.from(signature, 'latin1');
    let found = false;
    for (const secret of this.all) found = timingSafeEqual(Buffer.from(hmac(secret, data), 'latin1'), given) || found;
    return found;
  }
}

/** Each secret's HMAC key, imported once (a string key would be imported again on every call). */
const hmacKeys = new WeakMap<Secret, KeyObject>();

/** HMAC-SHA256, base64url. */
function hmac(secret: Secret, data: string | Buffer): string {
  let key = hmacKeys.get(secret);
  if (key === undefined) {
    key = createSecretKey(Buffer.from(secret.reveal(), 'utf8'));
    hmacKeys.set(secret, key);
  }
  return createHmac('sha256', key).update(data).digest('base64url');
}

redact(SecretRing.prototype, RING_BRAND);

/** True for a {@link Secret} from any copy of Aegis (a `Symbol.for` brand, not `instanceof`). */
export function isSecret(value: unknown): value is Secret {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SECRET_BRAND] === true;
}

/** True for a {@link SecretRing} from any copy of Aegis. */
export function isSecretRing(value: unknown): value is SecretRing {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[RING_BRAND] === true;
}
