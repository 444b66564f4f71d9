import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AegisConfigError } from '../../src/core/config-error.js';
import type { NonceStore } from '../../src/stores/nonce-store.js';
import { sqliteNonceStore } from '../../src/stores/sqlite/nonce-store.js';
import type { SqliteNonceStoreOptions } from '../../src/stores/sqlite/nonce-store.js';
import { readRows, useSqliteFiles, useStoreChild, withReadonly } from '../helpers/sqlite-files.js';
import { CLOSED, LIFE, nonceStoreContract, T0 } from './nonce-store.contract.js';

const files = useSqliteFiles('sqlite-nonce-', 'nonces.db');
const { tempFile } = files;

const open = (options: SqliteNonceStoreOptions): NonceStore => files.track(sqliteNonceStore(options));

/** Reads the table with a connection of its own. */
function rows(file: string, table = 'aegis_nonces'): Array<{ nonce: string; expires_at: number }> {
  return readRows(file, `SELECT nonce, expires_at FROM ${table} ORDER BY nonce`);
}

nonceStoreContract('sqlite', async () => sqliteNonceStore({ file: tempFile() }));

describe('sqliteNonceStore: the file', () => {
  it('runs in WAL mode and creates the documented table and index', async () => {
    const file = tempFile();
    const store = open({ file });
    expect(await store.claim('n', T0 + LIFE, T0)).toBe(true);
    expect(await store.claim('f', T0 + LIFE + 0.5, T0)).toBe(true);
    withReadonly(file, (db) => {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info('aegis_nonces') ORDER BY cid").all()).toEqual([
        { name: 'nonce', type: 'TEXT', notnull: 1, pk: 1 },
        { name: 'expires_at', type: 'INTEGER', notnull: 1, pk: 0 },
      ]);
      expect(db.prepare("SELECT name FROM pragma_index_list('aegis_nonces') WHERE origin = 'c'").all()).toEqual([{ name: 'aegis_nonces_expires_at' }]);
      expect(db.prepare('SELECT nonce, typeof(expires_at) AS type FROM aegis_nonces ORDER BY nonce').all()).toEqual([
        { nonce: 'f', type: 'real' },
        { nonce: 'n', type: 'integer' },
      ]);
    });
    expect(rows(file)).toEqual([
      { nonce: 'f', expires_at: T0 + LIFE + 0.5 },
      { nonce: 'n', expires_at: T0 + LIFE },
    ]);
  });

  it('keeps the nonces across a restart, and a replay writes nothing', async () => {
    const file = tempFile();
    const first = open({ file });
    expect(await first.claim('n', T0 + LIFE, T0)).toBe(true);
    expect(await first.claim('n', T0 + 9 * LIFE, T0 + 1)).toBe(false);
    expect(rows(file)).toEqual([{ nonce: 'n', expires_at: T0 + LIFE }]);
    await first.close();
    const second = open({ file, tableName: 'aegis_nonces' });
    expect(await second.claim('n', T0 + 2 * LIFE, T0 + LIFE - 1)).toBe(false);
    expect(await second.claim('n', T0 + 2 * LIFE, T0 + LIFE)).toBe(true);
    expect(rows(file)).toEqual([{ nonce: 'n', expires_at: T0 + 2 * LIFE }]);
  });

  it("uses the application's database as it is, and leaves it open on close", async () => {
    const file = tempFile();
    const database = new Database(file);
    try {
      const store = open({ database, tableName: 'app_nonces' });
      expect(await store.claim('n', T0 + LIFE, T0)).toBe(true);
      await store.close();
      expect(database.open).toBe(true);
      expect(database.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(database.prepare('SELECT nonce, expires_at FROM app_nonces').all()).toEqual([{ nonce: 'n', expires_at: T0 + LIFE }]);
      await expect(store.claim('m', T0 + LIFE, T0)).rejects.toThrow(CLOSED);
      expect(await open({ database, tableName: 'app_nonces' }).claim('n', T0 + LIFE, T0 + 1)).toBe(false);
    } finally {
      database.close();
    }
  });

  it('purges expired rows on successful claims, at most 100 each, earliest first', async () => {
    const file = tempFile();
    const store = open({ file });
    for (let i = 0; i < 150; i++) expect(await store.claim(`old${String(i).padStart(3, '0')}`, T0 + LIFE + i, T0)).toBe(true);
    expect(rows(file).length).toBe(150);
    expect(await store.claim('old149', T0 + 2 * LIFE, T0 + LIFE + 148)).toBe(false); // a replay purges nothing
    expect(rows(file).length).toBe(150);
    expect(await store.claim('new1', T0 + 3 * LIFE, T0 + LIFE + 148)).toBe(true); // 149 expired (all but old149): 100 purged, old000…old099
    expect(rows(file).length).toBe(51);
    expect(rows(file)[0]).toEqual({ nonce: 'new1', expires_at: T0 + 3 * LIFE });
    expect(rows(file)[1]).toEqual({ nonce: 'old100', expires_at: T0 + LIFE + 100 });
    expect(await store.claim('new2', T0 + 3 * LIFE, T0 + 2 * LIFE)).toBe(true);
    expect(rows(file).map((r) => r.nonce)).toEqual(['new1', 'new2']);
  });
});

