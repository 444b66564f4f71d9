/**
 * The Redis nonce store: replay protection shared by many processes and machines through the
 * application's own Redis (or Valkey) client.
 */

import { show } from '../../core/config-error.js';
import { assertNonceClaim, closedNonceStoreMessage } from '../nonce-store.js';
import type { NonceStore } from '../nonce-store.js';
import { luaScript } from './client.js';
import type { LuaScript, RedisScriptClient } from './client.js';
import { readRedisStoreOptions, withTimeout } from './options.js';
import type { RedisStoreOptions } from './options.js';

/** Options of {@link redisNonceStore}: the client, a key prefix (`<prefix>nonce:<nonce>`), an operation timeout. */
export type RedisNonceStoreOptions = RedisStoreOptions;

/**
 * One claim, atomic on the server. KEYS[1] = `<prefix>nonce:<nonce>`, holding the claim's
 * expiresAt (ms, as JavaScript wrote it: exact). ARGV = now, expiresAt, TTL in whole ms. A stored
 * claim later than `now` is a replay (0, nothing written); a value that is not a number is treated
 * as live (fail closed). Otherwise SET … PX ttl and 1.
 */
const CLAIM: LuaScript = luaScript(`
local stored = redis.call('GET', KEYS[1])
if stored then
  local s = tonumber(stored)
  if s == nil or s > tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`);

/**
 * A {@link NonceStore} in Redis 6.2+, Redis 7 or Valkey: replay protection across every process
 * and machine that share the server.
 *
 * - **One key per nonce**: `<prefix>nonce:<nonce>`, a string holding the claim's `expiresAt`.
 * - **One round trip, atomic**: a Lua script (EVALSHA, EVAL when the server's script cache lacks
 *   it) reads the key and, when it is absent or its `expiresAt` is at or before the caller's `now`,
 *   sets it with `PX expiresAt − now`. Of concurrent claims of one nonce exactly one wins; a replay
 *   writes nothing.
 * - **Clocks**: the caller's `now` decides while the key exists (exactly as the other backends),
 *   but the TTL is RELATIVE: Redis drops the key `expiresAt − now` ms of ITS real time after the
 *   claim, rounded up. Pass `Date.now()` as `now`, from clocks that agree (NTP): a claimant whose
 *   clock runs behind the claimer's by `d` ms sees a nonce forgotten `d` ms before the expiry it
 *   computes, so keep `expiresAt` a little beyond the instant the request's timestamp is refused.
 * - **Fail closed**: an unreachable Redis rejects within `timeout`; nothing answers `true` then.
 *
 * @param options `client` (required), `prefix` (default `'aegis:'`), `timeout` (default `'2s'`).
 * @throws {@link AegisConfigError} naming each invalid option and its fix.
 * @see https://redis.io/docs/latest/commands/set/
 * @example
 * import { createClient } from 'redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const nonces = redisNonceStore({ client, prefix: 'shop:' });
 * if (!(await nonces.claim(nonce, timestamp + 300_000, Date.now()))) reject('replayed');
 */
export function redisNonceStore(options: RedisNonceStoreOptions): NonceStore {
  const { client, prefix, timeoutMs } = readRedisStoreOptions(options, 'Redis nonce store');
  return new RedisNonceStore(client, prefix, timeoutMs);
}

class RedisNonceStore implements NonceStore {
  #closed = false;

  constructor(
    readonly client: RedisScriptClient,
    readonly prefix: string,
    readonly timeoutMs: number,
  ) {}

  async claim(nonce: string, expiresAt: number, now: number): Promise<boolean> {
    assertNonceClaim(nonce, expiresAt, now);
    if (this.#closed) throw new Error(closedNonceStoreMessage('Redis', 'redisNonceStore'));
    const args = [String(now), String(expiresAt), String(Math.ceil(expiresAt - now))];
    const reply = await withTimeout(this.client.evalScript(CLAIM, [`${this.prefix}nonce:${nonce}`], args), this.timeoutMs);
    if (reply === 1 || reply === 0) return reply === 1;
    throw new Error(`Redis nonce store: unexpected reply ${show(reply)}.`);
  }

  /** Marks the store closed (later claims reject); the application's client stays open. */
  async close(): Promise<void> {
    this.#closed = true;
  }
}
