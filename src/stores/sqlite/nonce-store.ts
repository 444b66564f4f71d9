import type Database from 'better-sqlite3';
import { assertNonceClaim, closedNonceStoreMessage } from '../nonce-store.js';
import type { NonceStore } from '../nonce-store.js';
import { openSqliteStore, type SqliteStoreOptions } from './open-database.js';

/** Options of {@link sqliteNonceStore}: a file the store opens, or a database the application opened (table `'aegis_nonces'` by default). */
export type SqliteNonceStoreOptions = SqliteStoreOptions;

/** Expired rows deleted per successful claim, at most: purging never makes one claim slow. */
const PURGE_BATCH = 100;

/**
 * A {@link NonceStore} in a SQLite file (better-sqlite3): replay protection shared by every
 * process on one machine that opens the same file, surviving a restart.
 *
 * - **One table** (`tableName`, default `aegis_nonces`): `nonce TEXT PRIMARY KEY`, `expires_at
 *   INTEGER NOT NULL` (ms since epoch; a fractional `expiresAt` is kept exactly, as a REAL value),
 *   indexed on `expires_at` for the purge.
 * - **Atomic across processes**: a claim is one `BEGIN IMMEDIATE` transaction around ONE upsert,
 *   `INSERT … ON CONFLICT (nonce) DO UPDATE SET expires_at = excluded.expires_at WHERE expires_at
 *   <= now`: it writes only when the nonce is new or its claim has expired, and the claim won when
 *   it changed a row. A replay writes nothing.
 * - **WAL mode** and a 5 s `busy_timeout` on a file the store opens, as the other SQLite stores do.
 * - **Lazy purge**: a successful claim deletes at most 100 rows expired at its `now`, earliest
 *   first, in the same transaction.
 *
 * @param options `{ file }` or `{ database }`, and `tableName` (default `'aegis_nonces'`).
 * @throws {@link AegisConfigError} naming each invalid option and its fix.
 * @see https://www.sqlite.org/lang_upsert.html
 * @example
 * const nonces = sqliteNonceStore({ file: './data/aegis.db' });
 * if (!(await nonces.claim(nonce, timestamp + 300_000, Date.now()))) reject('replayed');
 */
export function sqliteNonceStore(options: SqliteNonceStoreOptions): NonceStore {
  const spec = { subject: 'sqliteNonceStore options', defaultTable: 'aegis_nonces', example: "{ file: './data/aegis.db' }", allowDatabase: true };
  return openSqliteStore(options, spec, (db, table, owned) => new SqliteNonceStore(db, table, owned));
}

class SqliteNonceStore implements NonceStore {
  private readonly claimTx: (nonce: string, expiresAt: number, now: number) => boolean;
  #closed = false;

  constructor(
    private readonly db: Database.Database,
    table: string,
    private readonly owned: boolean,
  ) {
    const t = `"${table}"`;
    db.exec(`CREATE TABLE IF NOT EXISTS ${t} (nonce TEXT PRIMARY KEY NOT NULL, expires_at INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS "${table}_expires_at" ON ${t} (expires_at);`);
    const upsert = db.prepare<[string, number, number]>(
      `INSERT INTO ${t} (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO UPDATE SET expires_at = excluded.expires_at WHERE expires_at <= ?`,
    );
    const purge = db.prepare<[number]>(`DELETE FROM ${t} WHERE nonce IN (SELECT nonce FROM ${t} WHERE expires_at <= ? ORDER BY expires_at LIMIT ${PURGE_BATCH})`);
    const claimTx = db.transaction((nonce: string, expiresAt: number, now: number): boolean => {
      if (upsert.run(nonce, expiresAt, now).changes !== 1) return false;
      purge.run(now);
      return true;
    });
    // IMMEDIATE: the write lock is taken first, so the purge and the claim see one state.
    this.claimTx = (nonce, expiresAt, now) => claimTx.immediate(nonce, expiresAt, now);
  }

  async claim(nonce: string, expiresAt: number, now: number): Promise<boolean> {
    assertNonceClaim(nonce, expiresAt, now);
    if (this.#closed) throw new Error(closedNonceStoreMessage('SQLite', 'sqliteNonceStore'));
    return this.claimTx(nonce, expiresAt, now);
  }

  /** Closes the file the store opened (never the application's database); later claims reject. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.owned && this.db.open) this.db.close();
  }
}
