/**
 * The Lua scripts of the Redis session store: one per operation, so each is atomic on the server
 * and costs one round trip. Layout (documented in `session-store.ts`):
 *
 * - `<prefix>sess:<id>`: a hash. Fields `c` (createdAt), `i` (idleExpiresAt), `a`
 *   (absoluteExpiresAt), `u` (userId, absent when anonymous) and one `d:<key>` field per data key
 *   holding that value as JSON. A key-level merge is then plain HSET/HDEL on fields.
 * - `<prefix>user:<userId>`: a set of session ids. Its TTL is kept >= every member's TTL, so it
 *   never expires before a session it indexes; ids of gone sessions are pruned lazily.
 *
 * TTLs are relative (PEXPIRE deadline − reference, reference = the caller's `now`, or the record's
 * `createdAt` for create and rotate), so the application's clock stays authoritative and a skewed
 * Redis clock cannot end a session early. The TTL only collects garbage: liveness is always decided
 * against the caller's `now` (`now < min(i, a)`).
 *
 * Index keys are derived inside the scripts from ARGV's prefix (not declared in KEYS): fine on one
 * server, a primary with replicas, or Sentinel. On Redis Cluster every key must hash to one slot:
 * give the store a prefix with a hash tag, e.g. `'{aegis}:'`.
 * @internal
 */

import { luaScript } from './client.js';

const PRELUDE = `
local function deadline(key)
  local t = redis.call('HMGET', key, 'i', 'a')
  if not t[1] then return nil end
  return math.min(tonumber(t[1]), tonumber(t[2]))
end
local function ttl(dl, ref)
  local ms = math.ceil(dl - ref)
  if ms < 1 then ms = 1 end
  return ms
end
local function index_add(prefix, user, id, ms)
  local k = prefix .. 'user:' .. user
  redis.call('SADD', k, id)
  if redis.call('PTTL', k) < ms then redis.call('PEXPIRE', k, ms) end
end
local function index_remove(prefix, user, id)
  redis.call('SREM', prefix .. 'user:' .. user, id)
end
-- Writes a whole record from ARGV[from..]: c, i, a, hasUser ('1'/'0'), user, then field/value pairs.
local function write(key, prefix, id, from)
  local c, i, a, has_user, user = ARGV[from], ARGV[from + 1], ARGV[from + 2], ARGV[from + 3], ARGV[from + 4]
  redis.call('HSET', key, 'c', c, 'i', i, 'a', a)
  if has_user == '1' then redis.call('HSET', key, 'u', user) end
  for n = from + 5, #ARGV, 2 do redis.call('HSET', key, ARGV[n], ARGV[n + 1]) end
  local ms = ttl(math.min(tonumber(i), tonumber(a)), tonumber(c))
  redis.call('PEXPIRE', key, ms)
  if has_user == '1' then index_add(prefix, user, id, ms) end
end
`;

/** KEYS: sess. ARGV: now. Returns the hash (flat field/value list) or nil when absent or expired. */
export const GET = luaScript(`${PRELUDE}
local dl = deadline(KEYS[1])
if not dl or tonumber(ARGV[1]) >= dl then return false end
return redis.call('HGETALL', KEYS[1])
`);

/** KEYS: sess. ARGV: prefix, id, then the record (see write). Returns 1, or 0 when the id is taken. */
export const CREATE = luaScript(`${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
write(KEYS[1], ARGV[1], ARGV[2], 3)
return 1
`);

/**
 * KEYS: old sess, new sess. ARGV: prefix, oldId, newId, then the record. Returns 1 when rotated,
 * 0 when the old id is not stored, -1 when the new id is taken (nothing changed).
 */
export const ROTATE = luaScript(`${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
local old_user = redis.call('HGET', KEYS[1], 'u')
if old_user then index_remove(ARGV[1], old_user, ARGV[2]) end
redis.call('DEL', KEYS[1])
write(KEYS[2], ARGV[1], ARGV[3], 4)
return 1
`);

/**
 * KEYS: sess. ARGV: prefix, id, now, user mode ('' keep, '-' clear, '=' set), user, idle ('' keep),
 * number of set pairs, the set field/value pairs, then the fields to delete (after the sets).
 * Returns the merged hash, or nil (nothing written) when absent or expired at now.
 */
export const UPDATE = luaScript(`${PRELUDE}
local key, prefix, id, now = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3])
local dl = deadline(key)
if not dl or now >= dl then return false end
local sets = tonumber(ARGV[7])
for n = 8, 7 + 2 * sets, 2 do redis.call('HSET', key, ARGV[n], ARGV[n + 1]) end
for n = 8 + 2 * sets, #ARGV do redis.call('HDEL', key, ARGV[n]) end
local mode, user = ARGV[4], ARGV[5]
local old_user = redis.call('HGET', key, 'u')
if mode == '-' and old_user then
  redis.call('HDEL', key, 'u')
  index_remove(prefix, old_user, id)
elseif mode == '=' and old_user ~= user then
  if old_user then index_remove(prefix, old_user, id) end
  redis.call('HSET', key, 'u', user)
end
if ARGV[6] ~= '' then redis.call('HSET', key, 'i', ARGV[6]) end
local ms = ttl(deadline(key), now)
redis.call('PEXPIRE', key, ms)
local current_user = redis.call('HGET', key, 'u')
if current_user then index_add(prefix, current_user, id, ms) end
return redis.call('HGETALL', key)
`);

/** KEYS: sess. ARGV: prefix, id. Returns 1 when a session was stored, else 0. */
export const DESTROY = luaScript(`${PRELUDE}
local user = redis.call('HGET', KEYS[1], 'u')
if user then index_remove(ARGV[1], user, ARGV[2]) end
return redis.call('DEL', KEYS[1])
`);

/**
 * KEYS: user index. ARGV: prefix, userId, now. Returns a flat list id, hash, id, hash… of the
 * user's sessions live at now (any order); prunes ids whose session is gone or now someone else's.
 */
export const LIST_BY_USER = luaScript(`${PRELUDE}
local prefix, user, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = prefix .. 'sess:' .. id
  local t = redis.call('HMGET', key, 'u', 'i', 'a')
  if t[1] ~= user then
    redis.call('SREM', KEYS[1], id)
  elseif now < math.min(tonumber(t[2]), tonumber(t[3])) then
    out[#out + 1] = id
    out[#out + 1] = redis.call('HGETALL', key)
  end
end
return out
`);

/** KEYS: user index. ARGV: prefix, userId. Destroys every session of the user and the index; returns how many. */
export const DESTROY_BY_USER = luaScript(`${PRELUDE}
local prefix, user, count = ARGV[1], ARGV[2], 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = prefix .. 'sess:' .. id
  if redis.call('HGET', key, 'u') == user then
    count = count + redis.call('DEL', key)
  end
end
redis.call('DEL', KEYS[1])
return count
`);
