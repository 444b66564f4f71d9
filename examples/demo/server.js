/**
 * The Aegis demo site, served over HTTPS. Run it with `npm start` (which builds Aegis first), then
 * open https://localhost:8443/ (your browser warns about the self-signed certificate: accept it
 * for localhost), or http://localhost:8080/, which redirects there.
 *
 *   /                  an inline script with the CSP nonce: it runs and calls the JSON API
 *   /api/status        a JSON API route
 *   /blocked           an inline script without the nonce: the browser blocks it and reports it
 *   /login             sign in as the demo user: name "demo", password "correct-horse-battery" (the
 *                      server keeps only a scrypt hash); a wrong name or password gets a 401 page
 *                      that does not say which was wrong
 *   /account           who is signed in, a note kept in the session (a CSRF-protected form, POST
 *                      /account/note), the user's sessions with this one marked, a button that
 *                      signs out any other one (POST /account/sessions/revoke) and "Sign out
 *                      everywhere" (POST /account/sign-out-everywhere); without a session: 303 to /login
 *   POST /logout       ends this session and clears its cookie
 *   /login as "reader"  password "reader-horse-battery": a user without the admin role
 *   /admin             the role admin only: 401 when nobody is signed in, 403 for "reader"
 *   POST /api/sms, POST /api/sms/bulk, POST /api/payments, GET /ops/queue, POST /webhooks/delivery
 *                      the SMS gateway API: API keys, rate limits, idempotency keys, the internal
 *                      secret and a signed webhook (see api.js, and the README's demo section)
 *   /_aegis/csp-report Aegis' built-in endpoint for those reports (POST only)
 *   /_aegis/csrf-token Aegis' built-in CSRF token endpoint for scripts ({"token", "headerName"})
 *
 * Every POST must pass Aegis' CSRF check: Sec-Fetch-Site / Origin first, then the session's token
 * (the hidden _csrf field of each form, or the x-csrf-token header). Sessions end after 30 minutes
 * without a request and 1 hour after sign-in. The cookie is `sid` (HttpOnly, SameSite=Lax), in
 * production `__Host-sid` and Secure too.
 *
 * Environment:
 *   PORT               the HTTPS port (default 8443; 0 picks a free port)
 *   HTTP_PORT          the plain-HTTP port that only redirects to HTTPS (default 8080; 0 picks a free port)
 *   HOST               the address to bind (default 127.0.0.1: the demo is not reachable from other machines)
 *   AEGIS_DEV_CERT_DIR where the development certificate is cached (default .aegis/dev-cert under
 *                      the working directory, which .gitignore covers)
 *   AEGIS_ENV or NODE_ENV  the profile (default development, which only answers to the localhost
 *                      names; production needs the next three, else the demo refuses to start,
 *                      says why, and exits 1)
 *   AEGIS_HOSTS        the host names to answer, comma-separated (the policy's `hosts` option)
 *   TLS_CERT, TLS_KEY  the certificate and key PEM files (serve()'s `tls` option); without
 *                      them, outside production, the development certificate
 *   REDIS_URL          keep sessions in this Redis (redis://…, through the `redis` package), so
 *                      that several instances share them; when Redis is down, pages that need the
 *                      session answer 503 until it is back (the client reconnects by itself)
 *   SESSION_DB         otherwise, the SQLite file that keeps them (default .aegis/demo-sessions.db;
 *                      its directory is created). Sessions, and their revocation, survive a restart.
 *   SESSION_KEY        the key that signs the session cookie: 32 random bytes, base64url (make one
 *                      with `npx aegis secret`); a weak key is refused. Outside production, when it
 *                      is unset, the demo makes one on first start and keeps it next to the SQLite
 *                      file (demo-session.key, readable by its owner only), so that a restart does
 *                      not sign everyone out; it says so on stderr. In production the demo never
 *                      makes up a key: without SESSION_KEY it starts with sign-in turned off (the
 *                      sign-in pages answer 503) and says so on stderr.
 *   API_KEYS           the API keys the API accepts: the stored lines `npx aegis key create --prefix demo
 *                      --scope sms.send --scope sms.bulk --scope payments` prints, separated by commas or new lines. Outside
 *                      production, when unset, the demo makes one key and keeps it in demo-api-key.json
 *                      next to the SQLite file (the key itself is in that file, for local use).
 *   INTERNAL_SECRET    the X-Internal-Secret of /ops/* (32 random bytes, base64url); outside
 *                      production, when unset, made and kept in demo-internal-secret.key. In
 *                      production without it /ops/* is not served (503).
 *   WEBHOOK_SIGNING_KEY  the key the SMS provider signs delivery receipts with (key id "sms-provider");
 *                      made and kept in demo-webhook.key outside production; without it in
 *                      production the webhook answers 503.
 *   Rate-limit counters, webhook nonces and idempotency keys live in Redis with REDIS_URL, else in
 *   the SQLite file demo-api.db next to the session database.
 *
 * Output: one line on stdout saying where it listens, then one JSON line per security event.
 * Events carry the request id, client IP, method, path, status and reason, plus a few safe facts
 * (a refused Host name, shortened; a CSP report without its query strings): never a body, a
 * cookie, a token or a secret. Notices (the development profile, the development certificate)
 * go to stderr.
 *
 * SIGTERM or SIGINT (Ctrl-C): the server stops accepting connections, lets requests in flight
 * finish, closes idle keep-alive connections, then the session store (and the Redis client) is
 * closed, and the demo exits 0.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { aegis, createApiKey } from 'aegis';
import { serve } from 'aegis/serve';
import { redisIdempotencyStore, redisNonceStore, redisRateLimitStore, redisSessionStore, sqliteIdempotencyStore, sqliteNonceStore, sqliteRateLimitStore, sqliteSessionStore } from 'aegis/stores';
import { API_SCOPES } from './api.js';
import { createDemo } from './app.js';

const port = readPort('PORT', 8443);
const redirectPort = readPort('HTTP_PORT', 8080);
const host = process.env.HOST || '127.0.0.1';

// The policy and the Express app (see app.js). In production the policy refuses to be built
// without `hosts`: the message lists every problem, and the demo exits 1.
const hosts = process.env.AEGIS_HOSTS ? process.env.AEGIS_HOSTS.split(',').map((name) => name.trim()) : undefined;
const tls = process.env.TLS_CERT && process.env.TLS_KEY ? { cert: process.env.TLS_CERT, key: process.env.TLS_KEY } : undefined;
// The profile decides how the session key may be found, so it is known first: from a policy built
// with the same settings (which also explains and exits here when production lacks `hosts`).
const production = startOrExplain(() => aegis({ quiet: true, sessions: false, ...(hosts ? { hosts } : {}) })).profile === 'production';
const sessionDb = process.env.SESSION_DB || '.aegis/demo-sessions.db';
const dataDir = dirname(sessionDb);
const key = keptSecret('SESSION_KEY', 'demo-session.key', 'session key');
const internalSecret = keptSecret('INTERNAL_SECRET', 'demo-internal-secret.key', 'internal secret');
const webhookKey = keptSecret('WEBHOOK_SIGNING_KEY', 'demo-webhook.key', 'webhook signing key');
const apiKeys = readApiKeys();
const redis = process.env.REDIS_URL ? await connectRedis(process.env.REDIS_URL) : undefined;
const store = key ? (redis ? redisSessionStore({ client: redis }) : openSqlite(sessionDb, (file) => sqliteSessionStore({ file }))) : undefined;
const apiDb = join(dataDir, 'demo-api.db');
const apiStores = redis
  ? { rateLimitStore: redisRateLimitStore({ client: redis }), nonceStore: redisNonceStore({ client: redis }), idempotencyStore: redisIdempotencyStore({ client: redis }) }
  : openSqlite(apiDb, (file) => ({ rateLimitStore: sqliteRateLimitStore({ file }), nonceStore: sqliteNonceStore({ file }), idempotencyStore: sqliteIdempotencyStore({ file }) }));
const api = { ...apiStores, apiKeys: apiKeys.lines, internalSecret: internalSecret?.value, webhookKey: webhookKey?.value };
const { app, policy } = startOrExplain(() => createDemo({ ...(hosts ? { hosts } : {}), api, ...(store && key ? { sessionStore: store, sessionKey: key.value } : { sessions: false }) }));
// After the policy's own notice (the development profile), which comes first on stderr.
for (const notice of [key?.notice, internalSecret?.notice, webhookKey?.notice, apiKeys.notice]) if (notice) process.stderr.write(notice);
if (!key) process.stderr.write('[demo] SESSION_KEY is not set: sign-in is turned off (its pages answer 503). Set it to 32 random bytes, base64url (`npx aegis secret`), to turn it on.\n');
if (!internalSecret) process.stderr.write('[demo] INTERNAL_SECRET is not set: /ops/* is not served (503).\n');
if (!webhookKey) process.stderr.write('[demo] WEBHOOK_SIGNING_KEY is not set: the delivery webhook answers 503.\n');

// Every security event (rejected Host, oversized body, CSP violation, HTTPS redirect…) as one JSON line.
policy.on('*', (event) => {
  process.stdout.write(`${JSON.stringify({ ...event, time: new Date(event.time).toISOString() })}\n`);
});

let server;
try {
  // serve() demonstrates the whole HTTPS set-up in one call:
  // - HTTPS on `port` with Mozilla's intermediate TLS profile (HTTP/1.1 only for an Express app);
  // - without a configured certificate, outside production: a self-signed certificate for
  //   localhost, 127.0.0.1 and ::1, made once and cached (it says so on stderr);
  // - a plain-HTTP listener on `redirectPort` that checks the Host and answers 308 to the same
  //   path on HTTPS;
  // - in production, a refusal to start an unsafe deployment (no certificate, for one).
  // Its own signal handling (handleSignals) is off: the demo closes the session store after the
  // server, before it exits (see below).
  server = await serve(app, policy, {
    port,
    redirectPort,
    host,
    tls,
    devCertificateDir: process.env.AEGIS_DEV_CERT_DIR || undefined,
    handleSignals: false,
  });
} catch (error) {
  // A port already in use, say: one line, exit 1.
  console.error(`Aegis demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

// Graceful shutdown: stop accepting, let requests in flight finish (their sessions are committed
// as they end), close idle keep-alive connections, then the store and the Redis client; exit 0.
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server
    .close()
    .then(() => Promise.all([store?.close?.(), ...Object.values(apiStores).map((s) => s.close())]))
    .then(() => (redis?.isReady ? redis.close() : redis?.destroy()))
    .catch((error) => console.error(`Aegis demo: while closing: ${error instanceof Error ? error.message : String(error)}`))
    .finally(() => process.exit(0));
};
// Before the listening line: whoever waits for that line may send a signal at once.
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

// The real ports, which differ from PORT and HTTP_PORT when those are 0.
process.stdout.write(`Aegis demo listening on ${server.url} (http://localhost:${server.redirectPort}/ redirects there)\n`);

/** Runs `build`, or prints why the policy was refused (AegisConfigError lists every problem) and exits 1. */
function startOrExplain(build) {
  try {
    return build();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

/**
 * A secret from the environment variable `name`, as `{ value, notice? }`. Outside production, when
 * it is unset, the one kept in `fileName` next to the SQLite file (made on first start, readable
 * by its owner only), so that a restart keeps it; `notice` says so. In production without the
 * variable: `undefined` (the feature that needs it is off).
 */
function keptSecret(name, fileName, label) {
  if (process.env[name]) return { value: process.env[name] };
  if (production) return undefined;
  const file = join(dataDir, fileName);
  try {
    mkdirSync(dataDir, { recursive: true });
    let made = false;
    try {
      // 'wx': only when it does not exist yet, so two demos started at once agree on one key.
      writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
      made = true;
    } catch (error) {
      if (error?.code !== 'EEXIST') throw error;
    }
    const value = readFileSync(file, 'utf8').trim();
    if (!/^[A-Za-z0-9_-]{43}$/.test(value)) {
      console.error(`${file} does not hold a key made by the demo: delete it, or set ${name}.`);
      process.exit(1);
    }
    const how = made ? `made a new ${label} in` : `using the ${label} kept in`;
    return { value, notice: `[demo] ${name} is not set: ${how} ${file} (development only; in production set ${name}, e.g. from \`npx aegis secret\`).\n` };
  } catch (error) {
    console.error(`Aegis demo could not keep its ${label} in ${file}: ${error instanceof Error ? error.message : String(error)}. Set ${name} instead.`);
    process.exit(1);
  }
}

/**
 * The API keys' stored lines, as `{ lines, notice? }`: API_KEYS (comma- or newline-separated);
 * outside production, when unset, one key made for local use and kept (key and stored line) in
 * demo-api-key.json next to the SQLite file; in production without API_KEYS, none (every API call 401).
 */
function readApiKeys() {
  if (process.env.API_KEYS) return { lines: process.env.API_KEYS.split(/[,\n]/).map((line) => line.trim()).filter(Boolean) };
  if (production) return { lines: [], notice: '[demo] API_KEYS is not set: the API accepts no key (401). Make one with `npx aegis key create --prefix demo --scope sms.send --scope sms.bulk --scope payments`.\n' };
  const file = join(dataDir, 'demo-api-key.json');
  try {
    mkdirSync(dataDir, { recursive: true });
    let made = false;
    try {
      const key = createApiKey({ prefix: 'demo', scopes: [...API_SCOPES] });
      writeFileSync(file, `${JSON.stringify({ key: key.key, stored: key.line })}\n`, { flag: 'wx', mode: 0o600 });
      made = true;
    } catch (error) {
      if (error?.code !== 'EEXIST') throw error;
    }
    const { stored } = JSON.parse(readFileSync(file, 'utf8'));
    return { lines: [stored], notice: `[demo] API_KEYS is not set: ${made ? 'made an API key, kept in' : 'using the API key kept in'} ${file} (development only).\n` };
  } catch (error) {
    console.error(`Aegis demo could not keep its API key in ${file}: ${error instanceof Error ? error.message : String(error)}. Set API_KEYS instead.`);
    process.exit(1);
  }
}

/** What `open(file)` returns (the SQLite stores in `file`), its directory created; or a message and exit 1. */
function openSqlite(file, open) {
  try {
    mkdirSync(dirname(file), { recursive: true });
    return open(file);
  } catch (error) {
    console.error(`Aegis demo could not open its database ${file}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

/**
 * A node-redis client for `url`, connected, or still trying after 5 s (Redis down: the demo starts
 * anyway, session pages answer 503, and the client reconnects by itself). Commands are not queued
 * while it is offline, so a request fails at once instead of hanging. Connection errors go to
 * stderr once each (never the URL, which may hold a password). A refused connection (a bad URL, a
 * wrong password) is a message and exit 1.
 */
async function connectRedis(url) {
  let createClient;
  try {
    ({ createClient } = await import('redis'));
  } catch {
    console.error('REDIS_URL is set, but the `redis` package is not installed: run `npm install redis`.');
    process.exit(1);
  }
  try {
    const client = createClient({ url, disableOfflineQueue: true });
    let lastError;
    client.on('error', (error) => {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== lastError) process.stderr.write(`[demo] Redis: ${message}\n`);
      lastError = message;
    });
    client.on('ready', () => {
      if (lastError !== undefined) process.stderr.write('[demo] Redis: connected\n');
      lastError = undefined;
    });
    const connecting = client.connect();
    let timer;
    const waited = await Promise.race([connecting.then(() => 'ready'), new Promise((resolve) => (timer = setTimeout(resolve, 5000, 'waiting')))]);
    clearTimeout(timer);
    if (waited === 'waiting') {
      process.stderr.write('[demo] Redis is not reachable yet: pages that need the session answer 503 until it is.\n');
      connecting.catch((error) => process.stderr.write(`[demo] Redis: gave up connecting: ${error instanceof Error ? error.message : String(error)}\n`));
    }
    return client;
  } catch (error) {
    console.error(`Aegis demo could not connect to Redis (REDIS_URL): ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

/** The environment variable `name` as a port number from 0 to 65535 (`fallback` when unset), or exit with a message. */
function readPort(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > 65535) {
    console.error(`${name} must be a number from 0 to 65535, got "${raw}".`);
    process.exit(1);
  }
  return value;
}
