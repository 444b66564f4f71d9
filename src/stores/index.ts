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
export { redisSessionStore } from './redis/index.js';
export type { IoredisLike, NodeRedisLike, RedisScriptClient, RedisSessionStoreOptions } from './redis/index.js';
