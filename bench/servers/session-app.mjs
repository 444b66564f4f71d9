// One sessions-benchmark server: `node session-app.mjs <kind> <backend>` (driven by bench/sessions.mjs).
//
//   kind     aegis                  Express + Aegis with its sessions (the policy's `sessions` option)
//            express-session        Express + Aegis without sessions + express-session, touch off
//            express-session+touch  the same with express-session's default: the store's touch() on every request
//            none                   Express + Aegis without sessions: the handler reads no session
//   backend  memory | sqlite | redis (none: ignored)
//
// Every Express app is the same: Aegis' middleware (the production policy of hello.mjs, CSRF off)
// first, then, for express-session, its middleware. GET / reads one key of the session and answers
// the hello-world body; a request without a live session gets 500, so a load that reached the
// handler without one would show up as errors. GET /seed?n=<n> writes two keys (n, user) and so
// creates a session, whose cookie the bench collects.
//
// Environment: BENCH_SESSION_KEY (the signing key, 32 random bytes base64url, shared by both
// implementations), BENCH_SESSION_SQLITE (the database file), BENCH_SESSION_REDIS (redis://…).
//
// IPC, as in start.mjs: { ready: port } once listening; 'start' / 'stop' bracket a measurement and
// 'stop' answers { served, cpuMicros, wallMicros, writes }, where writes counts the store's write
// calls (Aegis: create, update, rotate, destroy; express-session: set, touch, destroy).
import express from 'express';
import session from 'express-session';
import makeSqliteStore from 'better-sqlite3-session-store';
import { RedisStore } from 'connect-redis';
import Database from 'better-sqlite3';
import { createClient } from 'redis';
import { aegis } from 'aegis';
import { createServer } from 'aegis/node';
import { aegisMiddleware } from 'aegis/express';
import { memorySessionStore, redisSessionStore, sqliteSessionStore } from 'aegis/stores';
import { BODY, POLICY_OPTIONS } from './hello.mjs';
import { answerMeasurements } from './measure.mjs';

const [kind, backend] = process.argv.slice(2);
const KEY = process.env.BENCH_SESSION_KEY;
const IDLE_MS = 30 * 60_000; // Aegis' default idle timeout; express-session gets the same cookie maxAge
let served = 0;
let writes = 0;
const closers = [];

/** Counts calls of a store's write methods (reads are not wrapped). */
function countWrites(store, methods) {
  for (const method of methods) {
    const original = store[method];
    if (typeof original !== 'function') continue;
    store[method] = function counted(...args) {
      writes++;
      return original.apply(this, args);
    };
  }
  return store;
}

async function redisClient() {
  const client = createClient({ url: process.env.BENCH_SESSION_REDIS });
  await client.connect();
  closers.push(() => client.quit());
  return client;
}

function sqliteFile() {
  const file = process.env.BENCH_SESSION_SQLITE;
  if (!file) throw new Error('BENCH_SESSION_SQLITE is not set');
  return file;
}

async function aegisStore() {
  let store;
  if (backend === 'memory') store = memorySessionStore();
  else if (backend === 'sqlite') store = sqliteSessionStore({ file: sqliteFile() });
  else if (backend === 'redis') store = redisSessionStore({ client: await redisClient() });
  else throw new Error(`unknown backend ${backend}`);
  closers.push(() => store.close());
  return countWrites(store, ['create', 'update', 'rotate', 'destroy']);
}

/** express-session's store for the backend, as each store's documentation sets it up. */
async function expressSessionStore(touch) {
  let store;
  if (backend === 'memory') {
    store = new session.MemoryStore();
  } else if (backend === 'sqlite') {
    const db = new Database(sqliteFile());
    // WAL like the Aegis store (the store leaves the journal mode to the application).
    db.pragma('journal_mode = WAL');
    closers.push(() => db.close());
    const SqliteStore = makeSqliteStore(session);
    store = new SqliteStore({ client: db });
  } else if (backend === 'redis') {
    store = new RedisStore({ client: await redisClient(), disableTouch: !touch });
  } else {
    throw new Error(`unknown backend ${backend}`);
  }
  // Touch off for the memory and SQLite stores, which have no option for it: express-session only
  // calls touch() when the store has one (connect-redis has `disableTouch`, set above).
  if (!touch && backend !== 'redis') store.touch = undefined;
  return countWrites(store, touch || backend !== 'redis' ? ['set', 'touch', 'destroy'] : ['set', 'destroy']);
}

const hello = (res) => res.type('text/plain').send(BODY);
const noSession = (res) => res.status(500).type('text/plain').send('no session\n');

async function app() {
  const app = express();
  if (kind === 'aegis') {
    const policy = aegis({ ...POLICY_OPTIONS, csrf: false, sessions: { store: await aegisStore(), secrets: [KEY] } });
    app.use(aegisMiddleware(policy));
    app.get('/seed', (req, res) => {
      res.locals.session.set('n', Number(req.query.n));
      res.locals.session.set('user', `user-${req.query.n}`);
      res.type('text/plain').send('seeded\n');
    });
    app.get('/', async (_req, res) => {
      const n = await res.locals.session.get('n');
      if (typeof n !== 'number') return noSession(res);
      served++;
      hello(res);
    });
    return { policy, app };
  }
  const policy = aegis({ ...POLICY_OPTIONS, csrf: false });
  app.use(aegisMiddleware(policy));
  if (kind === 'none') {
    app.get('/', (_req, res) => {
      served++;
      hello(res);
    });
    return { policy, app };
  }
  if (kind !== 'express-session' && kind !== 'express-session+touch') throw new Error(`unknown kind ${kind}`);
  app.use(
    session({
      store: await expressSessionStore(kind === 'express-session+touch'),
      secret: KEY,
      resave: false,
      saveUninitialized: false,
      rolling: false,
      cookie: { maxAge: IDLE_MS, httpOnly: true, sameSite: 'lax', secure: false },
    }),
  );
  app.get('/seed', (req, res) => {
    req.session.n = Number(req.query.n);
    req.session.user = `user-${req.query.n}`;
    res.type('text/plain').send('seeded\n');
  });
  app.get('/', (req, res) => {
    if (typeof req.session.n !== 'number') return noSession(res);
    served++;
    hello(res);
  });
  return { policy, app };
}

// The same server as the bench's express+aegis: aegis/node's createServer around the Express app.
const { policy, app: application } = await app();
const server = createServer(policy, application);
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', resolve);
});

answerMeasurements({
  reset: () => {
    served = 0;
    writes = 0;
  },
  counters: () => ({ served, writes }),
});
process.on('disconnect', async () => {
  server.close();
  server.closeAllConnections?.();
  for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => {});
  process.exit(0);
});
process.send({ ready: server.address().port });
