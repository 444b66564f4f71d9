import { readSecretRing } from '../config/read-secrets.js';
import type { Secret, SecretRing } from '../config/secret.js';
import { Problems, show } from '../core/config-error.js';
import type { AegisEvent } from '../core/events.js';
import { detectProfile, type Profile } from '../core/profile.js';
import { checkObject, readDuration, readEnum } from '../core/read-option.js';
import type { Duration } from '../core/units.js';
import type { SessionStore } from '../stores/session-store.js';

/** Session settings shared by {@link createSessionManager} and the policy's `sessions` option. */
export interface SessionSettings {
  /** Where sessions live (memory, SQLite or Redis store from `aegis/stores`). */
  readonly store: SessionStore;
  /**
   * Keys that sign the session cookie, newest first: a {@link SecretRing}, one {@link Secret}, or
   * strings. Each must carry at least 256 bits of entropy (e.g. `aegis secret` / 32 random bytes).
   * Rotation: put the new key first, keep the old one until the longest session has ended.
   */
  readonly secrets: SecretRing | Secret | readonly (string | Secret)[];
  /** Cookie name (default `'sid'`); in production it is prefixed with `__Host-`. */
  readonly cookieName?: string;
  /** `SameSite` attribute (default `'lax'`). */
  readonly sameSite?: 'lax' | 'strict';
  /** `Secure` attribute (default `true` in production, `false` otherwise); `false` is refused in production. */
  readonly secure?: boolean;
  /** Sliding inactivity limit (default `'30m'`): ms or a duration string. */
  readonly idleTimeout?: Duration;
  /** Absolute lifetime from sign-in (default `'1h'`), never extended by activity. */
  readonly absoluteTimeout?: Duration;
  /** Current time in ms since epoch (default `Date.now`); inject one in tests. */
  readonly clock?: () => number;
}

/** Options of {@link createSessionManager} (standalone use, without a policy). */
export interface SessionOptions extends SessionSettings {
  /** Receives session events (`session.invalid`, `session.revoked`); never given an id or a cookie. */
  readonly onEvent?: (event: AegisEvent) => void;
  /** Profile the defaults follow (default: from `AEGIS_ENV` / `NODE_ENV`, else development). */
  readonly profile?: Profile;
}

/** The settings after validation. @internal */
export interface CompiledSessionSettings {
  readonly store: SessionStore;
  readonly ring: SecretRing;
  readonly cookieName: string;
  readonly sameSite: 'Lax' | 'Strict';
  readonly secure: boolean;
  readonly idleTimeoutMs: number;
  readonly absoluteTimeoutMs: number;
  /** A read-only request slides the idle deadline only when it moves by at least this much. */
  readonly touchAfterMs: number;
  readonly clock: () => number;
  readonly profile: Profile;
}

/** The options after validation, with where events go. @internal */
export interface ResolvedSessionOptions extends CompiledSessionSettings {
  readonly emit: (event: AegisEvent) => void;
}

/** Keys of the policy's `sessions` option. @internal */
export const SESSION_SETTING_KEYS = ['store', 'secrets', 'cookieName', 'sameSite', 'secure', 'idleTimeout', 'absoluteTimeout', 'clock'];
const KNOWN = [...SESSION_SETTING_KEYS, 'onEvent', 'profile'];
const STORE_METHODS = ['get', 'create', 'update', 'rotate', 'destroy', 'destroyByUser'] as const;
/** RFC 6265 cookie-name token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HOST_PREFIX = '__Host-';
const SUBJECT = 'session options';

/**
 * Validates session options once and lists every problem in one {@link AegisConfigError}.
 * @internal
 */
