import type Database from 'better-sqlite3';
import { beginRequest, completeRequest, newToken, parseHeaders, releaseRequest } from '../idempotency-store.js';
import type { BeginRequest, CompleteRequest, IdempotencyBegin, IdempotencyStore, StoredResponse } from '../idempotency-store.js';
import { openSqliteStore, type SqliteStoreOptions } from './open-database.js';

/** Options of {@link sqliteIdempotencyStore}: a file the store opens, or a database the application opened (table `'aegis_idempotency'` by default). */
export type SqliteIdempotencyStoreOptions = SqliteStoreOptions;

/** Expired rows deleted per acquiring `begin`, at most: purging never makes one request slow. */
const PURGE_BATCH = 100;

interface Row {
  fingerprint: string;
  token: string | null;
  expires_at: number;
  status: number | null;
  headers: string | null;
  body: Buffer | null;
}

/**
 * An {@link IdempotencyStore} in a SQLite file (better-sqlite3): records shared by every process on
 * one machine that opens the same file, surviving a restart.
 *
 * - **One table** (`tableName`, default `aegis_idempotency`): `key TEXT PRIMARY KEY`, `fingerprint
 *   TEXT`, `token TEXT` (the owner's token while running, NULL once completed), `expires_at INTEGER`
 *   (the lock's expiry while running, the record's once completed, in whole MICROSECONDS since the
 *   epoch; see `src/stores/idempotency-store.ts`; indexed for the purge), `status INTEGER`,
 *   `headers TEXT` (JSON `[[name, value], …]`) and `body BLOB` (NULL while running).
 * - **Atomic across processes**: `begin`, `complete` and `release` are each one `BEGIN IMMEDIATE`
 *   transaction, which takes the write lock before reading, so of two processes beginning one key
 *   exactly one acquires it.
 * - **WAL mode** and a 5 s `busy_timeout` on a file the store opens, as the other SQLite stores do.
 * - **Lazy purge**: a row expired at the caller's `now` reads as absent; each acquiring `begin`
 *   deletes at most 100 expired rows (oldest first). A running row whose lock expired may be
 *   purged then: its owner's late `complete` resolves false.
 * - Owner tokens are compared by SQLite (`WHERE token = ?`), not in constant time: they are
 *   random, server-made and never sent to clients.
 *
 * @see https://www.sqlite.org/lang_transaction.html
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/
 * @example
 * const idempotency = sqliteIdempotencyStore({ file: './data/aegis.db' });
 */
export function sqliteIdempotencyStore(options: SqliteIdempotencyStoreOptions): IdempotencyStore {
  const spec = { subject: 'sqliteIdempotencyStore options', defaultTable: 'aegis_idempotency', example: "{ file: './data/aegis.db' }", allowDatabase: true };
  return openSqliteStore(options, spec, (db, table, owned) => new SqliteIdempotencyStore(db, table, owned));
}

class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly beginTx: (key: string, fingerprint: string, request: BeginRequest) => IdempotencyBegin;
  private readonly completeTx: (key: string, token: string, response: StoredResponse, request: CompleteRequest) => boolean;
  private readonly releaseTx: (key: string, token: string) => void;

  constructor(
    private readonly db: Database.Database,
    table: string,
    private readonly owned: boolean,
  ) {
    const t = `"${table}"`;
    db.exec(`CREATE TABLE IF NOT EXISTS ${t} (
      key TEXT PRIMARY KEY NOT NULL,
      fingerprint TEXT NOT NULL,
      token TEXT,
      expires_at INTEGER NOT NULL,
      status INTEGER,
      headers TEXT,
      body BLOB
    );
    CREATE INDEX IF NOT EXISTS "${table}_expires_at" ON ${t} (expires_at);`);
    const select = db.prepare<[string], Row>(`SELECT fingerprint, token, expires_at, status, headers, body FROM ${t} WHERE key = ?`);
    const acquire = db.prepare<[string, string, string, number]>(
      `INSERT INTO ${t} (key, fingerprint, token, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, token = excluded.token, expires_at = excluded.expires_at, status = NULL, headers = NULL, body = NULL`,
    );
    const store = db.prepare<[number, number, string, Buffer, string, string]>(
      `UPDATE ${t} SET token = NULL, expires_at = ?, status = ?, headers = ?, body = ? WHERE key = ? AND token = ?`,
    );
    const release = db.prepare<[string, string]>(`DELETE FROM ${t} WHERE key = ? AND token = ?`);
    const purge = db.prepare<[number]>(`DELETE FROM ${t} WHERE key IN (SELECT key FROM ${t} WHERE expires_at <= ? ORDER BY expires_at LIMIT ${PURGE_BATCH})`);

    const beginTx = db.transaction((key: string, fingerprint: string, request: BeginRequest): IdempotencyBegin => {
      const row = select.get(key);
      if (row !== undefined && row.expires_at > request.nowUs) {
        if (row.fingerprint !== fingerprint) return { state: 'mismatch' };
        if (row.token !== null || row.status === null || row.headers === null || row.body === null) return { state: 'running' };
        return { state: 'completed', response: { status: row.status, headers: parseHeaders(row.headers), body: row.body } };
      }
      purge.run(request.nowUs);
      const token = newToken();
      acquire.run(key, fingerprint, token, request.expiresUs);
      return { state: 'acquired', token };
    });
    const completeTx = db.transaction((key: string, token: string, response: StoredResponse, request: CompleteRequest): boolean => {
      const body = Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength);
      return store.run(request.expiresUs, response.status, JSON.stringify(response.headers), body, key, token).changes === 1;
    });
    const releaseTx = db.transaction((key: string, token: string): void => {
      release.run(key, token);
    });
    // IMMEDIATE: the write lock is taken before the row is read, so no other process decides in between.
    this.beginTx = (key, fingerprint, request) => beginTx.immediate(key, fingerprint, request);
    this.completeTx = (key, token, response, request) => completeTx.immediate(key, token, response, request);
    this.releaseTx = (key, token) => releaseTx.immediate(key, token);
  }

  async begin(key: string, fingerprint: string, now: number, lockMs: number): Promise<IdempotencyBegin> {
    const request = beginRequest(key, fingerprint, now, lockMs);
    return this.beginTx(key, fingerprint, request);
  }

  async complete(key: string, token: string, response: StoredResponse, now: number, ttlMs: number): Promise<boolean> {
    const request = completeRequest(key, token, response, now, ttlMs);
    return this.completeTx(key, token, response, request);
  }

  async release(key: string, token: string): Promise<void> {
    releaseRequest(key, token);
    this.releaseTx(key, token);
  }

  async close(): Promise<void> {
    if (this.owned && this.db.open) this.db.close();
  }
}
