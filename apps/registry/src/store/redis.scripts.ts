/**
 * Lua scripts of the Redis store: each runs atomically, so one call is one round trip and two
 * replicas can never interleave inside a registration, a deregistration or a sweep. Keys, under
 * `<prefix>:` —
 *
 * - `instance:<id>`   the instance's JSON; expires `ttl + grace` after its last renewal (a safety net
 *                     when no replica sweeps; eviction on time is the sweep's job)
 * - `service:<name>`  sorted set of the service's ids, scored by the revision that created them
 * - `services`        sorted set of service names, same scoring (listing order = registration order)
 * - `deadlines`       sorted set of `<name>/<id>` scored by expiry time in ms, on Redis's own clock
 * - `revision`        INCR counter; every bump is published on `<prefix>:changes`
 *
 * The stored JSON is `<body>"registeredAt":"…","lastHeartbeat":"…"}` where `<body>` is the canonical
 * JSON of every other field (see `redis.instance.ts`), so "did this renewal change anything" is one
 * string comparison. Ids and names match patterns without quotes, which makes the patterns below safe.
 * @internal
 */

/** Redis time in ms; scripts that read TIME and then write need effect replication on Redis < 7. */
const NOW_MS = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local clock = redis.call('TIME')
local nowMs = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
`;

/**
 * KEYS: instance, service, services, deadlines, revision. ARGV: name, id, body, nowIso, ttlMs, graceMs, channel.
 * Returns { code, revision, json }: code 0 renewed, 1 changed, 2 created, -1 id held by another name (json = that name).
 */
export const UPSERT_SCRIPT = `${NOW_MS}
local stored = redis.call('GET', KEYS[1])
local registeredAt = ARGV[4]
local code = 2
if stored then
  local name = string.match(stored, '^{"id":"[^"]*","name":"([^"]*)"')
  if name ~= ARGV[1] then return {-1, 0, name or ''} end
  local body, since = string.match(stored, '^(.*)"registeredAt":"([^"]*)","lastHeartbeat":"[^"]*"}$')
  registeredAt = since
  if body == ARGV[3] then code = 0 else code = 1 end
end
local json = ARGV[3] .. '"registeredAt":"' .. registeredAt .. '","lastHeartbeat":"' .. ARGV[4] .. '"}'
local ttl = tonumber(ARGV[5])
redis.call('SET', KEYS[1], json, 'PX', ttl + tonumber(ARGV[6]))
redis.call('ZADD', KEYS[4], nowMs + ttl, ARGV[1] .. '/' .. ARGV[2])
if code == 0 then
  return {0, tonumber(redis.call('GET', KEYS[5]) or '0'), json}
end
local revision = redis.call('INCR', KEYS[5])
redis.call('ZADD', KEYS[2], 'NX', revision, ARGV[2])
redis.call('ZADD', KEYS[3], 'NX', revision, ARGV[1])
redis.call('PUBLISH', ARGV[7], revision)
return {code, revision, json}
`;

/** Removes one member everywhere; shared by deregistration and the sweep. Expects `prefix` and `nameOf`. */
const REMOVE = `
local function remove(name, id)
  local service = prefix .. ':service:' .. name
  redis.call('DEL', prefix .. ':instance:' .. id)
  redis.call('ZREM', service, id)
  if redis.call('ZCARD', service) == 0 then redis.call('ZREM', prefix .. ':services', name) end
  redis.call('ZREM', prefix .. ':deadlines', name .. '/' .. id)
end
`;

/** ARGV: prefix, name, id, channel. Returns the new revision, or 0 when `name` holds no `id`. */
export const DEREGISTER_SCRIPT = `
local prefix = ARGV[1]
${REMOVE}
local stored = redis.call('GET', prefix .. ':instance:' .. ARGV[3])
local listed = redis.call('ZSCORE', prefix .. ':service:' .. ARGV[2], ARGV[3])
if stored then
  if string.match(stored, '^{"id":"[^"]*","name":"([^"]*)"') ~= ARGV[2] then return 0 end
elseif not listed then
  return 0
end
remove(ARGV[2], ARGV[3])
local revision = redis.call('INCR', prefix .. ':revision')
redis.call('PUBLISH', ARGV[4], revision)
return revision
`;

/**
 * ARGV: prefix, channel, batch. Evicts up to `batch` members whose deadline passed.
 * Returns { revision, evictedJson… } (a member whose key is already gone adds `name/id`).
 */
export const SWEEP_SCRIPT = `${NOW_MS}
local prefix = ARGV[1]
${REMOVE}
local due = redis.call('ZRANGEBYSCORE', prefix .. ':deadlines', '-inf', nowMs, 'LIMIT', 0, tonumber(ARGV[3]))
local revision = tonumber(redis.call('GET', prefix .. ':revision') or '0')
local out = {revision}
if #due == 0 then return out end
for _, member in ipairs(due) do
  local slash = string.find(member, '/', 1, true)
  local name, id = string.sub(member, 1, slash - 1), string.sub(member, slash + 1)
  out[#out + 1] = redis.call('GET', prefix .. ':instance:' .. id) or member
  remove(name, id)
end
revision = redis.call('INCR', prefix .. ':revision')
redis.call('PUBLISH', ARGV[2], revision)
out[1] = revision
return out
`;

/** A service's instance JSONs in registration order (MGET in chunks: unpack() has a stack limit). */
const LIST = `
local function list(prefix, name)
  local ids = redis.call('ZRANGE', prefix .. ':service:' .. name, 0, -1)
  local out = {}
  for start = 1, #ids, 1000 do
    local keys = {}
    for i = start, math.min(start + 999, #ids) do keys[#keys + 1] = prefix .. ':instance:' .. ids[i] end
    for _, value in ipairs(redis.call('MGET', unpack(keys))) do if value then out[#out + 1] = value end end
  end
  return out
end
`;

/** ARGV: prefix, name. Returns the service's instance JSONs in registration order. */
export const GET_SCRIPT = `${LIST}
return list(ARGV[1], ARGV[2])
`;

/** ARGV: prefix. Returns { revision, name, {json…}, name, {json…}, … } at one instant. */
export const ALL_SCRIPT = `${LIST}
local prefix = ARGV[1]
local out = {tonumber(redis.call('GET', prefix .. ':revision') or '0')}
for _, name in ipairs(redis.call('ZRANGE', prefix .. ':services', 0, -1)) do
  out[#out + 1] = name
  out[#out + 1] = list(prefix, name)
end
return out
`;
