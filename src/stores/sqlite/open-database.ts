import Database from 'better-sqlite3';
import { Problems, show } from '../../core/config-error.js';
import { checkObject } from '../../core/read-option.js';

/**
 * The shared opening of the SQLite stores (session, rate-limit, nonce, idempotency): validates
 * `{ file }` / `{ database }` and `tableName` into one {@link AegisConfigError}, opens the file,
 * sets a 5 s `busy_timeout` then WAL mode, and closes a file it opened when anything after the
 * opening fails.
 */

/** How long an operation waits for another process holding the file's lock before failing. */
export const BUSY_TIMEOUT_MS = 5_000;
/** Longest pause between two attempts at a step that SQLite failed with SQLITE_BUSY at once. */
const RETRY_PAUSE_MAX_MS = 25;

/**
 * The options every SQLite store but the session store takes: a file the store opens, or a
 * database the application opened. `tableName` is created when missing (each store has its own
 * default; letters, digits, `_`).
 */
export type SqliteStoreOptions =
  | {
      /** Path of the database file, created when missing (its directory must exist). The store opens and closes it. */
      readonly file: string;
      /** Name of the table, created when missing (default: the store's own; letters, digits, `_`). */
      readonly tableName?: string;
    }
  | {
      /** The application's open better-sqlite3 database. Its pragmas are left as they are, and the store's `close()` does not close it. */
      readonly database: Database.Database;
      /** Name of the table, created when missing (default: the store's own; letters, digits, `_`). */
      readonly tableName?: string;
    };

/** What differs between the stores. */
export interface SqliteStoreSpec {
  /** The subject of the option errors, e.g. `'sqliteRateLimitStore options'`. */
  readonly subject: string;
  /** The table used when `tableName` is left out, e.g. `'aegis_rate_limits'`. */
  readonly defaultTable: string;
  /** The example in the fix texts, e.g. `"{ file: './data/aegis.db' }"`. */
  readonly example: string;
  /** Whether `{ database }` (the application's open database) is accepted besides `{ file }`. */
  readonly allowDatabase: boolean;
}

/**
 * Validates `options`, opens the database and calls `build(db, table, owned)` — `owned` is true when
 * the store opened the file itself (and so must close it). A file the store opened gets
 * `busy_timeout` and WAL mode first, and is closed again if `build` throws. A `database` the
 * application passed is used as it is.
 *
 * `build` runs again (until {@link BUSY_TIMEOUT_MS} has passed) when it fails with SQLITE_BUSY, so
 * it must be repeatable: `CREATE … IF NOT EXISTS` and statement preparation are.
 *
 * @throws {@link AegisConfigError} naming each invalid option, or a file that cannot be opened.
 */
export function openSqliteStore<T>(options: unknown, spec: SqliteStoreSpec, build: (db: Database.Database, table: string, owned: boolean) => T): T {
  const { subject, defaultTable, example, allowDatabase } = spec;
  const problems = new Problems();
  let file: string | undefined;
  let database: Database.Database | undefined;
  let tableName: unknown;
  const known = allowDatabase ? ['file', 'database', 'tableName'] : ['file', 'tableName'];
  if (checkObject(options, known, problems, 'options', example)) {
    const raw = options as Record<string, unknown>;
    tableName = raw['tableName'];
    if (allowDatabase && (raw['file'] === undefined) === (raw['database'] === undefined)) {
      problems.add('file', `give exactly one of file and database, got ${raw['file'] === undefined ? 'neither' : 'both'}.`, `write ${example}, or { database: yourBetterSqlite3Database }.`);
    } else if (!allowDatabase || raw['file'] !== undefined) {
      if (typeof raw['file'] !== 'string' || raw['file'].trim() === '') {
        problems.add('file', `must be the path of the database file, got ${show(raw['file'])}.`, `write ${example}.`);
      } else file = raw['file'];
    } else if (!isDatabase(raw['database'])) {
      problems.add('database', `must be an open better-sqlite3 Database, got ${show(raw['database'])}.`, 'pass new Database(path), or use { file } instead.');
    } else database = raw['database'];
    if (tableName !== undefined && (typeof tableName !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(tableName))) {
      problems.add('tableName', `must be a plain SQL name (letters, digits, _; not starting with a digit), got ${show(tableName)}.`, `write tableName: '${defaultTable}', or leave it out.`);
    }
  }
  problems.throwIfAny(subject);
  const table = (tableName as string | undefined) ?? defaultTable;
  if (database) return build(database, table, false);
  let db: Database.Database;
  try {
    db = new Database(file as string);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    problems.add('file', `cannot be opened (${reason}).`, 'create its directory, or point file at a writable path.');
    problems.throwIfAny(subject);
    throw err;
  }
  try {
    const deadline = Date.now() + BUSY_TIMEOUT_MS;
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    useWal(db, file as string, subject, deadline);
    const opened = db;
    return retryWhileBusy(() => build(opened, table, true), deadline);
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Puts the file in WAL mode. When several processes open one NEW file at once, `journal_mode = WAL`
 * can fail at once with SQLITE_BUSY ("database is locked"): SQLite does not run the busy handler
 * for that lock. So: nothing to do when the file already is in WAL mode (another process switched
 * it), otherwise retry with short pauses until `deadline`, then throw.
 */
function useWal(db: Database.Database, file: string, subject: string, deadline: number): void {
  for (;;) {
    let mode: unknown;
    try {
      mode = db.pragma('journal_mode', { simple: true });
      // An in-memory database has no WAL: its mode stays 'memory', as it did before this helper.
      if (mode === 'wal' || mode === 'memory') return;
      mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode === 'wal' || mode === 'memory') return;
    } catch (err) {
      if (!isBusy(err)) throw err;
      if (Date.now() >= deadline) {
        throw new Error(`${subject}: cannot switch ${file} to WAL mode: the file stayed locked by another connection for ${BUSY_TIMEOUT_MS} ms (${(err as Error).message}).`, { cause: err });
      }
      pause();
      continue;
    }
    // SQLite kept the old mode without an error: retry like a lock, which is the likely cause.
    if (Date.now() >= deadline) throw new Error(`${subject}: cannot switch ${file} to WAL mode: it stays in ${show(mode)} mode after ${BUSY_TIMEOUT_MS} ms.`);
    pause();
  }
}

/** Runs `step`, again after a short pause while it fails with SQLITE_BUSY and `deadline` has not passed. */
function retryWhileBusy<T>(step: () => T, deadline: number): T {
  for (;;) {
    try {
      return step();
    } catch (err) {
      if (!isBusy(err) || Date.now() >= deadline) throw err;
      pause();
    }
  }
}

function isBusy(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) || /database is locked/i.test(err.message);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread for a few milliseconds (random, so racing processes do not retry in step). */
function pause(): void {
  Atomics.wait(sleeper, 0, 0, 1 + Math.floor(Math.random() * RETRY_PAUSE_MAX_MS));
}

function isDatabase(value: unknown): value is Database.Database {
  return value instanceof Database || (typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)['prepare'] === 'function' && typeof (value as Record<string, unknown>)['transaction'] === 'function');
}
