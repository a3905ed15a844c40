import { CHANGE_MESSAGE_LUA } from './redis-change.message';

/**
 * Lua scripts for what the registry decides rather than the instances: the control hash (health, an
 * operator's overrides), leadership of the health checks, and the expiry pressure and history
 * self-preservation weighs. Key layout: see `redis.scripts.ts`.
 *
 * A control update is computed in JS with the shared helpers of `instance.fields.ts` (so every store
 * decides alike) and written with a compare-and-set: {@link READ_CONTROL_SCRIPT} reads the instance and
 * its control, {@link WRITE_CONTROL_SCRIPT} writes the new control only if neither moved in between.
 * @internal
 */

/** Matches an instance JSON's name and `registeredAt` (which tells one registration of an id from the next). */
const IDENTITY = `
local function identity(stored)
  return string.match(stored, '^{"id":"[^"]*","name":"([^"]*)"'),
    string.match(stored, '"registeredAt":"([^"]*)","lastHeartbeat":"[^"]*"}$')
end
`;

/** KEYS: instance, control. ARGV: name, id. Returns { json, control } (`''`: none), or {} when `name` holds no `id`. */
export const READ_CONTROL_SCRIPT = `${IDENTITY}
local stored = redis.call('GET', KEYS[1])
if not stored or identity(stored) ~= ARGV[1] then return {} end
return {stored, redis.call('HGET', KEYS[2], ARGV[2]) or ''}
`;

/**
 * KEYS: instance, control, revision. ARGV: name, id, registeredAt, expectedControl, control, announce (`1`
 * bumps the revision and publishes the change), channel. `''` stands for no control (and writing it deletes the field).
 * Returns { 1, revision, json, control, message } when written (message: the change message, when announced);
 * { -1, 0, json, currentControl } when the instance or its control moved since it was read (the caller decides
 * again from these); {} when it is gone.
 */
export const WRITE_CONTROL_SCRIPT = `${IDENTITY}${CHANGE_MESSAGE_LUA}
local stored = redis.call('GET', KEYS[1])
if not stored then return {} end
local name, registeredAt = identity(stored)
if name ~= ARGV[1] then return {} end
local current = redis.call('HGET', KEYS[2], ARGV[2]) or ''
if registeredAt ~= ARGV[3] or current ~= ARGV[4] then return {-1, 0, stored, current} end
if ARGV[5] == '' then redis.call('HDEL', KEYS[2], ARGV[2]) else redis.call('HSET', KEYS[2], ARGV[2], ARGV[5]) end
if ARGV[6] == '1' then
  local revision = redis.call('INCR', KEYS[3])
  changed(ARGV[1], ARGV[2], current, stored, ARGV[5])
  return {1, revision, stored, ARGV[5], publish(ARGV[7], revision)}
end
return {1, tonumber(redis.call('GET', KEYS[3]) or '0'), stored, ARGV[5]}
`;

/**
 * KEYS: leader. ARGV: owner, ttlMs. Takes the lease when nobody holds it (SET NX PX), renews it when
 * `owner` holds it (PEXPIRE); returns 1 when `owner` holds it now, 0 when another replica does.
 */
export const CLAIM_LEADERSHIP_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/**
 * KEYS: deadlines. Returns { due, registered, nowMs }: members past their deadline on Redis's clock, all
 * members, and that clock's time (the bound the sweep then keeps to).
 */
export const EXPIRY_PRESSURE_SCRIPT = `
local clock = redis.call('TIME')
local nowMs = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
return {redis.call('ZCOUNT', KEYS[1], '-inf', nowMs), redis.call('ZCARD', KEYS[1]), nowMs}
`;

/**
 * ARGV: prefix, seconds. Returns { unixSeconds, microseconds, renewal…, eviction… }: Redis's clock, then the
 * counts of the last `seconds` seconds (the running one last) from `renewals:<s>` and `evictions:<s>`, 0
 * where a counter is missing. One MGET, however many seconds (at most a few hundred: see the caller).
 */
export const EXPIRY_HISTORY_SCRIPT = `
local clock = redis.call('TIME')
local second, seconds = tonumber(clock[1]), tonumber(ARGV[2])
local keys = {}
for _, kind in ipairs({':renewals:', ':evictions:'}) do
  for s = second - seconds + 1, second do keys[#keys + 1] = ARGV[1] .. kind .. s end
end
local out = {second, tonumber(clock[2])}
for i, value in ipairs(redis.call('MGET', unpack(keys))) do out[i + 2] = tonumber(value) or 0 end
return out
`;
