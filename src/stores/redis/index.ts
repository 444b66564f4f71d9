/**
 * Redis (and Valkey) backends of the store contracts, over the application's own client.
 * @packageDocumentation
 */
export { redisSessionStore } from './session-store.js';
export type { RedisSessionStoreOptions } from './session-store.js';
export { redisRateLimitStore } from './rate-limit-store.js';
export type { RedisRateLimitStoreOptions } from './rate-limit-store.js';
export { redisIdempotencyStore } from './idempotency-store.js';
export type { RedisIdempotencyStoreOptions } from './idempotency-store.js';
export { redisNonceStore } from './nonce-store.js';
export type { RedisNonceStoreOptions } from './nonce-store.js';
export type { RedisStoreOptions } from './options.js';
export { fromIoredis, fromNodeRedis, luaScript, toScriptClient } from './client.js';
export type { IoredisLike, LuaScript, NodeRedisLike, RedisScriptClient } from './client.js';
