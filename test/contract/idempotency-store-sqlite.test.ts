import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AegisConfigError } from '../../src/core/config-error.js';
import type { IdempotencyStore } from '../../src/stores/idempotency-store.js';
import { sqliteIdempotencyStore } from '../../src/stores/sqlite/idempotency-store.js';
import type { SqliteIdempotencyStoreOptions } from '../../src/stores/sqlite/idempotency-store.js';
import { readRows, useSqliteFiles, useStoreChild, withReadonly } from '../helpers/sqlite-files.js';
import { acquire, completedWith, idempotencyStoreContract, LOCK_MS, MISMATCH, plain, RESPONSE, RUNNING, T0, TTL_MS } from './idempotency-store.contract.js';

const files = useSqliteFiles('sqlite-idem-', 'idempotency.db');
const { tempFile } = files;

const open = (options: SqliteIdempotencyStoreOptions): IdempotencyStore => files.track(sqliteIdempotencyStore(options));

interface RowView {
  key: string;
  fingerprint: string;
  token: string | null;
  expires_at: number;
  status: number | null;
  headers: string | null;
  body: Buffer | null;
}

/** Reads the table with a connection of its own. */
function rows(file: string, table = 'aegis_idempotency'): RowView[] {
  return readRows(file, `SELECT key, fingerprint, token, expires_at, status, headers, body FROM ${table} ORDER BY key`);
}

idempotencyStoreContract('sqlite', async () => sqliteIdempotencyStore({ file: tempFile() }));

describe('sqliteIdempotencyStore: the file', () => {
  it('runs in WAL mode and creates the documented table, expiries in whole microseconds', async () => {
    const file = tempFile();
    const store = open({ file });
    const token = await acquire(store, 'run', 'fp-r', T0 + 0.5, LOCK_MS);
    const done = await acquire(store, 'done', 'fp-d', T0, LOCK_MS);
    expect(await store.complete('done', done, RESPONSE, T0 + 1, TTL_MS)).toBe(true);
    withReadonly(file, (db) => {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare("SELECT name, type, pk FROM pragma_table_info('aegis_idempotency') ORDER BY cid").all()).toEqual([
        { name: 'key', type: 'TEXT', pk: 1 },
        { name: 'fingerprint', type: 'TEXT', pk: 0 },
        { name: 'token', type: 'TEXT', pk: 0 },
        { name: 'expires_at', type: 'INTEGER', pk: 0 },
        { name: 'status', type: 'INTEGER', pk: 0 },
        { name: 'headers', type: 'TEXT', pk: 0 },
        { name: 'body', type: 'BLOB', pk: 0 },
      ]);
    });
    expect(rows(file)).toEqual([
      { key: 'done', fingerprint: 'fp-d', token: null, expires_at: (T0 + 1 + TTL_MS) * 1000, status: 201, headers: JSON.stringify(RESPONSE.headers), body: Buffer.from(RESPONSE.body) },
      { key: 'run', fingerprint: 'fp-r', token, expires_at: (T0 + LOCK_MS) * 1000 + 500, status: null, headers: null, body: null },
    ]);
  });

  it('keeps running and completed records across a restart', async () => {
    const file = tempFile();
    const first = open({ file });
    const running = await acquire(first, 'run', 'fp');
    const done = await acquire(first, 'done', 'fp');
    expect(await first.complete('done', done, RESPONSE, T0, TTL_MS)).toBe(true);
    await first.close();
    const second = open({ file, tableName: 'aegis_idempotency' });
    expect(plain(await second.begin('run', 'fp', T0 + 1, LOCK_MS))).toEqual(RUNNING);
    expect(plain(await second.begin('done', 'fp', T0 + 1, LOCK_MS))).toEqual(completedWith(RESPONSE));
    expect(plain(await second.begin('done', 'other', T0 + 1, LOCK_MS))).toEqual(MISMATCH);
    expect(await second.complete('run', running, RESPONSE, T0 + 2, TTL_MS)).toBe(true); // the token outlives the process
    expect(plain(await second.begin('run', 'fp', T0 + 3, LOCK_MS))).toEqual(completedWith(RESPONSE));
  });

  it("uses the application's database as it is, and leaves it open on close", async () => {
    const file = tempFile();
    const database = new Database(file);
    try {
      const store = open({ database, tableName: 'app_idem' });
      const token = await acquire(store, 'k', 'fp');
      await store.close();
      expect(database.open).toBe(true);
      expect(database.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(rows(file, 'app_idem').map((r) => [r.key, r.token])).toEqual([['k', token]]);
    } finally {
      database.close();
    }
  });

  it('purges expired rows on an acquiring begin, at most 100 each, oldest first', async () => {
    const file = tempFile();
    const store = open({ file });
    for (let i = 0; i < 150; i++) await acquire(store, `old${String(i).padStart(3, '0')}`, 'fp', T0 + i, 1_000);
    const live = await acquire(store, 'live', 'fp', T0, 1_000_000);
    expect(rows(file).length).toBe(151);
    expect(plain(await store.begin('live', 'fp', T0 + 5_000, LOCK_MS))).toEqual(RUNNING); // no acquire: no purge
    expect(rows(file).length).toBe(151);
    await acquire(store, 'new', 'fp', T0 + 5_000);
    expect(rows(file).length).toBe(52); // old000..old099 purged
    expect(rows(file)[0]?.key).toBe('live');
    expect(rows(file)[2]?.key).toBe('old100');
    await acquire(store, 'new2', 'fp', T0 + 5_000);
    expect(rows(file).map((r) => r.key)).toEqual(['live', 'new', 'new2']);
    await store.release('live', live);
    expect(rows(file).map((r) => r.key)).toEqual(['new', 'new2']);
  });
});

