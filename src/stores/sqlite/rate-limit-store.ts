import Database from 'better-sqlite3';
import { Problems, show } from '../../core/config-error.js';
import { checkObject } from '../../core/read-option.js';
import { assertRateLimitKey, effectiveTat, gcraDecide, gcraRequest } from '../rate-limit-store.js';
import type { GcraLimit, GcraOutcome, GcraRequest, RateLimitDecision, RateLimitStore } from '../rate-limit-store.js';

/** Options of {@link sqliteRateLimitStore}: a file the store opens, or a database the application opened. */
export type SqliteRateLimitStoreOptions =
  | {
      /** Path of the database file, created when missing (its directory must exist). The store opens and closes it. */
      readonly file: string;
      /** Name of the table, created when missing (default `'aegis_rate_limits'`; letters, digits, `_`). */
      readonly tableName?: string;
    }
  | {
      /** The application's open better-sqlite3 database. Its pragmas are left as they are, and {@link RateLimitStore.close} does not close it. */
      readonly database: Database.Database;
      /** Name of the table, created when missing (default `'aegis_rate_limits'`; letters, digits, `_`). */
      readonly tableName?: string;
    };

/** Rows whose TAT is past deleted per allowed request, at most: purging never makes one request slow. */
const PURGE_BATCH = 100;
/** How long a decision waits for another process holding the file's write lock before failing. */
const BUSY_TIMEOUT_MS = 5_000;
const KNOWN_OPTIONS = ['file', 'database', 'tableName'];

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
  const problems = new Problems();
  const example = "{ file: './data/aegis.db' }";
  let file: string | undefined;
  let database: Database.Database | undefined;
  if (checkObject(options, KNOWN_OPTIONS, problems, 'options', example)) {
    const raw = options as Record<string, unknown>;
    const tableName = raw['tableName'];
    if ((raw['file'] === undefined) === (raw['database'] === undefined)) {
      problems.add('file', `give exactly one of file and database, got ${raw['file'] === undefined ? 'neither' : 'both'}.`, `write ${example}, or { database: yourBetterSqlite3Database }.`);
    } else if (raw['file'] !== undefined) {
      if (typeof raw['file'] !== 'string' || raw['file'].trim() === '') {
        problems.add('file', `must be the path of the database file, got ${show(raw['file'])}.`, `write ${example}.`);
      } else file = raw['file'];
    } else if (!isDatabase(raw['database'])) {
      problems.add('database', `must be an open better-sqlite3 Database, got ${show(raw['database'])}.`, 'pass new Database(path), or use { file } instead.');
    } else database = raw['database'];
    if (tableName !== undefined && (typeof tableName !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(tableName))) {
      problems.add('tableName', `must be a plain SQL name (letters, digits, _; not starting with a digit), got ${show(tableName)}.`, "write tableName: 'aegis_rate_limits', or leave it out.");
    }
  }
  problems.throwIfAny('sqliteRateLimitStore options');
  const table = options.tableName ?? 'aegis_rate_limits';
  if (database) return new SqliteRateLimitStore(database, table, false);
  let db: Database.Database;
  try {
    db = new Database(file as string);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    problems.add('file', `cannot be opened (${reason}).`, 'create its directory, or point file at a writable path.');
    problems.throwIfAny('sqliteRateLimitStore options');
    throw err;
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    return new SqliteRateLimitStore(db, table, true);
  } catch (err) {
    db.close();
    throw err;
  }
}

function isDatabase(value: unknown): value is Database.Database {
  return value instanceof Database || (typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)['prepare'] === 'function' && typeof (value as Record<string, unknown>)['transaction'] === 'function');
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
