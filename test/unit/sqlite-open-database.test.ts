import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/stores/sqlite/open-database.js';
import { transpileClosure } from '../helpers/transpile.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const spec = { subject: 'testStore options', defaultTable: 'aegis_test', example: "{ file: './data/aegis.db' }", allowDatabase: true };
const dirs: string[] = [];

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aegis-sqlite-open-'));
  dirs.push(dir);
  return join(dir, 'race.db');
}

function journalMode(file: string): unknown {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('journal_mode', { simple: true });
  } finally {
    db.close();
  }
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('openSqliteStore', () => {
  it('sets busy_timeout and WAL on a file it opens, and closes it when build throws', () => {
    const file = tempFile();
    let kept: Database.Database | undefined;
    const result = openSqliteStore({ file }, spec, (db, table, owned) => {
      kept = db;
      return { timeout: db.pragma('busy_timeout', { simple: true }), table, owned };
    });
    expect(result).toEqual({ timeout: 5000, table: 'aegis_test', owned: true });
    expect(journalMode(file)).toBe('wal');
    kept?.close();
    expect(() =>
      openSqliteStore({ file, tableName: 'other' }, spec, (db) => {
        kept = db;
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(kept?.open).toBe(false);
  });

  it('uses an application database as it is, and does not take it over', () => {
    const database = new Database(':memory:');
    database.pragma('busy_timeout = 123');
    const result = openSqliteStore({ database, tableName: 'mine' }, spec, (db, table, owned) => ({ same: db === database, table, owned }));
    expect(result).toEqual({ same: true, table: 'mine', owned: false });
    expect(database.pragma('busy_timeout', { simple: true })).toBe(123);
    database.close();
  });
});

/**
 * Several processes opening one NEW file at one instant: `PRAGMA journal_mode = WAL` can fail at
 * once with "database is locked" (no busy handler for that lock). The opener must ride it out.
 * The children run the opener's current source (see test/helpers/transpile.ts).
 */
describe('openSqliteStore: processes racing on a new file', () => {
  const PROCESSES = 4;
  const FILES = 100;
  const GAP_MS = 30;
  let out = '';
  let script = '';

  beforeAll(() => {
    out = join(root, 'node_modules', '.cache', `aegis-open-database-${process.pid}`);
    transpileClosure(join(root, 'src/stores/sqlite/open-database.ts'), out);
    script = join(out, 'race-child.mjs');
    const entry = pathToFileURL(join(out, 'src/stores/sqlite/open-database.js')).href;
    // Opens dir/race-<i>.db at startAt + i * gap for each i, the same instants in every child; prints the journal modes.
    writeFileSync(
      script,
      `const { openSqliteStore } = await import(${JSON.stringify(entry)});
const [dir, files, startAt, gap] = process.argv.slice(2);
const spec = ${JSON.stringify(spec)};
const modes = [];
for (let i = 0; i < Number(files); i++) {
  while (Date.now() < Number(startAt) + i * Number(gap)) {}
  modes.push(openSqliteStore({ file: dir + '/race-' + i + '.db' }, spec, (db, table) => {
    db.exec(\`CREATE TABLE IF NOT EXISTS "\${table}" (pid INTEGER PRIMARY KEY NOT NULL)\`);
    db.prepare(\`INSERT INTO "\${table}" (pid) VALUES (?)\`).run(process.pid);
    const mode = db.pragma('journal_mode', { simple: true });
    db.close();
    return mode;
  }));
}
process.stdout.write(modes.join(','));
`,
    );
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  function run(dir: string, startAt: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolvePromise, reject) => {
      const proc = spawn(process.execPath, [script, dir, String(FILES), String(startAt), String(GAP_MS)]);
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      proc.on('error', reject);
      proc.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    });
  }

  it(`${PROCESSES} processes each open ${FILES} new files at the same instants, all in WAL mode`, async () => {
    const dir = dirname(tempFile());
    // Far enough ahead that every child has loaded better-sqlite3 before the first instant.
    const startAt = Date.now() + 1_500;
    const results = await Promise.all(Array.from({ length: PROCESSES }, () => run(dir, startAt)));
    const wal = Array.from({ length: FILES }, () => 'wal').join(',');
    for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0, stdout: wal });
    for (let i = 0; i < FILES; i++) {
      const file = join(dir, `race-${i}.db`);
      expect(journalMode(file)).toBe('wal');
      const db = new Database(file, { readonly: true });
      expect(db.prepare('SELECT count(*) AS n FROM aegis_test').get()).toEqual({ n: PROCESSES });
      db.close();
    }
  });
});