export function resolveSessionOptions(options: SessionOptions): ResolvedSessionOptions {
  const problems = new Problems();
  if (!checkObject(options, KNOWN, problems, 'sessions', '{ store, secrets }')) problems.throwIfAny(SUBJECT);
  const raw = options as SessionOptions & Record<string, unknown>;
  const detected = detectProfile(raw.profile);
  if (detected.invalid) {
    problems.add('sessions.profile', `${show(detected.invalid.value)} is not a profile.`, "use 'production', 'development' or 'test'.");
  }
  const onEvent = raw.onEvent;
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    problems.add('sessions.onEvent', `expected a function, got ${show(onEvent)}.`, 'pass (event) => log(event), or leave it out.');
  }
  const settings = compileSessionSettings(raw, detected.profile, problems, 'sessions');
  problems.throwIfAny(SUBJECT);
  return Object.freeze({
    ...settings,
    emit: (event: AegisEvent) => {
      if (!onEvent) return;
      try {
        onEvent(event);
      } catch {
        // A failing listener never breaks a request.
      }
    },
  });
}

/**
 * Validates session settings (the policy's `sessions` option, or the standalone options) into
 * `problems`, each under `path`. The returned value is only meaningful when no problem was added.
 * @internal
 */
export function compileSessionSettings(raw: Record<string, unknown>, profile: Profile, problems: Problems, path: string): CompiledSessionSettings {
  const production = profile === 'production';
  const store = raw.store;
  if (store === null || typeof store !== 'object' || STORE_METHODS.some((m) => typeof (store as Record<string, unknown>)[m] !== 'function')) {
    problems.add(`${path}.store`, `expected a SessionStore, got ${show(store)}.`, 'pass memorySessionStore(), sqliteSessionStore({ file }) or redisSessionStore({ client }) from aegis/stores.');
  }

  const ring = readSecretRing(raw.secrets, problems, `${path}.secrets`, 'pass secrets: [process.env.SESSION_KEY] (32 random bytes, newest key first).');

  const sameSite = readEnum(raw.sameSite, ['lax', 'strict'] as const, 'lax', problems, `${path}.sameSite`);

  let secure = production;
  if (raw.secure !== undefined) {
    if (typeof raw.secure !== 'boolean') problems.add(`${path}.secure`, `expected true or false, got ${show(raw.secure)}.`, 'write secure: true.');
    else if (!raw.secure && production) problems.add(`${path}.secure`, 'a session cookie without Secure is refused in production.', 'remove secure: false (it may be false only in development or test).');
    else secure = raw.secure;
  }

  let cookieName = 'sid';
  if (raw.cookieName !== undefined) {
    if (typeof raw.cookieName !== 'string' || !TOKEN.test(raw.cookieName)) {
      problems.add(`${path}.cookieName`, `${show(raw.cookieName)} is not a valid cookie name.`, "use letters, digits and -_.!#$%&'*+^`|~, e.g. 'sid'.");
    } else cookieName = raw.cookieName;
  }
  if (production && !cookieName.startsWith(HOST_PREFIX)) cookieName = HOST_PREFIX + cookieName;
  if (cookieName.startsWith(HOST_PREFIX) && !secure) {
    problems.add(`${path}.cookieName`, 'a __Host- cookie must be Secure.', 'drop the __Host- prefix outside production, or set secure: true.');
  }

  const idleTimeoutMs = readDuration(raw.idleTimeout, 30 * 60_000, problems, `${path}.idleTimeout`);
  const absoluteTimeoutMs = readDuration(raw.absoluteTimeout, 60 * 60_000, problems, `${path}.absoluteTimeout`);
  if (idleTimeoutMs <= 0) problems.add(`${path}.idleTimeout`, 'must be longer than 0.', "give a duration such as '30m'.");
  if (absoluteTimeoutMs <= 0) problems.add(`${path}.absoluteTimeout`, 'must be longer than 0.', "give a duration such as '1h'.");

  const clock = raw.clock ?? Date.now;
  if (typeof clock !== 'function') problems.add(`${path}.clock`, `expected a function, got ${show(clock)}.`, 'pass () => Date.now(), or leave it out.');

  return Object.freeze({
    store: store as SessionStore,
    ring: ring as SecretRing,
    cookieName,
    sameSite: sameSite === 'strict' ? 'Strict' : 'Lax',
    secure,
    idleTimeoutMs,
    absoluteTimeoutMs,
    touchAfterMs: Math.min(60_000, Math.floor(idleTimeoutMs / 10)),
    clock: clock as () => number,
    profile,
  });
}
