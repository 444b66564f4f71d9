// Micro-measurements of the session stores, one per child process (bench/sessions.mjs starts them
// and reads the JSON line printed at the end):
//
//   node session-micro.mjs sqlite <dir> <seconds>
//     Aegis' SQLite store on a new file in <dir> (WAL, synchronous FULL: the store's settings):
//     create, get, update, destroy, each for <seconds>, one awaited call after another, as a request
//     handler makes them. Also the file's size per session after the creates (checkpointed).
//   node --expose-gc session-micro.mjs memory <aegis|express-session> <count>
//     V8 heap used by <count> sessions in a memory store (Aegis' memorySessionStore, or
//     express-session's MemoryStore for reference), against the same store empty, after full GCs.
//
// Every session holds the same small data as the throughput bench: { n: <number>, user: 'user-<n>' }.
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import session from 'express-session';
import { memorySessionStore, sqliteSessionStore } from 'aegis/stores';

const [what, ...args] = process.argv.slice(2);
// Ids as each implementation draws them: Aegis 32 random bytes, express-session 24 (uid-safe), base64url.
const newId = (bytes = 32) => randomBytes(bytes).toString('base64url');
const IDLE_MS = 30 * 60_000;
const ABSOLUTE_MS = 60 * 60_000;
const record = (n, now) => ({ data: { n, user: `user-${n}` }, createdAt: now, idleExpiresAt: now + IDLE_MS, absoluteExpiresAt: now + ABSOLUTE_MS });

/** Calls `op(i)` (awaited) until `seconds` have passed or `limit` calls were made; returns { ops, seconds }. */
async function timed(seconds, limit, op) {
  const start = performance.now();
  const end = start + seconds * 1000;
  let ops = 0;
  // The clock is read every 64 calls: reading it costs about as much as a memory-store call.
  while (ops < limit) {
    await op(ops);
    ops++;
    if ((ops & 63) === 0 && performance.now() >= end) break;
  }
  return { ops, seconds: (performance.now() - start) / 1000 };
}

async function sqlite(dir, seconds) {
  const file = join(dir, 'micro.db');
  const size = () => statSync(file).size;
  // Empty: the schema alone (closing checkpoints the WAL into the file and removes it).
  await sqliteSessionStore({ file }).close();
  const emptyBytes = size();
  // Ids drawn beforehand: the timing is the store's, not the CSPRNG's.
  const ids = Array.from({ length: 400_000 }, () => newId());
  const now = Date.now();
  let store = sqliteSessionStore({ file });
  const create = await timed(seconds, ids.length, (i) => store.create(ids[i], record(i, now)));
  const created = create.ops;
  await store.close();
  const filledBytes = size();
  store = sqliteSessionStore({ file });
  let seed = 1;
  const pick = () => {
    // xorshift: a cheap, repeatable spread over the stored sessions.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return ids[(seed >>> 0) % created];
  };
  const get = await timed(seconds, Infinity, async () => {
    if (!(await store.get(pick(), now))) throw new Error('a created session did not read back');
  });
  const update = await timed(seconds, Infinity, async (i) => {
    if (!(await store.update(pick(), { set: { n: i }, idleExpiresAt: now + IDLE_MS + 60_000 }, now))) throw new Error('update found no session');
  });
  const destroy = await timed(seconds, created, async (i) => {
    if (!(await store.destroy(ids[i]))) throw new Error('destroy found no session');
  });
  await store.close();
  const rate = ({ ops, seconds: s }) => ({ ops, seconds: s, opsPerSecond: ops / s });
  return {
    create: rate(create),
    get: rate(get),
    update: rate(update),
    destroy: rate(destroy),
    file: { sessions: created, emptyBytes, filledBytes, bytesPerSession: (filledBytes - emptyBytes) / created },
  };
}

async function memory(impl, count) {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
  const heap = () => {
    for (let i = 0; i < 4; i++) globalThis.gc();
    return process.memoryUsage().heapUsed;
  };
  const now = Date.now();
  let store;
  let add;
  if (impl === 'aegis') {
    store = memorySessionStore({ maxEntries: count });
    add = (i) => store.create(newId(), record(i, now));
  } else if (impl === 'express-session') {
    // What express-session hands its store for a session like the bench's: the data and its cookie.
    store = new session.MemoryStore();
    add = (i) =>
      new Promise((resolve, reject) => {
        const sess = {
          cookie: { originalMaxAge: IDLE_MS, expires: new Date(now + IDLE_MS), secure: false, httpOnly: true, path: '/', sameSite: 'lax' },
          n: i,
          user: `user-${i}`,
        };
        store.set(newId(24), sess, (error) => (error ? reject(error) : resolve()));
      });
  } else throw new Error(`unknown memory store ${impl}`);
  const empty = heap();
  for (let i = 0; i < count; i++) await add(i);
  const full = heap();
  return { impl, sessions: count, emptyHeapBytes: empty, fullHeapBytes: full, bytesPerSession: (full - empty) / count, keep: store !== undefined };
}

let result;
if (what === 'sqlite') result = await sqlite(args[0], Number(args[1] ?? 3));
else if (what === 'memory') result = await memory(args[0], Number(args[1] ?? 100_000));
else throw new Error('usage: session-micro.mjs sqlite <dir> <seconds> | memory <aegis|express-session> <count>');
console.log(JSON.stringify(result));
