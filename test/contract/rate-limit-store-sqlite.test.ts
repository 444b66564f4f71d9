import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AegisConfigError } from '../../src/core/config-error.js';
import { sqliteRateLimitStore } from '../../src/stores/index.js';
import type { RateLimitStore, SqliteRateLimitStoreOptions } from '../../src/stores/index.js';
import { readRows, useSqliteFiles, useStoreChild, withReadonly } from '../helpers/sqlite-files.js';
import { allowed, denied, LIMIT, rateLimitStoreContract, T0 } from './rate-limit-store.contract.js';

const files = useSqliteFiles('sqlite-rl-', 'limits.db');
const { tempFile } = files;

const open = (options: SqliteRateLimitStoreOptions): RateLimitStore => files.track(sqliteRateLimitStore(options));

/** Reads the table with a connection of its own. */
function rows(file: string, table = 'aegis_rate_limits'): Array<{ key: string; tat: number }> {
  return readRows(file, `SELECT key, tat FROM ${table} ORDER BY key`);
}

rateLimitStoreContract('sqlite', async () => sqliteRateLimitStore({ file: tempFile() }));

describe('sqliteRateLimitStore: the file', () => {
  it('runs in WAL mode and creates the documented table, the TAT in whole microseconds', async () => {
    const file = tempFile();
    const store = open({ file });
    await store.consume('k', { intervalMs: 1000 / 3, burst: 3 }, T0 + 0.5);
    withReadonly(file, (db) => {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare("SELECT name, type, pk FROM pragma_table_info('aegis_rate_limits') ORDER BY cid").all()).toEqual([
        { name: 'key', type: 'TEXT', pk: 1 },
        { name: 'tat', type: 'REAL', pk: 0 },
      ]);
    });
    expect(rows(file)).toEqual([{ key: 'k', tat: T0 * 1000 + 500 + 333_333 }]);
  });

  it('keeps the state across a restart, and a denied request writes nothing', async () => {
    const file = tempFile();
    const first = open({ file });
    for (let i = 0; i < 5; i++) await first.consume('k', LIMIT, T0);
    const before = rows(file);
    expect(await first.consume('k', LIMIT, T0)).toEqual(denied(1000, 5000));
    expect(rows(file)).toEqual(before);
    await first.close();
    const second = open({ file, tableName: 'aegis_rate_limits' });
    expect(await second.consume('k', LIMIT, T0 + 500)).toEqual(denied(500, 4500));
    expect(await second.consume('k', LIMIT, T0 + 1000)).toEqual(allowed(0, 5000));
  });

  it("uses the application's database as it is, and leaves it open on close", async () => {
    const file = tempFile();
    const database = new Database(file);
    try {
      const store = open({ database, tableName: 'app_limits' });
      expect(await store.consume('k', LIMIT, T0)).toEqual(allowed(4, 1000));
      await store.close();
      expect(database.open).toBe(true);
      expect(database.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(rows(file, 'app_limits')).toEqual([{ key: 'k', tat: (T0 + 1000) * 1000 }]);
    } finally {
      database.close();
    }
  });

  it('purges rows whose TAT is past on allowed requests, at most 100 each', async () => {
    const file = tempFile();
    const store = open({ file });
    for (let i = 0; i < 150; i++) await store.consume(`old${i}`, LIMIT, T0);
    expect(rows(file).length).toBe(150);
    expect(await store.consume('old0', LIMIT, T0 + 1000)).toEqual(allowed(4, 1000)); // past TAT: read as absent; purges 100 (old0 among them), writes old0
    expect(rows(file).length).toBe(51);
    await store.consume('new', LIMIT, T0 + 1000);
    expect(rows(file).map((r) => r.key)).toEqual(['new', 'old0']);
    await store.reset('old0');
    expect(rows(file).map((r) => r.key)).toEqual(['new']);
  });
});

describe('sqliteRateLimitStore: options', () => {
  it('names the bad option and the fix', () => {
    expect(() => sqliteRateLimitStore({} as { file: string })).toThrow(
      "Invalid sqliteRateLimitStore options (1 problem):\n  - file: give exactly one of file and database, got neither. Fix: write { file: './data/aegis.db' }, or { database: yourBetterSqlite3Database }.",
    );
    expect(() => sqliteRateLimitStore({ file: tempFile(), database: {} } as unknown as { file: string })).toThrow(/file: give exactly one of file and database, got both\./);
    expect(() => sqliteRateLimitStore({ database: 'x' } as unknown as { file: string })).toThrow(/database: must be an open better-sqlite3 Database, got "x"\./);
    expect(() => sqliteRateLimitStore({ file: tempFile(), tableName: 'x"; DROP TABLE y; --' })).toThrow(/tableName: must be a plain SQL name/);
    expect(() => sqliteRateLimitStore({ file: tempFile(), tabelName: 'x' } as { file: string })).toThrow(/options\.tabelName: unknown option\. Fix: .*tableName/);
    expect(() => sqliteRateLimitStore(undefined as unknown as { file: string })).toThrow(AegisConfigError);
  });

  it('says which file cannot be opened and what to do', () => {
    expect(() => sqliteRateLimitStore({ file: join(tempFile(), 'no', 'such', 'dir', 'limits.db') })).toThrow(
      /- file: cannot be opened \(.*directory does not exist.*\)\. Fix: create its directory, or point file at a writable path\./,
    );
  });
});

/** The child runs the store's current source (see test/helpers/transpile.ts). */
describe('sqliteRateLimitStore: two processes on one file', () => {
  const child = useStoreChild('src/stores/index.ts', 'rate-limit-store-child.mjs');

  it('allows exactly `burst` in total when both processes hammer one key at one instant', async () => {
    const file = tempFile();
    const here = open({ file });
    const there = await child(file);
    const limit = { intervalMs: 10, burst: 300 };
    const n = 600;
    const theirs = there('hammer', 'shared', limit, T0, n) as Promise<number>;
    let ours = 0;
    for (let i = 0; i < n; i++) {
      if ((await here.consume('shared', limit, T0)).allowed) ours++;
      if (i % 20 === 0) await new Promise((r) => setImmediate(r)); // let the child's requests interleave
    }
    const total = ours + (await theirs);
    expect(total).toBe(300);
    expect(rows(file)).toEqual([{ key: 'shared', tat: (T0 + 3000) * 1000 }]);
    expect(await there('consume', 'shared', limit, T0 + 10)).toEqual(allowed(0, 3000));
    expect(await here.consume('shared', limit, T0 + 10)).toEqual(denied(10, 3000));
    await there('reset', 'shared');
    expect(await here.consume('shared', limit, T0 + 10)).toEqual(allowed(299, 10));
  });
});
