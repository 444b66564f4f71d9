import { createHash } from 'node:crypto';
import { tokensEqual } from '../csrf/token.js';
import type { AegisEvent } from '../core/events.js';
import { SessionIdTaken, sessionDeadline } from '../stores/session-store.js';
import type { SessionChange, SessionRecord } from '../stores/session-store.js';
import { generateSessionId, readCookie, serializeSessionCookie, signSessionId, verifySessionCookie } from './cookie.js';
import { resolveSessionOptions } from './options.js';
import type { ResolvedSessionOptions, SessionOptions } from './options.js';
import { SessionStoreError } from './store-error.js';

/** Why a presented session cookie was not honoured. */
export type InvalidSessionReason = 'tampered' | 'unknown' | 'expired';

/** Options of {@link RequestSession.regenerate} and {@link RequestSession.signIn}. */
export interface RegenerateOptions {
  /** Data keys carried over to the new session; every other key is dropped. */
  readonly keep?: readonly string[];
}

/** What {@link RequestSession.commit} asks the adapter to send. */
export interface SessionCommit {
  /** A `Set-Cookie` header value, when the cookie must be issued, re-issued or cleared. */
  readonly setCookie?: string;
}

/**
 * The session of one request. Nothing is read from the store until the first call that needs the
 * data (`get`, `userId`, `regenerate`, `signIn`, `commit` after a change), and nothing is written by
 * a request that only reads (see `commit` for the one exception: sliding the idle deadline).
 */
export interface RequestSession {
  /** A key's value (as stored, or as set in this request), or `undefined`. */
  get(key: string): Promise<unknown>;
  /** Sets a key (a JSON value); written by {@link RequestSession.commit}. `undefined` unsets it. */
  set(key: string, value: unknown): void;
  /** Removes a key; written by {@link RequestSession.commit}. */
  unset(key: string): void;
  /** The signed-in user, or `undefined`. */
  userId(): Promise<string | undefined>;
  /** This session's {@link UserSession.handle} (to mark it in a list), or `undefined` when none is stored. */
  handle(): Promise<string | undefined>;
  /**
   * Signs the session in: a new id (the old one stops working at once), only `keep` keys carried
   * over, and the absolute lifetime counted from now.
   */
  signIn(userId: string, options?: RegenerateOptions): Promise<void>;
  /** A new id for the same user (privilege change): the old id stops working at once; the absolute deadline is kept. */
  regenerate(options?: RegenerateOptions): Promise<void>;
  /** Logout: destroys the stored session; `commit` then clears the cookie. */
  destroy(): Promise<void>;
  /** Ends every session of a user (this one too, if it is theirs). Returns how many were destroyed. */
  revokeUser(userId: string): Promise<number>;
  /**
   * Writes the changed keys (a key-level merge, see below), slides the idle deadline (never past the
   * absolute one) and returns the `Set-Cookie` value to send, if any.
   *
   * Merge rule: only keys set or unset in this request are written, each applied to the record as
   * stored at that moment (`SessionStore.update`). Two concurrent requests of one session that write
   * different keys both persist; for the same key the last commit wins.
   *
   * A request that changed nothing writes nothing, except when the idle deadline would move by at
   * least `min(1 min, idleTimeout / 10)`: then only the deadline is written. So idle expiry counts
   * from the last request, give or take that interval, and a burst of reads costs no writes.
   */
  commit(): Promise<SessionCommit>;
  /**
   * For adapters, when a response starts before {@link RequestSession.commit} could run (a streamed
   * body): the `Set-Cookie` value the coming commit will need, known without the store. For a new
   * session with pending data the id is drawn now and used by the commit. The commit then sends no
   * second cookie. A presented cookie not read yet needs the store: nothing is announced for it.
   */
  cookieForHeaders(): string | undefined;
}

