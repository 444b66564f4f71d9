import type Database from 'better-sqlite3';
import {
  assertNow,
  assertSessionChange,
  assertSessionId,
  assertSessionRecord,
  mergeSessionChange,
  SessionIdTaken,
} from '../session-store.js';
import type { SessionChange, SessionRecord, SessionStore } from '../session-store.js';
import { openSqliteStore } from './open-database.js';

/** Options of {@link sqliteSessionStore}. */
export interface SqliteSessionStoreOptions {
  /** Path of the database file, created when missing (its directory must exist). */
  readonly file: string;
  /** Name of the sessions table, created when missing (default `'aegis_sessions'`; letters, digits, `_`). */
  readonly tableName?: string;
}

/** Expired rows deleted per write, at most: purging never makes one request slow. */
const PURGE_BATCH = 100;

interface Row {
  id: string;
  user_id: string | null;
  data: string;
  created_at: number;
  idle_expires_at: number;
  absolute_expires_at: number;
}

/**
 * A session store in a SQLite file (better-sqlite3): the embedded, persistent default. Sessions and
 * revocations survive a restart, and every process that opens the same file sees the others' writes
 * on its next read.
 *
 * - **One table** (`tableName`): `id` primary key, `user_id` (indexed: the user → sessions index),
 *   `data` (JSON text), `created_at`, `idle_expires_at`, `absolute_expires_at` (ms since epoch).
 * - **WAL mode** and a 5 s `busy_timeout`, so readers never block the writer and concurrent writers
 *   from several processes wait their turn instead of failing. `synchronous` stays at SQLite's
 *   default (FULL), so a committed revocation is on disk even after a power loss.
 * - **Atomic**: every multi-step operation (update's key merge, rotate, create) runs in one
 *   `BEGIN IMMEDIATE` transaction, which takes the write lock before reading, so two processes merging
 *   different keys into one session never lose either write.
 * - **Lazy purge**: expired rows are not read back (every query filters on the deadline) and are
 *   deleted on writes, at most 100 per write (`create`, `update`, `rotate`), oldest deadline first,
 *   using the time of that write (`now`, or the record's `createdAt`). Reads never write.
 *
 * The store opens the file itself and {@link SessionStore.close} closes it.
 *
 * @see https://www.sqlite.org/wal.html
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html
 * @example
 * const store = sqliteSessionStore({ file: './data/sessions.db' });
 */
export function sqliteSessionStore(options: SqliteSessionStoreOptions): SessionStore {
  const spec = { subject: 'sqliteSessionStore options', defaultTable: 'aegis_sessions', example: "{ file: './data/sessions.db' }", allowDatabase: false };
  return openSqliteStore(options, spec, (db, table) => new SqliteSessionStore(db, table));
}

class SqliteSessionStore implements SessionStore {
  private readonly selectLive: Database.Statement<[string, number], Row>;
  private readonly selectByUser: Database.Statement<[string, number], Row>;
  private readonly exists: Database.Statement<[string], { one: number }>;
  private readonly insert: Database.Statement<[string, string | null, string, number, number, number]>;
  private readonly write: Database.Statement<[string | null, string, number, string]>;
  private readonly deleteOne: Database.Statement<[string]>;
  private readonly deleteByUser: Database.Statement<[string]>;
  private readonly purge: Database.Statement<[number]>;
  private readonly createTx: (id: string, record: SessionRecord) => void;
  private readonly updateTx: (id: string, change: SessionChange, now: number) => SessionRecord | undefined;
  private readonly rotateTx: (oldId: string, newId: string, record: SessionRecord) => boolean;