describe('sqliteIdempotencyStore: options', () => {
  it('names the bad option and the fix', () => {
    expect(() => sqliteIdempotencyStore({} as { file: string })).toThrow(
      "Invalid sqliteIdempotencyStore options (1 problem):\n  - file: give exactly one of file and database, got neither. Fix: write { file: './data/aegis.db' }, or { database: yourBetterSqlite3Database }.",
    );
    expect(() => sqliteIdempotencyStore({ file: tempFile(), database: {} } as unknown as { file: string })).toThrow(/file: give exactly one of file and database, got both\./);
    expect(() => sqliteIdempotencyStore({ file: '  ' })).toThrow(/file: must be the path of the database file, got " {2}"\. Fix: write \{ file: '\.\/data\/aegis\.db' \}\./);
    expect(() => sqliteIdempotencyStore({ database: 'x' } as unknown as { file: string })).toThrow(/database: must be an open better-sqlite3 Database, got "x"\./);
    expect(() => sqliteIdempotencyStore({ file: tempFile(), tableName: 'x"; DROP TABLE y; --' })).toThrow(
      /tableName: must be a plain SQL name \(letters, digits, _; not starting with a digit\), got .*\. Fix: write tableName: 'aegis_idempotency', or leave it out\./,
    );
    expect(() => sqliteIdempotencyStore({ file: tempFile(), tabelName: 'x' } as { file: string })).toThrow(/options\.tabelName: unknown option\. Fix: .*tableName/);
    expect(() => sqliteIdempotencyStore(undefined as unknown as { file: string })).toThrow(AegisConfigError);
  });

  it('says which file cannot be opened and what to do', () => {
    expect(() => sqliteIdempotencyStore({ file: join(tempFile(), 'no', 'such', 'dir', 'idem.db') })).toThrow(
      /- file: cannot be opened \(.*directory does not exist.*\)\. Fix: create its directory, or point file at a writable path\./,
    );
  });
});

/** The child runs the store's current source (see test/helpers/transpile.ts). */
describe('sqliteIdempotencyStore: two processes on one file', () => {
  const child = useStoreChild('src/stores/sqlite/idempotency-store.ts', 'idempotency-store-child.mjs');

  it('racing begin on 100 keys, each key is acquired exactly once in total', async () => {
    const file = tempFile();
    const here = open({ file });
    const there = await child(file);
    const keys = Array.from({ length: 100 }, (_, i) => `key${String(i).padStart(2, '0')}`);
    // Both start at one wall-clock instant and begin one key a millisecond; the child walks the keys
    // from the other end, so the two meet in the middle and contend there for the same keys.
    const startAt = Date.now() + 200;
    const theirs = there('race', [...keys].reverse(), 'fp', T0, LOCK_MS, startAt) as Promise<string[]>;
    await new Promise((r) => setTimeout(r, startAt - Date.now()));
    const ours: string[] = [];
    for (const key of keys) {
      const outcome = await here.begin(key, 'fp', T0, LOCK_MS);
      if (outcome.state === 'acquired') ours.push(key);
      else expect(outcome).toEqual(RUNNING);
      await new Promise((r) => setTimeout(r, 1));
    }
    const theirKeys = await theirs;
    expect([...ours, ...theirKeys].sort()).toEqual(keys);
    expect(ours.filter((k) => theirKeys.includes(k))).toEqual([]);
    expect(ours.length).toBeGreaterThan(0);
    expect(theirKeys.length).toBeGreaterThan(0);
    expect(rows(file).length).toBe(100);
  });

  it('a record begun in one process is completed there and replayed in the other, byte for byte', async () => {
    const file = tempFile();
    const here = open({ file });
    const there = await child(file);
    const token = await acquire(here, 'k', 'fp');
    expect(await there('begin', 'k', 'fp', T0 + 1, LOCK_MS)).toEqual(RUNNING);
    expect(await there('complete', 'k', token, { ...RESPONSE, body: [...RESPONSE.body] }, T0 + 2, TTL_MS)).toBe(true);
    expect(plain(await here.begin('k', 'fp', T0 + 3, LOCK_MS))).toEqual(completedWith(RESPONSE));
    expect(await there('begin', 'k', 'fp', T0 + 4, LOCK_MS)).toEqual({ state: 'completed', response: { status: RESPONSE.status, headers: RESPONSE.headers, body: [...RESPONSE.body] } });
    expect(await there('begin', 'k', 'other', T0 + 5, LOCK_MS)).toEqual(MISMATCH);
    expect(await there('begin', 'fresh', 'fp', T0 + 6, LOCK_MS)).toEqual({ state: 'acquired', token: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(plain(await here.begin('fresh', 'fp', T0 + 7, LOCK_MS))).toEqual(RUNNING);
  });
});
