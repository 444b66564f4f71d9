/**
 * The session store contract: the server-side state behind an opaque session cookie.
 *
 * Every backend (memory, SQLite, Redis) implements it and passes the same contract test suite
 * (`test/contract/session-store.contract.ts`). Rules shared by every backend:
 *
 * - **Times** are milliseconds since the Unix epoch, always supplied by the caller (`now`, or the
 *   record's own fields), so an injected clock drives expiry everywhere.
 * - A session is **live** while `now < min(idleExpiresAt, absoluteExpiresAt)`; at or after that
 *   instant it is expired and reads as absent, whether or not the backend has purged it yet.
 * - **Data** values are JSON values (strings, finite numbers, booleans, null, arrays and plain
 *   objects of those). Other values are not part of the contract and may not round-trip.
 * - Returned records are copies: mutating one never changes what is stored.
 * - **Merge rule** for {@link SessionStore.update}: the change is applied key by key, atomically,
 *   to the record as currently stored. Keys the change does not name keep their stored value, so two
 *   concurrent requests that write different keys both win; for the same key the last write wins.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html
 */

/** One stored session. */
export interface SessionRecord {
  /** The application's session data: a flat map of keys to JSON values. */
  readonly data: Readonly<Record<string, unknown>>;
  /** The signed-in user, if any; indexed so all sessions of a user can be listed and revoked. */
  readonly userId?: string;
  /** When the session was created (ms since epoch). */
  readonly createdAt: number;
  /** Sliding deadline: the session expires at this instant unless activity moves it later. */
  readonly idleExpiresAt: number;
  /** Fixed deadline: the session expires at this instant whatever the activity; never extended. */
  readonly absoluteExpiresAt: number;
}

/** A partial change to a stored session, applied atomically by {@link SessionStore.update}. */
export interface SessionChange {
  /** Keys to write, with their new JSON values; other keys are left as stored. */
  readonly set?: Readonly<Record<string, unknown>>;
  /** Keys to remove. Applied after `set`, so a key named in both ends up removed. */
  readonly unset?: readonly string[];
  /** A string signs the session in as that user; `null` signs it out; absent leaves it as stored. */
  readonly userId?: string | null;
  /** The new sliding deadline (ms since epoch); absent leaves it as stored. */
  readonly idleExpiresAt?: number;
}

/**
 * Server-side session storage. Small on purpose: the session feature builds its behaviour
 * (lazy load, write only when changed, rotation, revocation) from these eight methods.
 */
export interface SessionStore {
  /**
   * Reads a session.
   * @param id the session id.
   * @param now the current time (ms since epoch).
   * @returns a copy of the record, or `undefined` when the id is unknown, destroyed, or expired at
   *   `now` (at or past the earlier of its idle and absolute deadlines). Never writes.
   */
  get(id: string, now: number): Promise<SessionRecord | undefined>;

  /**
   * Stores a new session.
   * @throws {@link SessionIdTaken} when a session with this id is still stored.
   */
  create(id: string, record: SessionRecord): Promise<void>;

  /**
   * Applies a change atomically (see the merge rule in this module's description): keys not named
   * keep their current stored value, so two requests writing different keys both win.
   * @param now the current time (ms since epoch); an expired session is not updated.
   * @returns the merged record as now stored, or `undefined` (and nothing written) when the session
   *   is unknown, destroyed, or expired at `now`.
   */
  update(id: string, change: SessionChange, now: number): Promise<SessionRecord | undefined>;

  /**
   * Atomically stores `record` under `newId` and destroys `oldId` (session fixation defence): from
   * the moment this resolves the old id no longer reads.
   * @returns `false`, and no new session, when `oldId` is not stored.
   * @throws {@link SessionIdTaken} when `newId` is already stored; `oldId` is then left untouched.
   */
  rotate(oldId: string, newId: string, record: SessionRecord): Promise<boolean>;

  /**
   * Destroys one session (logout, single revocation).
   * @returns `true` when a session was stored under this id.
   */
  destroy(id: string): Promise<boolean>;

  /**
   * Lists the live sessions of a user, ordered by `createdAt`, then by id.
   * @param now the current time; sessions expired at `now` are not listed.
   */
  listByUser(userId: string, now: number): Promise<Array<readonly [string, SessionRecord]>>;

  /**
   * Revokes every session of a user ("sign out everywhere").
   * @returns how many stored sessions were destroyed (expired ones not yet purged may be counted).
   */
  destroyByUser(userId: string): Promise<number>;

  /** Releases what the store itself opened (a file handle); never closes a client the application passed in. */
  close(): Promise<void>;
}