/** One live session of a user, as {@link SessionManager.listUserSessions} lists it. */
export interface UserSession {
  /** A stable name for the session: a digest of its id (base64url), not usable as a cookie. */
  readonly handle: string;
  readonly createdAt: number;
  readonly idleExpiresAt: number;
  readonly absoluteExpiresAt: number;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Builds events about the current request (the adapters pass their request state). */
export interface SessionEventSource {
  event(type: string, level: AegisEvent['level'], reason: string, extra?: { detail?: Readonly<Record<string, unknown>> }): AegisEvent;
}

/** The object {@link createSessionManager} returns. */
export interface SessionManager {
  /** The session of a request, from its `Cookie` header. Verifies the signature; reads nothing yet. */
  load(cookieHeader: string | undefined): Promise<RequestSession>;
  /**
   * {@link SessionManager.load}, synchronously: for adapters. `request` makes the session's events
   * carry the request's id, client and path.
   */
  open(cookieHeader: string | undefined, request?: SessionEventSource): RequestSession;
  /** Ends every session of a user ("sign out everywhere"); returns how many were destroyed. */
  revokeUser(userId: string): Promise<number>;
  /**
   * The live sessions of a user, for a "your sessions" page: each with a {@link UserSession.handle}
   * (a digest of the id, never the id itself, which is a credential) and its data.
   */
  listUserSessions(userId: string): Promise<UserSession[]>;
  /** Ends one session of a user, named by its handle; false when there is no such live session. */
  revokeSession(userId: string, handle: string): Promise<boolean>;
  /** The resolved cookie name (with `__Host-` in production). */
  readonly cookieName: string;
}

const ID_ATTEMPTS = 3;

/**
 * Server-side sessions, framework-free: the cookie carries only a signed, opaque id; the data, the
 * user and both deadlines live in a {@link SessionStore}.
 *
 * - **Cookie**: `HttpOnly; SameSite=Lax; Path=/`, `Secure` and a `__Host-` name in production.
 * - **Idle timeout** (default 30 min, sliding) and **absolute lifetime** (default 1 h from sign-in,
 *   never extended) are judged on the server against the stored record.
 * - A tampered, unknown or expired cookie starts a fresh anonymous session (stored only once
 *   written) and emits `session.invalid` with the reason; events never carry an id or a cookie.
 * - `signIn` / `regenerate` rotate the id (session fixation); `destroy` logs out; `revokeUser` ends
 *   every session of a user.
 *
 * Options are validated once; every problem is listed in one `AegisConfigError`.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html
 * @example
 * const sessions = createSessionManager({ store: sqliteSessionStore({ file: 'sessions.db' }), secrets: [process.env.SESSION_KEY!] });
 * const session = await sessions.load(req.headers.cookie);
 * if (!(await session.userId())) await session.signIn(user.id, { keep: ['cart'] });
 * const { setCookie } = await session.commit();
 * if (setCookie) res.setHeader('set-cookie', setCookie);
 */
export function createSessionManager(options: SessionOptions): SessionManager {
  return sessionManagerFrom(resolveSessionOptions(options));
}

/** The manager for already-validated options (the policy builds its own this way). @internal */
export function sessionManagerFrom(config: ResolvedSessionOptions): SessionManager {
  const revokeUser = async (userId: string, request?: SessionEventSource): Promise<number> => {
    if (typeof userId !== 'string' || userId.length === 0) throw new TypeError('revokeUser(userId): userId must be a non-empty string.');
    const count = await storeCall(config.store.destroyByUser(userId));
    config.emit(event(config, request, 'session.revoked', 'info', 'user_revoked', { sessions: count }));
    return count;
  };
  const listUserSessions = async (userId: string): Promise<UserSession[]> => {
    const live = await storeCall(config.store.listByUser(userId, config.clock()));
    return live.map(([id, record]) => ({
      handle: sessionHandle(id),
      createdAt: record.createdAt,
      idleExpiresAt: record.idleExpiresAt,
      absoluteExpiresAt: record.absoluteExpiresAt,
      data: record.data,
    }));
  };
  const revokeSession = async (userId: string, handle: string): Promise<boolean> => {
    const live = await storeCall(config.store.listByUser(userId, config.clock()));
    const found = live.find(([id]) => tokensEqual(sessionHandle(id), handle));
    if (!found) return false;
    await storeCall(config.store.destroy(found[0]));
    config.emit(event(config, undefined, 'session.revoked', 'info', 'session_revoked'));
    return true;
  };
  return Object.freeze({
    cookieName: config.cookieName,
    revokeUser: (userId: string) => revokeUser(userId),
    listUserSessions,
    revokeSession,
    async load(cookieHeader: string | undefined): Promise<RequestSession> {
      return new Session(config, cookieHeader, revokeUser, undefined);
    },
    open(cookieHeader: string | undefined, request?: SessionEventSource): RequestSession {
      return new Session(config, cookieHeader, revokeUser, request);
    },
  });
}

/** An event, with the request's facts (id, client, method, path) when it happened in a request. */
function event(config: ResolvedSessionOptions, request: SessionEventSource | undefined, type: string, level: AegisEvent['level'], reason: string, detail?: Record<string, unknown>): AegisEvent {
  if (request) return request.event(type, level, reason, detail ? { detail } : {});
  return detail ? { type, level, time: config.clock(), reason, detail } : { type, level, time: config.clock(), reason };
}

/** A store call whose failure becomes a {@link SessionStoreError} (503), the store's message kept as its cause. */
async function storeCall<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    if (error instanceof SessionIdTaken || error instanceof SessionStoreError) throw error;
    throw new SessionStoreError(error);
  }
}

