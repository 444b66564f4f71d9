import { Problems, show } from '../../core/config-error.js';
import {
  assertNow,
  assertSessionChange,
  assertSessionId,
  assertSessionRecord,
  mergeSessionChange,
  sessionDeadline,
  SessionIdTaken,
} from '../session-store.js';
import type { SessionChange, SessionRecord, SessionStore } from '../session-store.js';
import { PROCESS_LOCAL } from '../process-local.js';

/** Options of {@link memorySessionStore}. */
export interface MemorySessionStoreOptions {
  /**
   * The most sessions kept at once (default `10_000`). A flood of new sessions cannot grow memory
   * past it: when the store is full, creating a session first drops every expired one, then the least
   * recently used ones (read or updated longest ago) until there is room.
   */
  readonly maxEntries?: number;
  /**
   * The clock used to decide which sessions are expired when the store is full and must make room
   * (default `Date.now`). Reads and updates use the `now` they are given.
   */
  readonly clock?: () => number;
}

/**
 * A session store in this process's memory: for tests, development and a single process that can
 * lose its sessions on restart. Use the SQLite store for sessions (and revocations) that must survive
 * a restart, Redis for several processes.
 *
 * - **Bounded**: at most `maxEntries` sessions. When full, a new session first evicts every expired
 *   session, then the least recently used (the one read or updated longest ago).
 * - **Expiry**: an expired session reads as absent and is dropped when read, updated or evicted.
 * - **Copies**: records are deep-copied (`structuredClone`) on the way in and out, so no caller can
 *   change stored state by mutating an object.
 * - A per-user index (user id → session ids) serves `listByUser` and `destroyByUser`, kept in step by
 *   every write.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html
 * @example
 * const store = memorySessionStore({ maxEntries: 1_000 });
 * await store.create(id, { data: {}, createdAt: now, idleExpiresAt: now + 30 * 60_000, absoluteExpiresAt: now + 3_600_000 });
 */
export function memorySessionStore(options: MemorySessionStoreOptions = {}): SessionStore {
  const problems = new Problems();
  if (options === null || typeof options !== 'object') {
    problems.add('options', `must be an object, got ${show(options)}.`, 'Pass { maxEntries?, clock? } or nothing.');
    problems.throwIfAny('memorySessionStore options');
  }
  const maxEntries = options.maxEntries ?? 10_000;
  const clock = options.clock ?? Date.now;
  if (typeof maxEntries !== 'number' || !Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    problems.add('maxEntries', `must be a positive integer, got ${show(maxEntries)}.`, 'Use a whole number such as 10_000, or leave it out.');
  }
  if (typeof clock !== 'function') {
    problems.add('clock', `must be a function returning ms since epoch, got ${show(clock)}.`, 'Pass () => Date.now(), or leave it out.');
  }
  problems.throwIfAny('memorySessionStore options');
  return new MemorySessionStore(maxEntries, clock);
}

class MemorySessionStore implements SessionStore {
  /** This process keeps the sessions (lost on restart; each instance has its own): `aegis check` warns about it (AEGIS-W017, see `../process-local.ts`). */
  readonly [PROCESS_LOCAL] = true;
  /** Sessions in least-recently-used-first order: a touch moves the entry to the end. */
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly byUser = new Map<string, Set<string>>();
  /** A lower bound of every stored deadline: before it, nothing can be expired, so no sweep is needed. */
  private earliestDeadline = Infinity;

  constructor(
    private readonly maxEntries: number,
    private readonly clock: () => number,
  ) {}

  async get(id: string, now: number): Promise<SessionRecord | undefined> {
    assertSessionId(id);
    assertNow(now);
    const stored = this.live(id, now);
    return stored && structuredClone(stored);
  }

  async create(id: string, record: SessionRecord): Promise<void> {
    assertSessionId(id);
    assertSessionRecord(record);
    if (this.sessions.has(id)) throw new SessionIdTaken();
    const copy = structuredClone(record);
    this.makeRoom();
    this.insert(id, copy);
  }

