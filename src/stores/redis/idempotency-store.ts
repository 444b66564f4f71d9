/**
 * The Redis idempotency store: idempotency-key records shared by many processes and machines
 * through the application's own Redis (or Valkey) client.
 */

import { show } from '../../core/config-error.js';
import { beginRequest, completeRequest, newToken, parseHeaders, releaseRequest } from '../idempotency-store.js';
import type { IdempotencyBegin, IdempotencyStore, StoredResponse } from '../idempotency-store.js';
import { luaScript } from './client.js';
import type { LuaScript, RedisScriptClient } from './client.js';
import { readRedisStoreOptions, withTimeout } from './options.js';
import type { RedisStoreOptions } from './options.js';

/** Options of {@link redisIdempotencyStore}: the client, a key prefix (`<prefix>idem:<key>`), an operation timeout. */
export type RedisIdempotencyStoreOptions = RedisStoreOptions;

/**
 * begin, atomic on the server. KEYS[1] = `<prefix>idem:<key>`. ARGV = fingerprint, now (µs), lock
 * expiry (µs), lock TTL (whole ms), a fresh token. A record whose `exp` is at or before `now` reads
 * as absent, whatever its Redis TTL: the caller's clock decides. Returns { 'acquired' },
 * { 'mismatch' }, { 'running' } or { 'completed', status, headers JSON, body base64 }.
 */
const BEGIN: LuaScript = luaScript(`
local rec = redis.call('HMGET', KEYS[1], 'fp', 'token', 'exp', 'status', 'headers', 'body')
local exp = rec[3] and tonumber(rec[3])
if rec[1] and exp and exp > tonumber(ARGV[2]) then
  if rec[1] ~= ARGV[1] then return {'mismatch'} end
  if rec[2] or not rec[4] then return {'running'} end
  return {'completed', rec[4], rec[5], rec[6]}
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'token', ARGV[5], 'exp', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {'acquired'}
`);

/**
 * complete: when ARGV[1] is the record's token, drop the token, store the response and give the
 * record its lifetime. ARGV = token, record expiry (µs), TTL (whole ms), status, headers JSON,
 * body base64. Returns 1 when stored, 0 when the token no longer owns the key.
 */
const COMPLETE: LuaScript = luaScript(`
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[1], 'token')
redis.call('HSET', KEYS[1], 'exp', ARGV[2], 'status', ARGV[4], 'headers', ARGV[5], 'body', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`);

/** release: deletes the record when ARGV[1] is its token. Returns 1 when deleted, else 0. */
const RELEASE: LuaScript = luaScript(`
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`);

/**
 * An {@link IdempotencyStore} in Redis 6.2+, Redis 7 or Valkey: records shared by every process
 * and machine that use the server.
 *
 * - **One hash per key**: `<prefix>idem:<key>` with fields `fp` (fingerprint), `token` (the
 *   owner's token, only while running), `exp` (the lock's or the record's expiry instant, whole
 *   MICROSECONDS since the epoch; see `src/stores/idempotency-store.ts`) and, once completed,
 *   `status`, `headers` (JSON `[[name, value], …]`) and `body` (base64).
 * - **One Lua script per operation** (EVALSHA, EVAL when the server's script cache lacks it):
 *   read, decide and write are atomic on the server and cost one round trip, so of N concurrent
 *   `begin`s of one key, from any number of processes, exactly one is acquired.
 * - **TTL**: a running record expires after `lockMs` (PX), a completed one after `ttlMs`. Redis
 *   TTLs are real time, so the scripts also compare the stored `exp` with the caller's `now`: the
 *   injected clock decides, and the TTL only collects garbage. Once Redis has dropped a running
 *   record whose lock ran out, its owner's late `complete` resolves false.
 *
 * @param options `client` (required), `prefix` (default `'aegis:'`), `timeout` (default `'2s'`).
 * @throws {@link AegisConfigError} naming each invalid option and its fix.
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/
 * @see https://redis.io/docs/latest/develop/interact/programmability/eval-intro/
 * @example
 * import { createClient } from 'redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const idempotency = redisIdempotencyStore({ client, prefix: 'shop:' });
 */
export function redisIdempotencyStore(options: RedisIdempotencyStoreOptions): IdempotencyStore {
  const { client, prefix, timeoutMs } = readRedisStoreOptions(options, 'Redis idempotency store');
  return new RedisIdempotencyStore(client, prefix, timeoutMs);
}

class RedisIdempotencyStore implements IdempotencyStore {
  #closed = false;

  constructor(
    readonly client: RedisScriptClient,
    readonly prefix: string,
    readonly timeoutMs: number,
  ) {}

  async begin(key: string, fingerprint: string, now: number, lockMs: number): Promise<IdempotencyBegin> {
    const request = beginRequest(key, fingerprint, now, lockMs);
    const token = newToken();
    const args = [fingerprint, String(request.nowUs), String(request.expiresUs), String(request.lockMs), token];
    const reply = await this.#run(BEGIN, [this.#key(key)], args);
    if (!Array.isArray(reply)) throw unexpected(reply);
    switch (reply[0]) {
      case 'acquired':
        return { state: 'acquired', token };
      case 'running':
        return { state: 'running' };
      case 'mismatch':
        return { state: 'mismatch' };
      case 'completed': {
        const [, status, headers, body] = reply as unknown[];
        if (typeof headers !== 'string' || typeof body !== 'string' || !Number.isInteger(Number(status))) throw unexpected(reply);
        return { state: 'completed', response: { status: Number(status), headers: parseHeaders(headers), body: Buffer.from(body, 'base64') } };
      }
      default:
        throw unexpected(reply);
    }
  }

  async complete(key: string, token: string, response: StoredResponse, now: number, ttlMs: number): Promise<boolean> {
    const request = completeRequest(key, token, response, now, ttlMs);
    const body = Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength).toString('base64');
    const args = [token, String(request.expiresUs), String(request.ttlMs), String(response.status), JSON.stringify(response.headers), body];
    const reply = await this.#run(COMPLETE, [this.#key(key)], args);
    return Number(reply) === 1;
  }

  async release(key: string, token: string): Promise<void> {
    releaseRequest(key, token);
    await this.#run(RELEASE, [this.#key(key)], [token]);
  }

  /** Marks the store closed (later calls reject); the application's client stays open. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  #run(script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('This Redis idempotency store is closed; make a new one with redisIdempotencyStore().'));
    return withTimeout(this.client.evalScript(script, keys, args), this.timeoutMs);
  }

  #key(key: string): string {
    return `${this.prefix}idem:${key}`;
  }
}

function unexpected(reply: unknown): Error {
  return new Error(`Redis idempotency store: unexpected reply ${show(reply)}.`);
}
