/**
 * Redis (and Valkey) backends of the store contracts, over the application's own client.
 * @packageDocumentation
 */
export { redisSessionStore } from './session-store.js';
export type { RedisSessionStoreOptions } from './session-store.js';
export { fromIoredis, fromNodeRedis, luaScript, toScriptClient } from './client.js';
export type { IoredisLike, LuaScript, NodeRedisLike, RedisScriptClient } from './client.js';
