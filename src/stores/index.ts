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
export { MAX_NONCE_LENGTH, NonceStoreFullError } from './nonce-store.js';
export type { NonceStore } from './nonce-store.js';
export { memoryNonceStore } from './memory/nonce-store.js';
export type { MemoryNonceStoreOptions } from './memory/nonce-store.js';
export { sqliteNonceStore } from './sqlite/nonce-store.js';
export type { SqliteNonceStoreOptions } from './sqlite/nonce-store.js';
export { IdempotencyStoreFullError, MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency-store.js';
export type { IdempotencyBegin, IdempotencyStore, StoredResponse } from './idempotency-store.js';
export { memoryIdempotencyStore } from './memory/idempotency-store.js';
export type { MemoryIdempotencyStoreOptions } from './memory/idempotency-store.js';
export { sqliteIdempotencyStore } from './sqlite/idempotency-store.js';
export type { SqliteIdempotencyStoreOptions } from './sqlite/idempotency-store.js';
export { redisIdempotencyStore, redisNonceStore, redisRateLimitStore, redisSessionStore } from './redis/index.js';
export type { IoredisLike, NodeRedisLike, RedisIdempotencyStoreOptions, RedisNonceStoreOptions, RedisRateLimitStoreOptions, RedisScriptClient, RedisSessionStoreOptions, RedisStoreOptions } from './redis/index.js';
