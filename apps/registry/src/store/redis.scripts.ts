import { CHANGE_MESSAGE_LUA } from './redis-change.message';

/**
 * Lua scripts of the Redis store: each runs atomically, so one call is one round trip and two
 * replicas can never interleave inside a registration, a deregistration or a sweep. Keys, under
 * `<prefix>:` —
 *
 * - `instance:<id>`   the instance's JSON as it registered; expires `ttl + grace` after its last renewal
 *                     (a safety net when no replica sweeps; eviction on time is the sweep's job)
 * - `control:<name>`  hash id → what the registry decided about the instance (status, check output, an
 *                     operator's overrides) as the JSON fields it overrides (`controlJson`), only for
 *                     instances that have any. A renewal never writes it; every script that returns an
 *                     instance returns its control beside it, and JS appends it (`withControlJson`: a
 *                     string splice, so lists still parse in one go). No expiry of its own: removed
 *                     with the instance, and cleared when an id registers anew
 * - `service:<name>`  sorted set of the service's ids, scored by the revision that created them
 * - `services`        sorted set of service names, same scoring (listing order = registration order)
 * - `deadlines`       sorted set of `<name>/<id>` scored by expiry time in ms, on Redis's own clock
 * - `revision`        INCR counter; every bump is published on `<prefix>:changes` with the changes that
 *                     made it (see `redis-change.message.ts`)
 * - `checks-leader`   the replica that runs the health checks (see `redis-control.scripts.ts`)
 * - `renewals:<s>`    renewals of registered instances in the unix second `<s>` of Redis's clock, by every
 *                     replica; `evictions:<s>` the same for instances the sweeps evicted. Counters that expire
 *                     {@link COUNT_TTL_SECONDS} after their second: self-preservation's shared history
 *
 * The stored JSON is `<body>"registeredAt":"…","lastHeartbeat":"…"}` where `<body>` is the canonical
 * JSON of every other field (see `instance.json.ts`), so "did this renewal change anything" is one
 * string comparison. Ids and names match patterns without quotes, which makes the patterns below safe.
 * @internal
 */

/**
 * How long a per-second counter (`renewals:<s>`, `evictions:<s>`) lives: beyond the longest history
 * self-preservation reads (two minutes and a second), so a counter never expires while it is still read.
 */
export const COUNT_TTL_SECONDS = 180;

/** Adds `n` to the counter `key` of the second it names, which expires after {@link COUNT_TTL_SECONDS} (set once, at its first count). */
const COUNT = `
local function count(key, n)
  if redis.call('INCRBY', key, n) == n then redis.call('EXPIRE', key, ${COUNT_TTL_SECONDS}) end
end
`;

/** Redis time in ms; scripts that read TIME and then write need effect replication on Redis < 7. */
const NOW_MS = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local clock = redis.call('TIME')
local nowMs = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
`;

/**
 * KEYS: instance, service, services, deadlines, revision, control. ARGV: name, id, body, nowIso, ttlMs, graceMs,
 * channel, renewalsPrefix (`<prefix>:renewals:`).
 * Returns { code, revision, json, control, message }: code 0 renewed, 1 changed, 2 created, -1 id held by
 * another name (json = that name); control `''` when there is none; message: the change message published (not on a renewal). A renewal or a change keeps the
 * control; a creation clears whatever an earlier instance with this id was told (its key expired
 * before any sweep, and the sweep is what removes a control). A renewal or a change (an instance
 * already registered) counts in `renewals:<second>`, here so that counting costs no round trip.
 */
export const UPSERT_SCRIPT = `${NOW_MS}${COUNT}${CHANGE_MESSAGE_LUA}
local stored = redis.call('GET', KEYS[1])
local registeredAt = ARGV[4]
local code = 2
if stored then
  local name = string.match(stored, '^{"id":"[^"]*","name":"([^"]*)"')
  if name ~= ARGV[1] then return {-1, 0, name or ''} end
  local body, since = string.match(stored, '^(.*)"registeredAt":"([^"]*)","lastHeartbeat":"[^"]*"}$')
  registeredAt = since
  if body == ARGV[3] then code = 0 else code = 1 end
else
  redis.call('HDEL', KEYS[6], ARGV[2])
end
local json = ARGV[3] .. '"registeredAt":"' .. registeredAt .. '","lastHeartbeat":"' .. ARGV[4] .. '"}'
local ttl = tonumber(ARGV[5])
redis.call('SET', KEYS[1], json, 'PX', ttl + tonumber(ARGV[6]))
redis.call('ZADD', KEYS[4], nowMs + ttl, ARGV[1] .. '/' .. ARGV[2])
local control = ''
if code ~= 2 then
  control = redis.call('HGET', KEYS[6], ARGV[2]) or ''
  count(ARGV[8] .. clock[1], 1)
end
if code == 0 then
  return {0, tonumber(redis.call('GET', KEYS[5]) or '0'), json, control}
