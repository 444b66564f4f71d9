/**
 * The Redis session store: sessions shared by many processes and machines through the
 * application's own Redis (or Valkey) client.
 */

import { show } from '../../core/config-error.js';
import { assertNow, assertSessionChange, assertSessionId, assertSessionRecord, SessionIdTaken } from '../session-store.js';
import type { SessionChange, SessionRecord, SessionStore } from '../session-store.js';
import type { RedisScriptClient } from './client.js';
import { readRedisStoreOptions, withTimeout } from './options.js';
import type { RedisStoreOptions } from './options.js';
import { CREATE, DESTROY, DESTROY_BY_USER, GET, LIST_BY_USER, ROTATE, UPDATE } from './session-scripts.js';

/** Options of {@link redisSessionStore}: the client, a key prefix (`<prefix>sess:<id>`), an operation timeout. */
export type RedisSessionStoreOptions = RedisStoreOptions;

const DATA_FIELD = 'd:';

/**
 * A {@link SessionStore} in Redis 6.2+, Redis 7 or Valkey, for sessions shared by several
 * processes or machines: a revocation made by one instance is seen by every other on its next call.
 *
 * Keys: `<prefix>sess:<id>` is a hash (fields `c`, `i`, `a` for createdAt and the idle and absolute
 * deadlines, `u` for the user id, and one `d:<key>` field per data key holding its JSON value), so
 * the contract's key-level merge is HSET/HDEL of fields; `<prefix>user:<userId>` is the set of that
 * user's session ids, pruned of gone ids lazily. Every operation is ONE Lua script (EVALSHA, with
 * EVAL when the script is not cached yet): atomic on the server and one round trip. Keys carry a
 * TTL until the earlier deadline (relative to the caller's `now`, or to the record's `createdAt`
 * when storing a record) that slides with the idle deadline; it only collects garbage, and liveness
 * is always checked against the caller's `now`. The user index's TTL never falls below a member's.
 *
 * Only core commands and EVAL/EVALSHA are used: no modules, no functions API.
 *
 * @param options `client` (required) and `prefix` (default `'aegis:'`).
 * @throws {@link AegisConfigError} naming each invalid option and its fix.
 * @see https://redis.io/docs/latest/develop/interact/programmability/eval-intro/
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html
 * @example
 * import { createClient } from 'redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const sessions = redisSessionStore({ client, prefix: 'shop:' });
 */
export function redisSessionStore(options: RedisSessionStoreOptions): SessionStore {
  const { client, prefix, timeoutMs } = readRedisStoreOptions(options, 'Redis session store');
  return new RedisSessionStore(client, prefix, timeoutMs);
}

class RedisSessionStore implements SessionStore {
  #closed = false;
  /** The prefix the scripts derive key names with: the client's own key prefix (ioredis `keyPrefix`), then ours. */
  readonly #scriptPrefix: string;

  constructor(
    readonly client: RedisScriptClient,
    readonly prefix: string,
    readonly timeoutMs: number,
  ) {
    this.#scriptPrefix = (client.keyPrefix ?? '') + prefix;
  }

  async get(id: string, now: number): Promise<SessionRecord | undefined> {
    assertSessionId(id);
    assertNow(now);
    const reply = await this.#run(GET, [this.#sessionKey(id)], [String(now)]);
    return reply === null ? undefined : decodeRecord(reply);
  }

  async create(id: string, record: SessionRecord): Promise<void> {
    assertSessionId(id);
    assertSessionRecord(record);
    const created = await this.#run(CREATE, [this.#sessionKey(id)], [this.#scriptPrefix, id, ...encodeRecord(record)]);
    if (Number(created) !== 1) throw new SessionIdTaken();
  }

