/**
 * Store contracts and their backends (`aegis/stores`).
 * @packageDocumentation
 */
export { SessionIdTaken } from './session-store.js';
export type { SessionChange, SessionRecord, SessionStore } from './session-store.js';
export { memorySessionStore } from './memory/session-store.js';
export type { MemorySessionStoreOptions } from './memory/session-store.js';
export { sqliteSessionStore } from './sqlite/session-store.js';
export type { SqliteSessionStoreOptions } from './sqlite/session-store.js';
export { MAX_RATE_LIMIT_KEY_LENGTH } from './rate-limit-store.js';
export type { GcraLimit, RateLimitDecision, RateLimitStore } from './rate-limit-store.js';
export { memoryRateLimitStore } from './memory/rate-limit-store.js';
export type { MemoryRateLimitStoreOptions } from './memory/rate-limit-store.js';
export { sqliteRateLimitStore } from './sqlite/rate-limit-store.js';
export type { SqliteRateLimitStoreOptions } from './sqlite/rate-limit-store.js';
export { redisRateLimitStore, redisSessionStore } from './redis/index.js';
export type { IoredisLike, NodeRedisLike, RedisRateLimitStoreOptions, RedisScriptClient, RedisSessionStoreOptions, RedisStoreOptions } from './redis/index.js';