end
local revision = redis.call('INCR', KEYS[5])
redis.call('ZADD', KEYS[2], 'NX', revision, ARGV[2])
redis.call('ZADD', KEYS[3], 'NX', revision, ARGV[1])
-- A creation clears any control: the instance was not listed (its key had expired, if it was there at all).
local before = false
if code == 1 then before = control end
changed(ARGV[1], ARGV[2], before, json, control)
return {code, revision, json, control, publish(ARGV[7], revision)}
`;

/** Removes one member everywhere; shared by deregistration and the sweep. Expects `prefix` and `nameOf`. */
const REMOVE = `
local function remove(name, id)
  local service = prefix .. ':service:' .. name
  redis.call('DEL', prefix .. ':instance:' .. id)
  redis.call('HDEL', prefix .. ':control:' .. name, id)
  redis.call('ZREM', service, id)
  if redis.call('ZCARD', service) == 0 then redis.call('ZREM', prefix .. ':services', name) end
  redis.call('ZREM', prefix .. ':deadlines', name .. '/' .. id)
end
`;

/** ARGV: prefix, name, id, channel. Returns { revision, message } (the change message published), or {} when `name` holds no `id`. */
export const DEREGISTER_SCRIPT = `${CHANGE_MESSAGE_LUA}
local prefix = ARGV[1]
${REMOVE}
local stored = redis.call('GET', prefix .. ':instance:' .. ARGV[3])
local listed = redis.call('ZSCORE', prefix .. ':service:' .. ARGV[2], ARGV[3])
if stored then
  if string.match(stored, '^{"id":"[^"]*","name":"([^"]*)"') ~= ARGV[2] then return {} end
elseif not listed then
  return {}
end
-- Listed only while its key lives (see LIST).
local before = false
if stored then before = redis.call('HGET', prefix .. ':control:' .. ARGV[2], ARGV[3]) or '' end
remove(ARGV[2], ARGV[3])
local revision = redis.call('INCR', prefix .. ':revision')
changed(ARGV[2], ARGV[3], before, false, false)
return {revision, publish(ARGV[4], revision)}
`;

/**
 * ARGV: prefix, channel, batch, dueBy (ms; `''`: now). Evicts up to `batch` members whose deadline passed
 * by `dueBy` (capped at now) — the instant self-preservation's pressure was counted at, so a sweep never
 * evicts more than was weighed — and counts them in `evictions:<second>`. Returns { revision } when none was
 * due, else { revision, message, evictedJson, control, … } (message: the change message published; a member
 * whose key is already gone gives `name/id`; control `''` when there is none).
 */
export const SWEEP_SCRIPT = `${NOW_MS}${COUNT}${CHANGE_MESSAGE_LUA}
local prefix = ARGV[1]
${REMOVE}
local dueBy = nowMs
if ARGV[4] ~= '' then dueBy = math.min(nowMs, tonumber(ARGV[4])) end
local due = redis.call('ZRANGEBYSCORE', prefix .. ':deadlines', '-inf', dueBy, 'LIMIT', 0, tonumber(ARGV[3]))
local revision = tonumber(redis.call('GET', prefix .. ':revision') or '0')
local out = {revision, ''}
if #due == 0 then return {revision} end
for _, member in ipairs(due) do
  local slash = string.find(member, '/', 1, true)
  local name, id = string.sub(member, 1, slash - 1), string.sub(member, slash + 1)
  local stored = redis.call('GET', prefix .. ':instance:' .. id)
  local control = redis.call('HGET', prefix .. ':control:' .. name, id) or ''
  out[#out + 1] = stored or member
  out[#out + 1] = control
  local before = false
  if stored then before = control end
  changed(name, id, before, false, false)
  remove(name, id)
end
count(prefix .. ':evictions:' .. clock[1], #due)
revision = redis.call('INCR', prefix .. ':revision')
out[1] = revision
out[2] = publish(ARGV[2], revision)
return out
`;

/**
 * A service's instance JSONs in registration order (MGET in chunks: unpack() has a stack limit), and
 * their controls in the same order (`''`: none) — or no controls at all when the service has none,
 * which HGETALL tells in one cheap empty reply. Merging is left to JS (`withControlJson`): building a
 * string per instance in Lua cost Redis, which every replica shares, twice the rest of the read.
 */
const LIST = `
local function list(prefix, name)
  local ids = redis.call('ZRANGE', prefix .. ':service:' .. name, 0, -1)
  local flat = redis.call('HGETALL', prefix .. ':control:' .. name)
  local byId
  if #flat > 0 then
    byId = {}
    for i = 1, #flat, 2 do byId[flat[i]] = flat[i + 1] end
  end
  local out, controls = {}, {}
  for start = 1, #ids, 1000 do
    local keys = {}
    for i = start, math.min(start + 999, #ids) do keys[#keys + 1] = prefix .. ':instance:' .. ids[i] end
    local values = redis.call('MGET', unpack(keys))
    for i = 1, #keys do
      if values[i] then
        out[#out + 1] = values[i]
        if byId then controls[#controls + 1] = byId[ids[start + i - 1]] or '' end
      end
    end
  end
  return out, controls
end
`;

/** ARGV: prefix, name. Returns { {json…}, {control…} }, instances in registration order. */
export const GET_SCRIPT = `${LIST}
local jsons, controls = list(ARGV[1], ARGV[2])
return {jsons, controls}
`;

/** ARGV: prefix. Returns { revision, name, {json…}, {control…}, name, … } at one instant. */
export const ALL_SCRIPT = `${LIST}
local prefix = ARGV[1]
local out = {tonumber(redis.call('GET', prefix .. ':revision') or '0')}
for _, name in ipairs(redis.call('ZRANGE', prefix .. ':services', 0, -1)) do
  local jsons, controls = list(prefix, name)
  out[#out + 1] = name
  out[#out + 1] = jsons
  out[#out + 1] = controls
end
return out
`;
