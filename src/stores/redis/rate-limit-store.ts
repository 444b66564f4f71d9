/**
 * The Redis rate-limit store: exact GCRA limits shared by many processes and machines through the
 * application's own Redis (or Valkey) client.
 */

import { show } from '../../core/config-error.js';
import { assertRateLimitKey, gcraDecide, gcraRequest } from '../rate-limit-store.js';
import type { GcraLimit, RateLimitDecision, RateLimitStore } from '../rate-limit-store.js';
import { luaScript } from './client.js';
import type { LuaScript, RedisScriptClient } from './client.js';
import { readRedisStoreOptions, withTimeout } from './options.js';
import type { RedisStoreOptions } from './options.js';

/** Options of {@link redisRateLimitStore}: the client, a key prefix (`<prefix>rl:<key>`), an operation timeout. */
export type RedisRateLimitStoreOptions = RedisStoreOptions;

/**
 * One GCRA decision, atomic on the server. KEYS[1] = `<prefix>rl:<key>`, holding the TAT as a
 * decimal integer of microseconds. ARGV = now, interval, burst window (µs, integers) and cost.
 * Every value stays below 2^53, so Lua's doubles compute exactly; numbers are written with
 * `%.0f` (Lua's tostring would keep only 14 digits). Returns { allowed (1/0), effective TAT }; the
 * caller derives the decision from the TAT with the same code as the other backends.
 */
const CONSUME: LuaScript = luaScript(`
local now = tonumber(ARGV[1])
local tat = now
local stored = redis.call('GET', KEYS[1])
if stored then
  local s = tonumber(stored)
  if s and s > now then tat = s end
end
local new_tat = tat + tonumber(ARGV[2]) * tonumber(ARGV[4])
local used = new_tat - now
if used > tonumber(ARGV[3]) then
  return {0, string.format('%.0f', tat)}
end
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', string.format('%.0f', math.ceil(used / 1000)))
return {1, string.format('%.0f', tat)}
`);

/**
 * A {@link RateLimitStore} in Redis 6.2+, Redis 7 or Valkey: exact limits across every process
 * and machine that share the server.
 *
 * - **One key per limited key**: `<prefix>rl:<key>`, a string holding the GCRA TAT in whole
 *   microseconds since the epoch (see `src/stores/rate-limit-store.ts`).
 * - **One Lua script per decision** (EVALSHA, EVAL when the server's script cache lacks it): read,
 *   decide and write are atomic on the server and cost one round trip. A denied request writes nothing.
 * - **TTL**: an allowed request sets the key to expire after `resetAfterMs` (PX), when the key is
 *   back to a full burst anyway. It only collects garbage: the decision is always made against the
 *   caller's `now`, and a TAT in the past reads as absent.
 *
 * @param options `client` (required), `prefix` (default `'aegis:'`), `timeout` (default `'2s'`).
 * @throws {@link AegisConfigError} naming each invalid option and its fix.
 * @see https://redis.io/docs/latest/develop/interact/programmability/eval-intro/
 * @example
 * import { createClient } from 'redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const limits = redisRateLimitStore({ client, prefix: 'shop:' });
 */
export function redisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const { client, prefix, timeoutMs } = readRedisStoreOptions(options, 'Redis rate limit store');
  return new RedisRateLimitStore(client, prefix, timeoutMs);
}

/** Deletes the key. */
const RESET: LuaScript = luaScript(`redis.call('DEL', KEYS[1])
return 1`);

class RedisRateLimitStore implements RateLimitStore {
  #closed = false;

  constructor(
    readonly client: RedisScriptClient,
    readonly prefix: string,
    readonly timeoutMs: number,
  ) {}

  async consume(key: string, limit: GcraLimit, now: number, cost = 1): Promise<RateLimitDecision> {
    const request = gcraRequest(key, limit, now, cost);
    const args = [request.nowUs, request.intervalUs, request.windowUs, request.cost].map(String);
    const reply = await this.#run(CONSUME, [this.#key(key)], args);
    if (!Array.isArray(reply) || reply.length !== 2) throw new Error(`Redis rate limit store: unexpected reply ${show(reply)}.`);
    const outcome = gcraDecide(Number(reply[1]), request);
    if (outcome.decision.allowed !== (Number(reply[0]) === 1)) {
      throw new Error('Redis rate limit store: the server and this process decided differently; is another version of the store writing these keys?');
    }
    return outcome.decision;
  }

  async reset(key: string): Promise<void> {
    assertRateLimitKey(key);
    await this.#run(RESET, [this.#key(key)], []);
  }

  /** Marks the store closed (later calls reject); the application's client stays open. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  #run(script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('This Redis rate limit store is closed; make a new one with redisRateLimitStore().'));
    return withTimeout(this.client.evalScript(script, keys, args), this.timeoutMs);
  }

  #key(key: string): string {
    return `${this.prefix}rl:${key}`;
  }
}