/** Thrown by {@link SessionStore.create} and {@link SessionStore.rotate} when the id is already stored. */
export class SessionIdTaken extends Error {
  override readonly name = 'SessionIdTaken';

  /** The message never carries the id: a session id is a bearer secret. */
  constructor(message = 'Session id already in use.') {
    super(message);
  }
}

/**
 * Applies a {@link SessionChange} to a record: the merge rule shared by every backend.
 * The result shares no objects with `change`; it may share `record.data`'s values (copy if needed).
 * @internal
 */
export function mergeSessionChange(record: SessionRecord, change: SessionChange): SessionRecord {
  // A Map, then Object.fromEntries: keys such as `__proto__` stay plain own properties.
  const entries = new Map(Object.entries(record.data));
  if (change.set) for (const [key, value] of Object.entries(change.set)) entries.set(key, value);
  if (change.unset) for (const key of change.unset) entries.delete(key);
  const data: Record<string, unknown> = Object.fromEntries(entries);
  const userId = change.userId === undefined ? record.userId : change.userId ?? undefined;
  const merged: SessionRecord = {
    data,
    createdAt: record.createdAt,
    idleExpiresAt: change.idleExpiresAt ?? record.idleExpiresAt,
    absoluteExpiresAt: record.absoluteExpiresAt,
  };
  return userId === undefined ? merged : { ...merged, userId };
}

/** The instant a record stops being live: the earlier of its two deadlines. @internal */
export function sessionDeadline(record: Pick<SessionRecord, 'idleExpiresAt' | 'absoluteExpiresAt'>): number {
  return Math.min(record.idleExpiresAt, record.absoluteExpiresAt);
}

/**
 * Refuses ids and records the types forbid (a store must never key state on `undefined` or store
 * `NaN` deadlines). Throws a TypeError naming the argument.
 * @internal
 */
export function assertSessionId(id: unknown, argument = 'id'): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new TypeError(`Session store: ${argument} must be a non-empty string, got ${describeValue(id)}.`);
  }
}

/** @internal see {@link assertSessionId} */
export function assertSessionRecord(record: unknown): asserts record is SessionRecord {
  if (record === null || typeof record !== 'object') {
    throw new TypeError(`Session store: record must be an object, got ${describeValue(record)}.`);
  }
  const r = record as Record<string, unknown>;
  if (r['data'] === null || typeof r['data'] !== 'object' || Array.isArray(r['data'])) {
    throw new TypeError(`Session store: record.data must be a plain object of JSON values, got ${describeValue(r['data'])}.`);
  }
  if (r['userId'] !== undefined) assertSessionId(r['userId'], 'record.userId');
  for (const field of ['createdAt', 'idleExpiresAt', 'absoluteExpiresAt']) {
    if (typeof r[field] !== 'number' || !Number.isFinite(r[field])) {
      throw new TypeError(`Session store: record.${field} must be a finite number of ms since epoch, got ${describeValue(r[field])}.`);
    }
  }
}

/** @internal see {@link assertSessionId} */
export function assertSessionChange(change: unknown): asserts change is SessionChange {
  if (change === null || typeof change !== 'object') {
    throw new TypeError(`Session store: change must be an object, got ${describeValue(change)}.`);
  }
  const c = change as Record<string, unknown>;
  if (c['set'] !== undefined && (c['set'] === null || typeof c['set'] !== 'object' || Array.isArray(c['set']))) {
    throw new TypeError(`Session store: change.set must be a plain object, got ${describeValue(c['set'])}.`);
  }
  if (c['unset'] !== undefined && (!Array.isArray(c['unset']) || !c['unset'].every((k) => typeof k === 'string'))) {
    throw new TypeError('Session store: change.unset must be an array of key names.');
  }
  if (c['userId'] !== undefined && c['userId'] !== null) assertSessionId(c['userId'], 'change.userId');
  if (c['idleExpiresAt'] !== undefined && (typeof c['idleExpiresAt'] !== 'number' || !Number.isFinite(c['idleExpiresAt']))) {
    throw new TypeError(`Session store: change.idleExpiresAt must be a finite number, got ${describeValue(c['idleExpiresAt'])}.`);
  }
}

/** @internal see {@link assertSessionId} */
export function assertNow(now: unknown): asserts now is number {
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw new TypeError(`Session store: now must be a finite number of ms since epoch, got ${describeValue(now)}.`);
  }
}

/** How an invalid argument is named in a store's TypeError (never the value of a string: it may be a secret). @internal */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length === 0 ? 'an empty string' : 'a string';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