  constructor(
    private readonly db: Database.Database,
    table: string,
  ) {
    const t = `"${table}"`;
    const deadline = 'min(idle_expires_at, absolute_expires_at)';
    db.exec(`CREATE TABLE IF NOT EXISTS ${t} (
      id TEXT PRIMARY KEY NOT NULL,
      user_id TEXT,
      data TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      idle_expires_at INTEGER NOT NULL,
      absolute_expires_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS "${table}_user_id" ON ${t} (user_id);
    CREATE INDEX IF NOT EXISTS "${table}_deadline" ON ${t} (${deadline});`);

    const columns = 'id, user_id, data, created_at, idle_expires_at, absolute_expires_at';
    this.selectLive = db.prepare(`SELECT ${columns} FROM ${t} WHERE id = ? AND ${deadline} > ?`);
    this.selectByUser = db.prepare(`SELECT ${columns} FROM ${t} WHERE user_id = ? AND ${deadline} > ? ORDER BY created_at, id`);
    this.exists = db.prepare(`SELECT 1 AS one FROM ${t} WHERE id = ?`);
    this.insert = db.prepare(`INSERT INTO ${t} (${columns}) VALUES (?, ?, ?, ?, ?, ?)`);
    this.write = db.prepare(`UPDATE ${t} SET user_id = ?, data = ?, idle_expires_at = ? WHERE id = ?`);
    this.deleteOne = db.prepare(`DELETE FROM ${t} WHERE id = ?`);
    this.deleteByUser = db.prepare(`DELETE FROM ${t} WHERE user_id = ?`);
    this.purge = db.prepare(
      `DELETE FROM ${t} WHERE id IN (SELECT id FROM ${t} WHERE ${deadline} <= ? ORDER BY ${deadline} LIMIT ${PURGE_BATCH})`,
    );

    const createTx = db.transaction((id: string, record: SessionRecord) => {
      this.purge.run(record.createdAt);
      this.insertRecord(id, record);
    });
    const updateTx = db.transaction((id: string, change: SessionChange, now: number) => {
      const row = this.selectLive.get(id, now);
      if (!row) return undefined;
      const merged = mergeSessionChange(toRecord(row), change);
      const data = JSON.stringify(merged.data);
      this.write.run(merged.userId ?? null, data, merged.idleExpiresAt, id);
      this.purge.run(now);
      // Return what is now stored (and a copy that shares nothing with the caller's change).
      return { ...merged, data: JSON.parse(data) as Record<string, unknown> };
    });
    const rotateTx = db.transaction((oldId: string, newId: string, record: SessionRecord) => {
      if (!this.exists.get(oldId)) return false;
      this.insertRecord(newId, record);
      this.deleteOne.run(oldId);
      this.purge.run(record.createdAt);
      return true;
    });
    // IMMEDIATE: take the write lock before reading, so a read-merge-write cannot interleave with
    // another process's (and busy_timeout applies instead of an instant SQLITE_BUSY on upgrade).
    this.createTx = (id, record) => createTx.immediate(id, record);
    this.updateTx = (id, change, now) => updateTx.immediate(id, change, now);
    this.rotateTx = (oldId, newId, record) => rotateTx.immediate(oldId, newId, record);
  }

  async get(id: string, now: number): Promise<SessionRecord | undefined> {
    assertSessionId(id);
    assertNow(now);
    const row = this.selectLive.get(id, now);
    return row && toRecord(row);
  }

  async create(id: string, record: SessionRecord): Promise<void> {
    assertSessionId(id);
    assertSessionRecord(record);
    this.createTx(id, record);
  }

  async update(id: string, change: SessionChange, now: number): Promise<SessionRecord | undefined> {
    assertSessionId(id);
    assertSessionChange(change);
    assertNow(now);
    return this.updateTx(id, change, now);
  }

  async rotate(oldId: string, newId: string, record: SessionRecord): Promise<boolean> {
    assertSessionId(oldId, 'oldId');
    assertSessionId(newId, 'newId');
    assertSessionRecord(record);
    return this.rotateTx(oldId, newId, record);
  }

  async destroy(id: string): Promise<boolean> {
    assertSessionId(id);
    return this.deleteOne.run(id).changes > 0;
  }

  async listByUser(userId: string, now: number): Promise<Array<readonly [string, SessionRecord]>> {
    assertSessionId(userId, 'userId');
    assertNow(now);
    return this.selectByUser.all(userId, now).map((row) => [row.id, toRecord(row)] as const);
  }

  async destroyByUser(userId: string): Promise<number> {
    assertSessionId(userId, 'userId');
    return this.deleteByUser.run(userId).changes;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private insertRecord(id: string, record: SessionRecord): void {
    try {
      this.insert.run(
        id, record.userId ?? null, JSON.stringify(record.data), record.createdAt, record.idleExpiresAt, record.absoluteExpiresAt,
      );
    } catch (err) {
      if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new SessionIdTaken();
      throw err;
    }
  }
}

function toRecord(row: Row): SessionRecord {
  const record: SessionRecord = {
    data: JSON.parse(row.data) as Record<string, unknown>,
    createdAt: row.created_at,
    idleExpiresAt: row.idle_expires_at,
    absoluteExpiresAt: row.absolute_expires_at,
  };
  return row.user_id === null ? record : { ...record, userId: row.user_id };
}