  async update(id: string, change: SessionChange, now: number): Promise<SessionRecord | undefined> {
    assertSessionId(id);
    assertSessionChange(change);
    assertNow(now);
    const stored = this.live(id, now);
    if (!stored) return undefined;
    const merged = mergeSessionChange(stored, structuredClone(change));
    this.remove(id);
    this.insert(id, merged);
    return structuredClone(merged);
  }

  async rotate(oldId: string, newId: string, record: SessionRecord): Promise<boolean> {
    assertSessionId(oldId, 'oldId');
    assertSessionId(newId, 'newId');
    assertSessionRecord(record);
    if (!this.sessions.has(oldId)) return false;
    if (this.sessions.has(newId)) throw new SessionIdTaken();
    const copy = structuredClone(record);
    this.remove(oldId);
    this.insert(newId, copy);
    return true;
  }

  async destroy(id: string): Promise<boolean> {
    assertSessionId(id);
    return this.remove(id);
  }

  async listByUser(userId: string, now: number): Promise<Array<readonly [string, SessionRecord]>> {
    assertSessionId(userId, 'userId');
    assertNow(now);
    const result: Array<readonly [string, SessionRecord]> = [];
    for (const id of this.byUser.get(userId) ?? []) {
      const stored = this.sessions.get(id);
      if (stored && now < sessionDeadline(stored)) result.push([id, structuredClone(stored)]);
    }
    return result.sort(([a, ra], [b, rb]) => ra.createdAt - rb.createdAt || (a < b ? -1 : a > b ? 1 : 0));
  }

  async destroyByUser(userId: string): Promise<number> {
    assertSessionId(userId, 'userId');
    const ids = [...(this.byUser.get(userId) ?? [])];
    for (const id of ids) this.remove(id);
    return ids.length;
  }

  async close(): Promise<void> {
    this.sessions.clear();
    this.byUser.clear();
    this.earliestDeadline = Infinity;
  }

  /** The stored record when live at `now`, marked as just used; an expired one is dropped. */
  private live(id: string, now: number): SessionRecord | undefined {
    const stored = this.sessions.get(id);
    if (!stored) return undefined;
    if (now >= sessionDeadline(stored)) {
      this.remove(id);
      return undefined;
    }
    this.sessions.delete(id);
    this.sessions.set(id, stored);
    return stored;
  }

  private insert(id: string, record: SessionRecord): void {
    this.sessions.set(id, record);
    this.earliestDeadline = Math.min(this.earliestDeadline, sessionDeadline(record));
    if (record.userId !== undefined) {
      let ids = this.byUser.get(record.userId);
      if (!ids) this.byUser.set(record.userId, (ids = new Set()));
      ids.add(id);
    }
  }

  private remove(id: string): boolean {
    const stored = this.sessions.get(id);
    if (!stored) return false;
    this.sessions.delete(id);
    if (stored.userId !== undefined) {
      const ids = this.byUser.get(stored.userId);
      ids?.delete(id);
      if (ids?.size === 0) this.byUser.delete(stored.userId);
    }
    return true;
  }

  /** Frees one slot when full: expired sessions first, then the least recently used. */
  private makeRoom(): void {
    if (this.sessions.size < this.maxEntries) return;
    const now = this.clock();
    if (now >= this.earliestDeadline) {
      let earliest = Infinity;
      for (const [id, record] of this.sessions) {
        const deadline = sessionDeadline(record);
        if (now >= deadline) this.remove(id);
        else earliest = Math.min(earliest, deadline);
      }
      this.earliestDeadline = earliest;
    }
    while (this.sessions.size >= this.maxEntries) {
      const oldest = this.sessions.keys().next();
      if (oldest.done === true) break;
      this.remove(oldest.value);
    }
  }
}