describe('sqliteNonceStore: options', () => {
  it('names the bad option and the fix', () => {
    expect(() => sqliteNonceStore({} as { file: string })).toThrow(
      "Invalid sqliteNonceStore options (1 problem):\n  - file: give exactly one of file and database, got neither. Fix: write { file: './data/aegis.db' }, or { database: yourBetterSqlite3Database }.",
    );
    expect(() => sqliteNonceStore({ file: tempFile(), database: {} } as unknown as { file: string })).toThrow(/file: give exactly one of file and database, got both\./);
    expect(() => sqliteNonceStore({ file: '  ' })).toThrow('- file: must be the path of the database file, got "  ". Fix:');
    expect(() => sqliteNonceStore({ database: 'x' } as unknown as { file: string })).toThrow(/database: must be an open better-sqlite3 Database, got "x"\./);
    expect(() => sqliteNonceStore({ file: tempFile(), tableName: 'x"; DROP TABLE y; --' })).toThrow(
      /tableName: must be a plain SQL name \(letters, digits, _; not starting with a digit\), got "x\\"; DROP TABLE y; --"\. Fix: write tableName: 'aegis_nonces', or leave it out\./,
    );
    expect(() => sqliteNonceStore({ file: tempFile(), tabelName: 'x' } as { file: string })).toThrow(/options\.tabelName: unknown option\. Fix: .*tableName/);
    expect(() => sqliteNonceStore(undefined as unknown as { file: string })).toThrow(
      "Invalid sqliteNonceStore options (1 problem):\n  - options: expected an object, got undefined. Fix: write { file: './data/aegis.db' }.",
    );
    expect(() => sqliteNonceStore(undefined as unknown as { file: string })).toThrow(AegisConfigError);
  });

  it('says which file cannot be opened and what to do', () => {
    expect(() => sqliteNonceStore({ file: join(tempFile(), 'no', 'such', 'dir', 'nonces.db') })).toThrow(
      /- file: cannot be opened \(.*directory does not exist.*\)\. Fix: create its directory, or point file at a writable path\./,
    );
  });
});

/** The child runs the store's current source (see test/helpers/transpile.ts). */
describe('sqliteNonceStore: two processes on one file', () => {
  const child = useStoreChild('src/stores/sqlite/nonce-store.ts', 'nonce-store-child.mjs');

  it('each of 300 nonces claimed by both processes at once is fresh exactly once in total', async () => {
    const file = tempFile();
    const here = open({ file });
    const there = await child(file);
    const n = 300;
    expect(await there('claim', 'warm-up', T0 + LIFE, T0)).toBe(true); // the child is ready: its claims start as soon as it reads the next line
    const theirs = there('claimAll', 'shared', n, T0 + LIFE, T0, true) as Promise<number[]>; // from the other end: the two meet somewhere
    const ours: number[] = [];
    for (let i = 0; i < n; i++) {
      if (await here.claim(`shared${i}`, T0 + LIFE, T0)) ours.push(i);
      await new Promise((r) => setImmediate(r)); // let the child's claims interleave
    }
    const won = [...ours, ...(await theirs)].sort((a, b) => a - b);
    expect(won).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(rows(file).length).toBe(n + 1);
    expect(await there('claim', 'shared0', T0 + 2 * LIFE, T0 + 1)).toBe(false);
    expect(await there('claim', 'shared0', T0 + 2 * LIFE, T0 + LIFE)).toBe(true);
    expect(await here.claim('shared0', T0 + 3 * LIFE, T0 + LIFE)).toBe(false);
  });
});