/** The public name of a session id: SHA-256, base64url, 22 characters (128 bits). */
function sessionHandle(id: string): string {
  return createHash('sha256').update(id).digest('base64url').slice(0, 22);
}

/** Data keys Aegis itself keeps in a session (`aegis.csrf`…): never carried over by `keep`. */
export const RESERVED_KEY_PREFIX = 'aegis.';

class Session implements RequestSession {
  /** The stored session this request works on, once known to exist. */
  #id: string | undefined;
  #record: SessionRecord | undefined;
  /** The verified id from the cookie, not read yet. */
  #presented: string | undefined;
  /** The request brought a cookie we did not honour (tampered, unknown, expired) or that we ended. */
  #clear = false;
  /** The id changed (new session, rotation): the cookie must be (re)issued. */
  #issue = false;
  #loaded = false;
  #loading: Promise<void> | undefined;
  /** An id drawn by {@link cookieForHeaders} for a session not stored yet. */
  #nextId: string | undefined;
  /** The first store failure of this request: later calls, and the commit, fail with it too. */
  #failure: SessionStoreError | undefined;
  readonly #set = new Map<string, unknown>();
  readonly #unset = new Set<string>();

  constructor(
    private readonly config: ResolvedSessionOptions,
    cookieHeader: string | undefined,
    private readonly revokeAll: (userId: string, request?: SessionEventSource) => Promise<number>,
    private readonly request: SessionEventSource | undefined,
  ) {
    const value = readCookie(cookieHeader, config.cookieName);
    if (value === undefined) return;
    const verified = verifySessionCookie(value, config.ring);
    if (verified.ok) this.#presented = verified.id;
    else this.#invalid('tampered');
  }

