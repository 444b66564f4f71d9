import type Database from 'better-sqlite3';
import { assertRateLimitKey, effectiveTat, gcraDecide, gcraRequest } from '../rate-limit-store.js';
import type { GcraLimit, GcraOutcome, GcraRequest, RateLimitDecision, RateLimitStore } from '../rate-limit-store.js';
import { openSqliteStore, type SqliteStoreOptions } from './open-database.js';

/** Options of {@link sqliteRateLimitStore}: a file the store opens, or a database the application opened (table `'aegis_rate_limits'` by default). */
export type SqliteRateLimitStoreOptions = SqliteStoreOptions;

/** Rows whose TAT is past deleted per allowed request, at most: purging never makes one request slow. */
const PURGE_BATCH = 100;

/**
 * A {@link RateLimitStore} in a SQLite file (better-sqlite3): exact limits shared by every process
 * on one machine that opens the same file, surviving a restart.
 *
 * - **One table** (`tableName`, default `aegis_rate_limits`): `key TEXT PRIMARY KEY`, `tat REAL NOT
 *   NULL` — the GCRA theoretical arrival time in whole MICROSECONDS since the epoch (an integer
 *   below 2^53, so a REAL holds it exactly; see `src/stores/rate-limit-store.ts`), indexed for the purge.
 * - **Atomic across processes**: each decision (read the TAT, decide, write) is one
 *   `BEGIN IMMEDIATE` transaction, which takes the write lock before reading, so two processes
 *   hammering one key never both spend the last request. A denied request writes nothing.
 * - **WAL mode** and a 5 s `busy_timeout` on a file the store opens, as the session store does.
 * - **Lazy purge**: a row whose TAT is past reads as absent; allowed decisions delete at most 100
 *   such rows each (at that decision's `now`), oldest first.
 *
 * @see https://www.sqlite.org/lang_transaction.html
 * @example
 * const limits = sqliteRateLimitStore({ file: './data/aegis.db' });
 */
export function sqliteRateLimitStore(options: SqliteRateLimitStoreOptions): RateLimitStore {
  const spec = { subject: 'sqliteRateLimitStore options', defaultTable: 'aegis_rate_limits', example: "{ file: './data/aegis.db' }", allowDatabase: true };
  return openSqliteStore(options, spec, (db, table, owned) => new SqliteRateLimitStore(db, table, owned));
}

class SqliteRateLimitStore implements RateLimitStore {
  private readonly select: Database.Statement<[string], { tat: number }>;
  private readonly upsert: Database.Statement<[string, number]>;
  private readonly deleteOne: Database.Statement<[string]>;
  private readonly purge: Database.Statement<[number]>;
  private readonly consumeTx: (key: string, request: GcraRequest) => GcraOutcome;

  constructor(
    private readonly db: Database.Database,
    table: string,
    private readonly owned: boolean,
  ) {
    const t = `"${table}"`;
    db.exec(`CREATE TABLE IF NOT EXISTS ${t} (key TEXT PRIMARY KEY NOT NULL, tat REAL NOT NULL);
    CREATE INDEX IF NOT EXISTS "${table}_tat" ON ${t} (tat);`);
    this.select = db.prepare(`SELECT tat FROM ${t} WHERE key = ?`);
    this.upsert = db.prepare(`INSERT INTO ${t} (key, tat) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET tat = excluded.tat`);
    this.deleteOne = db.prepare(`DELETE FROM ${t} WHERE key = ?`);
    this.purge = db.prepare(`DELETE FROM ${t} WHERE key IN (SELECT key FROM ${t} WHERE tat <= ? ORDER BY tat LIMIT ${PURGE_BATCH})`);
    const consumeTx = db.transaction((key: string, request: GcraRequest) => {
      const outcome = gcraDecide(effectiveTat(this.select.get(key)?.tat, request), request);
      if (outcome.newTatUs !== undefined) {
        this.purge.run(request.nowUs);
        this.upsert.run(key, outcome.newTatUs);
      }
      return outcome;
    });
    // IMMEDIATE: the write lock is taken before the TAT is read, so no other process decides in between.
    this.consumeTx = (key, request) => consumeTx.immediate(key, request);
  }

  async consume(key: string, limit: GcraLimit, now: number, cost = 1): Promise<RateLimitDecision> {
    const request = gcraRequest(key, limit, now, cost);
    return this.consumeTx(key, request).decision;
  }

  async reset(key: string): Promise<void> {
    assertRateLimitKey(key);
    this.deleteOne.run(key);
  }

  async close(): Promise<void> {
    if (this.owned && this.db.open) this.db.close();
  }
}
