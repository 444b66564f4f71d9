import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AegisConfigError } from '../../src/core/config-error.js';
import { sqliteSessionStore } from '../../src/stores/index.js';
import type { SessionStore } from '../../src/stores/index.js';
import { useSqliteFiles, useStoreChild, withReadonly } from '../helpers/sqlite-files.js';
import { record, sessionStoreContract, T0 } from './session-store.contract.js';

const files = useSqliteFiles('sqlite-', 'sessions.db');
const { tempFile } = files;

const open = (file: string): SessionStore => files.track(sqliteSessionStore({ file }));


sessionStoreContract('sqlite', async () => sqliteSessionStore({ file: tempFile() }));

describe('sqliteSessionStore: the file', () => {
  it('runs in WAL mode with a busy timeout', () => {
    const file = tempFile();
    open(file);
    withReadonly(file, (db) => {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    });
  });

  it('creates the documented table and indexes, under a custom table name too', async () => {
    const file = tempFile();
    open(file);
    await sqliteSessionStore({ file, tableName: 'app_sessions' }).close();
    withReadonly(file, (db) => {
      const columns = db.prepare("SELECT name FROM pragma_table_info('aegis_sessions') ORDER BY cid").pluck().all();
      expect(columns).toEqual(['id', 'user_id', 'data', 'created_at', 'idle_expires_at', 'absolute_expires_at']);
      const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").pluck().all();
      expect(indexes).toEqual(['aegis_sessions_deadline', 'aegis_sessions_user_id', 'app_sessions_deadline', 'app_sessions_user_id']);
    });
  });

  it('keeps sessions and revocations across a restart (close, reopen the same file)', async () => {
    const file = tempFile();
    const first = open(file);
    await first.create('kept', record({ userId: 'alice', data: { cart: [1, 2] } }));
    await first.create('revoked', record({ userId: 'bob' }));
    await first.create('revoked2', record({ userId: 'bob' }));
    await first.create('logged-out', record());
    await first.update('kept', { set: { step: 2 }, idleExpiresAt: T0 + 40 * 60_000 }, T0 + 10 * 60_000);
    expect(await first.destroyByUser('bob')).toBe(2);
    expect(await first.destroy('logged-out')).toBe(true);
    await first.close();

    const second = open(file);
    expect(await second.get('kept', T0 + 35 * 60_000)).toEqual(
      record({ userId: 'alice', data: { cart: [1, 2], step: 2 }, idleExpiresAt: T0 + 40 * 60_000 }),
    );
    expect(await second.get('revoked', T0)).toBeUndefined();
    expect(await second.get('revoked2', T0)).toBeUndefined();
    expect(await second.get('logged-out', T0)).toBeUndefined();
    expect(await second.listByUser('bob', T0)).toEqual([]);
  });

  it('sees a revocation made by another store instance on the same file at its next read', async () => {
    const file = tempFile();
    const a = open(file);
    const b = open(file);
    await a.create('s1', record({ userId: 'alice' }));
    await a.create('s2', record({ userId: 'alice' }));
    expect(await b.get('s1', T0)).toEqual(record({ userId: 'alice' }));
    expect(await a.destroy('s1')).toBe(true);
    expect(await b.get('s1', T0)).toBeUndefined();
    expect(await b.destroyByUser('alice')).toBe(1);
    expect(await a.get('s2', T0)).toBeUndefined();
  });

  it('purges expired rows on write, at most 100 per write, and never on read', async () => {
    const file = tempFile();
    const store = open(file);
    for (let i = 0; i < 150; i++) await store.create(`old${i}`, record({ idleExpiresAt: T0 + 1 }));
    const count = (): number => withReadonly(file, (db) => db.prepare('SELECT count(*) FROM aegis_sessions').pluck().get() as number);
    expect(count()).toBe(150);
    expect(await store.get('old0', T0 + 2)).toBeUndefined();
    expect(await store.listByUser('nobody', T0 + 2)).toEqual([]);
    expect(count()).toBe(150);
    await store.create('new1', record({ createdAt: T0 + 2, idleExpiresAt: T0 + 99 }));
    expect(count()).toBe(51);
    await store.create('new2', record({ createdAt: T0 + 2, idleExpiresAt: T0 + 99 }));
    expect(count()).toBe(2);
  });
});

describe('sqliteSessionStore: options', () => {
  it('names the bad option and the fix', () => {
    expect(() => sqliteSessionStore({} as { file: string })).toThrow(
      "Invalid sqliteSessionStore options (1 problem):\n  - file: must be the path of the database file, got undefined. Fix: write { file: './data/sessions.db' }.",
    );
    expect(() => sqliteSessionStore({ file: tempFile(), tableName: 'x"; DROP TABLE y; --' })).toThrow(/tableName: must be a plain SQL name/);
    expect(() => sqliteSessionStore({ file: tempFile(), tabelName: 'x' } as { file: string })).toThrow(/options\.tabelName: unknown option\. Fix: .*tableName/);
    expect(() => sqliteSessionStore(undefined as unknown as { file: string })).toThrow(AegisConfigError);
  });

  it('says which file cannot be opened and what to do', () => {
    expect(() => sqliteSessionStore({ file: join(tempFile(), 'no', 'such', 'dir', 'sessions.db') })).toThrow(
      /- file: cannot be opened \(.*directory does not exist.*\)\. Fix: create its directory, or point file at a writable path\./,
    );
  });
});

/**
 * The two-process tests run the store's current source in a child node process. dist/ may be stale,
 * so the test transpiles src/stores and what it imports (TypeScript's transpileModule, no type check)
 * into node_modules/.cache, where the child resolves better-sqlite3 from this repository.
 */
describe('sqliteSessionStore: two processes on one file', () => {
  const child = useStoreChild('src/stores/index.ts', 'session-store-child.mjs');

  it('a revocation made in one process is enforced by the other on its next read', async () => {
    const file = tempFile();
    const here = open(file);
    const there = await child(file);
    await here.create('s1', record({ userId: 'alice' }));
    await here.create('s2', record({ userId: 'alice' }));
    await here.create('s3', record({ userId: 'bob' }));
    expect(await there('get', 's1', T0)).toEqual(record({ userId: 'alice' }));
    expect(await there('destroy', 's1')).toBe(true);
    expect(await here.get('s1', T0)).toBeUndefined();
    expect(await here.destroyByUser('alice')).toBe(1);
    expect(await there('get', 's2', T0)).toBeUndefined();
    expect(await there('listByUser', 'alice', T0)).toEqual([]);
    expect(await there('get', 's3', T0)).toEqual(record({ userId: 'bob' }));
    expect(await there('rotate', 's3', 's4', record({ userId: 'bob' }))).toBe(true);
    expect(await here.get('s3', T0)).toBeUndefined();
  });

  it('loses no key when both processes update one session at the same time', async () => {
    const file = tempFile();
    const here = open(file);
    const there = await child(file);
    await here.create('s1', record());
    const n = 100;
    await Promise.all([
      ...Array.from({ length: n }, (_, i) => there('update', 's1', { set: { [`child${i}`]: i } }, T0)),
      ...Array.from({ length: n }, async (_, i) => {
        await new Promise((r) => setImmediate(r));
        return here.update('s1', { set: { [`parent${i}`]: i } }, T0);
      }),
    ]);
    const data = (await here.get('s1', T0))?.data ?? {};
    expect(Object.keys(data).length).toBe(2 * n);
    expect(data['child99']).toBe(99);
    expect(data['parent99']).toBe(99);
  });
});