  async get(key: string): Promise<unknown> {
    assertKey(key);
    await this.#load();
    if (this.#unset.has(key)) return undefined;
    if (this.#set.has(key)) return this.#set.get(key);
    return this.#record && Object.hasOwn(this.#record.data, key) ? this.#record.data[key] : undefined;
  }

  set(key: string, value: unknown): void {
    assertKey(key);
    if (value === undefined) return this.unset(key);
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      throw new TypeError(`session.set(${JSON.stringify(key)}, value): value must be a JSON value, got a ${typeof value}.`);
    }
    this.#unset.delete(key);
    this.#set.set(key, value);
  }

  unset(key: string): void {
    assertKey(key);
    this.#set.delete(key);
    this.#unset.add(key);
  }

  async userId(): Promise<string | undefined> {
    await this.#load();
    return this.#record?.userId;
  }

  async handle(): Promise<string | undefined> {
    await this.#load();
    return this.#id === undefined ? undefined : sessionHandle(this.#id);
  }

  async signIn(userId: string, options: RegenerateOptions = {}): Promise<void> {
    if (typeof userId !== 'string' || userId.length === 0) throw new TypeError('signIn(userId): userId must be a non-empty string.');
    await this.#rotate(options, userId);
  }

  async regenerate(options: RegenerateOptions = {}): Promise<void> {
    await this.#rotate(options, undefined);
  }

  async destroy(): Promise<void> {
    const id = this.#id ?? this.#presented;
    if (id !== undefined) await this.#call(this.config.store.destroy(id));
    this.#end();
  }

  async revokeUser(userId: string): Promise<number> {
    const count = await this.revokeAll(userId, this.request);
    if (this.#loaded && this.#record?.userId === userId) this.#end();
    return count;
  }

  async commit(): Promise<SessionCommit> {
    if (this.#failure) throw this.#failure;
    const changed = this.#set.size > 0 || this.#unset.size > 0;
    if (changed || this.#presented !== undefined) await this.#load();
    const now = this.config.clock();
    if (this.#id !== undefined && this.#record) {
      const idleExpiresAt = Math.min(now + this.config.idleTimeoutMs, this.#record.absoluteExpiresAt);
      const slide = idleExpiresAt - this.#record.idleExpiresAt >= this.config.touchAfterMs;
      if (changed || slide) {
        const change: { -readonly [K in keyof SessionChange]: SessionChange[K] } = { idleExpiresAt };
        if (this.#set.size > 0) change.set = Object.fromEntries(this.#set);
        if (this.#unset.size > 0) change.unset = [...this.#unset];
        const updated = await this.#call(this.config.store.update(this.#id, change, now));
        // Gone meanwhile (revoked by another request, expired): its writes are dropped with it.
        if (updated) this.#record = updated;
        else this.#end();
      }
    } else if (changed && this.#set.size > 0) {
      const absoluteExpiresAt = now + this.config.absoluteTimeoutMs;
      await this.#store(undefined, {
        data: Object.fromEntries(this.#set),
        createdAt: now,
        idleExpiresAt: Math.min(now + this.config.idleTimeoutMs, absoluteExpiresAt),
        absoluteExpiresAt,
      });
    }
    this.#set.clear();
    this.#unset.clear();
    return this.#cookie();
  }

  cookieForHeaders(): string | undefined {
    if (this.#id === undefined && this.#presented === undefined && !this.#issue && this.#set.size > 0) {
      this.#nextId ??= generateSessionId();
      const { cookieName, ring, secure, sameSite } = this.config;
      this.#clear = false;
      return serializeSessionCookie(cookieName, signSessionId(this.#nextId, ring), { secure, sameSite });
    }
    return this.#cookie().setCookie;
  }

  #cookie(): SessionCommit {
    const { cookieName, ring, secure, sameSite } = this.config;
    if (this.#issue && this.#id !== undefined) {
      this.#issue = false;
      this.#clear = false;
      return { setCookie: serializeSessionCookie(cookieName, signSessionId(this.#id, ring), { secure, sameSite }) };
    }
    if (this.#clear) {
      this.#clear = false;
      return { setCookie: serializeSessionCookie(cookieName, '', { secure, sameSite, maxAge: 0 }) };
    }
    return {};
  }

  /** Reads the presented session once, and judges its deadlines here. */
  #load(): Promise<void> {
    if (this.#loaded) return Promise.resolve();
    this.#loading ??= this.#read().then(
      () => {
        this.#loaded = true;
      },
      (error: unknown) => {
        // A store failure is the adapter's to handle; the next call reads again.
        this.#loading = undefined;
        throw error;
      },
    );
    return this.#loading;
  }

  async #read(): Promise<void> {
    const id = this.#presented;
    if (id === undefined) return;
    // Read whatever is still stored (`now = 0`: no deadline has passed at the epoch), then apply the
    // contract's own rule with the real time, so an expired session is told apart from an unknown one.
    // A backend that has already purged it reports it as unknown.
    const record = await this.#call(this.config.store.get(id, 0));
    if (!record) return this.#invalid('unknown');
    if (this.config.clock() >= sessionDeadline(record)) return this.#invalid('expired');
    this.#id = id;
    this.#record = record;
  }

  async #rotate(options: RegenerateOptions, signInAs: string | undefined): Promise<void> {
    const keep = options.keep ?? [];
    if (!Array.isArray(keep) || !keep.every((k) => typeof k === 'string')) throw new TypeError('keep must be an array of key names.');
    await this.#load();
    const now = this.config.clock();
    const data = new Map<string, unknown>();
    for (const key of keep) {
      if (key.startsWith(RESERVED_KEY_PREFIX)) continue;
      const value = await this.get(key);
      if (value !== undefined) data.set(key, value);
    }
    const old = this.#record;
    const userId = signInAs ?? old?.userId;
    const absoluteExpiresAt = signInAs !== undefined || !old ? now + this.config.absoluteTimeoutMs : old.absoluteExpiresAt;
    const record: SessionRecord = {
      data: Object.fromEntries(data),
      createdAt: signInAs !== undefined || !old ? now : old.createdAt,
      idleExpiresAt: Math.min(now + this.config.idleTimeoutMs, absoluteExpiresAt),
      absoluteExpiresAt,
      ...(userId === undefined ? {} : { userId }),
    };
    await this.#store(this.#id, record);
    this.#set.clear();
    this.#unset.clear();
  }

  /** Stores `record` under a new id, replacing `oldId` atomically when given. */
  async #store(oldId: string | undefined, record: SessionRecord): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      // A new session whose cookie already went out with the headers keeps the id it announced.
      const announced = oldId === undefined ? this.#nextId : undefined;
      const id = announced ?? generateSessionId();
      try {
        const replaced = oldId !== undefined && (await this.#call(this.config.store.rotate(oldId, id, record)));
        if (!replaced) await this.#call(this.config.store.create(id, record));
        // The cookie for an announced id has been sent already.
        this.#issue = announced === undefined;
        this.#nextId = undefined;
        this.#id = id;
        this.#record = record;
        this.#loaded = true;
        return;
      } catch (error) {
        if (!(error instanceof SessionIdTaken) || attempt >= ID_ATTEMPTS || this.#nextId !== undefined) throw error;
      }
    }
  }

  /** A store call; its failure is kept, so the commit reports the same one (the request's writes are dropped). */
  async #call<T>(pending: Promise<T>): Promise<T> {
    if (this.#failure) throw this.#failure;
    try {
      return await storeCall(pending);
    } catch (error) {
      if (error instanceof SessionStoreError) this.#failure = error;
      throw error;
    }
  }

  /** No session any more; the cookie is cleared by the next commit. */
  #end(): void {
    this.#id = undefined;
    this.#record = undefined;
    this.#presented = undefined;
    this.#loaded = true;
    this.#issue = false;
    this.#clear = true;
    this.#set.clear();
    this.#unset.clear();
  }

  #invalid(reason: InvalidSessionReason): void {
    this.#presented = undefined;
    this.#clear = true;
    this.config.emit(event(this.config, this.request, 'session.invalid', 'warn', reason));
  }
}

function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) throw new TypeError('Session keys must be non-empty strings.');
}