  async update(id: string, change: SessionChange, now: number): Promise<SessionRecord | undefined> {
    assertSessionId(id);
    assertSessionChange(change);
    assertNow(now);
    const sets: string[] = [];
    const unsets: string[] = [];
    for (const [key, value] of Object.entries(change.set ?? {})) {
      const json = encodeValue(value);
      if (json === undefined) unsets.push(DATA_FIELD + key);
      else sets.push(DATA_FIELD + key, json);
    }
    for (const key of change.unset ?? []) unsets.push(DATA_FIELD + key);
    const userMode = change.userId === undefined ? '' : change.userId === null ? '-' : '=';
    const user = typeof change.userId === 'string' ? change.userId : '';
    const idle = change.idleExpiresAt === undefined ? '' : String(change.idleExpiresAt);
    const args = [this.#scriptPrefix, id, String(now), userMode, user, idle, String(sets.length / 2), ...sets, ...unsets];
    const reply = await this.#run(UPDATE, [this.#sessionKey(id)], args);
    return reply === null ? undefined : decodeRecord(reply);
  }

  async rotate(oldId: string, newId: string, record: SessionRecord): Promise<boolean> {
    assertSessionId(oldId, 'oldId');
    assertSessionId(newId, 'newId');
    assertSessionRecord(record);
    const keys = [this.#sessionKey(oldId), this.#sessionKey(newId)];
    const outcome = Number(await this.#run(ROTATE, keys, [this.#scriptPrefix, oldId, newId, ...encodeRecord(record)]));
    if (outcome === -1) throw new SessionIdTaken();
    return outcome === 1;
  }

  async destroy(id: string): Promise<boolean> {
    assertSessionId(id);
    return Number(await this.#run(DESTROY, [this.#sessionKey(id)], [this.#scriptPrefix, id])) === 1;
  }

  async listByUser(userId: string, now: number): Promise<Array<readonly [string, SessionRecord]>> {
    assertSessionId(userId, 'userId');
    assertNow(now);
    const reply = await this.#run(LIST_BY_USER, [this.#userKey(userId)], [this.#scriptPrefix, userId, String(now)]);
    const flat = reply as unknown[];
    const sessions: Array<readonly [string, SessionRecord]> = [];
    for (let n = 0; n + 1 < flat.length; n += 2) sessions.push([String(flat[n]), decodeRecord(flat[n + 1])]);
    return sessions.sort(([idA, a], [idB, b]) => a.createdAt - b.createdAt || (idA < idB ? -1 : idA > idB ? 1 : 0));
  }

  async destroyByUser(userId: string): Promise<number> {
    assertSessionId(userId, 'userId');
    return Number(await this.#run(DESTROY_BY_USER, [this.#userKey(userId)], [this.#scriptPrefix, userId]));
  }

  /** Marks the store closed (later calls reject); the application's client stays open. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  #run(script: Parameters<RedisScriptClient['evalScript']>[0], keys: string[], args: string[]): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('This Redis session store is closed; make a new one with redisSessionStore().'));
    return withTimeout(this.client.evalScript(script, keys, args), this.timeoutMs);
  }

  #sessionKey(id: string): string {
    return `${this.prefix}sess:${id}`;
  }

  #userKey(userId: string): string {
    return `${this.prefix}user:${userId}`;
  }
}

/** A record as ARGV: c, i, a, hasUser, user, then `d:<key>`/JSON pairs. */
function encodeRecord(record: SessionRecord): string[] {
  const args = [String(record.createdAt), String(record.idleExpiresAt), String(record.absoluteExpiresAt)];
  args.push(...(record.userId === undefined ? ['0', ''] : ['1', record.userId]));
  for (const [key, value] of Object.entries(record.data)) {
    const json = encodeValue(value);
    if (json !== undefined) args.push(DATA_FIELD + key, json);
  }
  return args;
}

/** JSON text of a data value; `undefined` for a value JSON drops (undefined, a function), which is then not stored. */
function encodeValue(value: unknown): string | undefined {
  return JSON.stringify(value) as string | undefined;
}

/** A hash reply (a flat field/value list) as a fresh record. */
function decodeRecord(reply: unknown): SessionRecord {
  if (!Array.isArray(reply)) throw new Error(`Redis session store: unexpected reply ${show(reply)}.`);
  const data = new Map<string, unknown>();
  let userId: string | undefined;
  let createdAt = NaN;
  let idleExpiresAt = NaN;
  let absoluteExpiresAt = NaN;
  for (let n = 0; n + 1 < reply.length; n += 2) {
    const field = String(reply[n]);
    const value = String(reply[n + 1]);
    if (field.startsWith(DATA_FIELD)) data.set(field.slice(DATA_FIELD.length), JSON.parse(value));
    else if (field === 'c') createdAt = Number(value);
    else if (field === 'i') idleExpiresAt = Number(value);
    else if (field === 'a') absoluteExpiresAt = Number(value);
    else if (field === 'u') userId = value;
  }
  // Object.fromEntries keeps keys such as `__proto__` as plain own properties.
  const record: SessionRecord = { data: Object.fromEntries(data), createdAt, idleExpiresAt, absoluteExpiresAt };
  return userId === undefined ? record : { ...record, userId };
}
