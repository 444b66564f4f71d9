/**
 * Shared setup of the SQLite store tests: fresh temporary database files, stores closed after each
 * test, reading a file with a read-only connection of its own, and a store in a second process on
 * the same file (its current source transpiled, see transpile.ts, and run by store-child.ts).
 */

import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startStoreChild, type StoreCall } from './store-child.js';
import { transpileClosure } from './transpile.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Temporary files and opened stores of one test file: `tempFile()` gives a fresh path named
 * `fileName` in a new directory `aegis-<dirLabel>…` (removed in afterAll); `track(store)` closes it
 * in afterEach.
 */
export function useSqliteFiles(dirLabel: string, fileName: string): { tempFile(): string; track<S extends { close(): Promise<void> }>(store: S): S } {
  const dirs: string[] = [];
  const stores: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  afterAll(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    tempFile() {
      const dir = mkdtempSync(join(tmpdir(), `aegis-${dirLabel}`));
      dirs.push(dir);
      return join(dir, fileName);
    },
    track(store) {
      stores.push(store);
      return store;
    },
  };
}

/** Runs `read` on `file` with a read-only connection of its own, closed afterwards. */
export function withReadonly<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** All rows of `sql` on `file`, read with a connection of its own. */
export function readRows<Row>(file: string, sql: string): Row[] {
  return withReadonly(file, (db) => db.prepare(sql).all() as Row[]);
}

/**
 * For a describe of two-process tests: transpiles `source` (relative to the repository) in
 * beforeAll, and returns `child(file)`, which starts `test/fixtures/<fixture>` on the transpiled
 * store and `file`. The children and the transpiled tree go in afterAll.
 */
export function useStoreChild(source: string, fixture: string): (file: string) => Promise<StoreCall> {
  const out = join(root, 'node_modules', '.cache', `aegis-${fixture.replace(/-child\.mjs$/, '')}-${process.pid}`);
  const children: ChildProcessWithoutNullStreams[] = [];
  beforeAll(() => {
    transpileClosure(join(root, source), out);
  });
  afterAll(() => {
    for (const child of children) child.kill();
    rmSync(out, { recursive: true, force: true });
  });
  return async (file) => {
    const entry = pathToFileURL(join(out, source.replace(/\.ts$/, '.js'))).href;
    return startStoreChild(join(root, 'test/fixtures', fixture), entry, file, children);
  };
}
