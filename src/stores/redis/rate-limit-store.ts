/**
 * The Redis rate-limit store: exact GCRA limits shared by many processes and machines through the
 * application's own Redis (or Valkey) client.
 */

import { show } from '../../core/config-error.js';
import { assertRateLimitKey, gcraCheck, gcraDecision } from '../rate-limit-store.js';
import type { GcraLimit, RateLimitDecision, RateLimitStore } from '../rate-limit-store.js';
import { luaScript } from './client.js';
import type { LuaScript, RedisScriptClient } from './client.js';
import { readRedisStoreOptions, withTimeout } from './options.js';
import type { RedisStoreOptions } from './options.js';

/** Options of {@link redisRateLimitStore}: the client, a key prefix (`<prefix>rl:<key>`), an operation timeout. */
export type RedisRateLimitStoreOptions = RedisStoreOptions;

/**
 * One GCRA decision, atomic on the server. KEYS[1] = `<prefix>rl:<key>`, holding the TAT as a
 * decimal integer of microseconds. ARGV, all decimal integers computed by the caller so the script
 * does as little as possible: now (µs), the TAT increment `interval × cost` (µs), the largest TAT
 * still allowed `now + burst window − interval × cost` (µs; allowed ⇔ `max(TAT, now) ≤ it`, the
 * same test as `used ≤ window`), and the TTL in ms (the burst window rounded up). Every value stays
 * below 2^53, so Lua's doubles compute exactly; the stored TAT is written with `%.0f` (Lua's
 * tostring would keep only 14 digits). Returns one INTEGER reply: the effective TAT when allowed,
 * `−1 − TAT` when denied (Redis converts a Lua number to an integer reply by truncation, exact here
 * since the TAT is a whole number below 2^53). The caller derives the decision from the TAT with the
 * same code as the other backends.
 */
const CONSUME: LuaScript = luaScript(`
local now = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or 0)
if not tat or tat < now then tat = now end
if tat > tonumber(ARGV[3]) then return -1 - tat end
redis.call('SET', KEYS[1], string.format('%.0f', tat + tonumber(ARGV[2])), 'PX', ARGV[4])
return tat
`);

/**
 * A {@link RateLimitStore} in Redis 6.2+, Redis 7 or Valkey: exact limits across every process
 * and machine that share the server.
 *
 * - **One key per limited key**: `<prefix>rl:<key>`, a string holding the GCRA TAT in whole
 *   microseconds since the epoch (see `src/stores/rate-limit-store.ts`).
 * - **One Lua script per decision** (EVALSHA, EVAL when the server's script cache lacks it): read,
 *   decide and write are atomic on the server and cost one round trip. A denied request writes nothing.
 * - **TTL**: an allowed request sets the key to expire after the limit's burst window
 *   (`intervalMs × burst`, rounded up to whole ms; PX), by when the key is back to a full burst
 *   anyway (`resetAfterMs` never exceeds it). It only collects garbage: the decision is always made
 *   against the caller's `now`, and a TAT in the past reads as absent.
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
  /** The last limit's interval and burst window (µs) and the strings sent for them (TAT increment at cost 1, TTL in ms), reused while the limit stays the same. */
  #intervalUs = NaN;
  #windowUs = NaN;
  #intervalArg = '';
  #ttlArg = '';

  constructor(
    readonly client: RedisScriptClient,
    readonly prefix: string,
    readonly timeoutMs: number,
  ) {}

  async consume(key: string, limit: GcraLimit, now: number, cost = 1): Promise<RateLimitDecision> {
    const intervalUs = gcraCheck(key, limit, now, cost);
    const nowUs = Math.round(now * 1000);
    const windowUs = intervalUs * limit.burst;
    if (intervalUs !== this.#intervalUs || windowUs !== this.#windowUs) {
      this.#intervalUs = intervalUs;
      this.#windowUs = windowUs;
      this.#intervalArg = String(intervalUs);
      this.#ttlArg = String(Math.ceil(windowUs / 1000));
    }
    const stepUs = intervalUs * cost;
    const reply = await this.#run(
      CONSUME,
      [`${this.prefix}rl:${key}`],
      [String(nowUs), cost === 1 ? this.#intervalArg : String(stepUs), String(nowUs + windowUs - stepUs), this.#ttlArg],
    );
    const value = typeof reply === 'number' || typeof reply === 'bigint' ? Number(reply) : NaN;
    if (!Number.isSafeInteger(value)) throw new Error(`Redis rate limit store: unexpected reply ${show(reply)}.`);
    const decision = gcraDecision(value < 0 ? -1 - value : value, nowUs, intervalUs, windowUs, cost);
    if (decision.allowed !== value >= 0) {
      throw new Error('Redis rate limit store: the server and this process decided differently; is another version of the store writing these keys?');
    }
    return decision;
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
