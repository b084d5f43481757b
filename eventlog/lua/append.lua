-- Append a batch of one tenant's events, each only if it is new.
-- KEYS[1] = the partition's stream
-- KEYS[2] = the partition's duplicates hash (tenant id -> count)
-- KEYS[3] = the partition's projector trigger flag
-- KEYS[4..] = per event, in order: its id marker and its request's marks hash; then, only for an
--   event that carries a message id, the lookup key of that message id and the marks hash kept
--   under it
-- ARGV[1] = tenant id
-- ARGV[2] = id marker lifetime in seconds
-- ARGV[3] = request marks and message lookup lifetime in seconds
-- ARGV[4] = trigger flag lifetime in milliseconds
-- ARGV[5i .. 5i + 4] (i = 1..n) = event i's type, channel, encoded payload, request id when it
--   carries a message id (else ""), occurred-at epoch milliseconds
-- Returns {accepted, duplicates, trigger}: trigger is 1 when the caller should enqueue a projector.
--
-- An event is a duplicate when its id was used before (an id stays used even when its event was a
-- duplicate), or when its request already had that mark. Statuses only move forward per request
-- and channel: delivered after read or failed, and failed after delivered or read, change nothing;
-- a read with no delivery before it carries that delivery (entry field x = "d").
-- Cohorts: a response counts back on its request's first send. The response entry carries that
-- send's time (field s); a send that arrives after its response carries the response's channel
-- (field cr). Each request is attributed once (mark "cohort").
-- Provider statuses that arrived before the app's own event with that message id were marked under
-- the message id; that event carries those marks over to its request, so nothing counts twice.
local stream, dups, trigger = KEYS[1], KEYS[2], KEYS[3]
local tenant = ARGV[1]
-- Lifetimes and flag values go to Redis as the strings they arrived as: a Lua number passed to
-- redis.call is formatted with printf on every call.
local id_ttl, req_ttl, trigger_ttl = ARGV[2], ARGV[3], ARGV[4]
local n = (#ARGV - 4) / 5
local accepted, duplicates = 0, 0

local function has(marks, mark, channel)
  return redis.call('HEXISTS', marks, mark .. ':' .. channel) == 1
end

local function is_new(marks, kind, channel)
  if kind == 'response' then return redis.call('HSETNX', marks, 'response', channel) == 1, false end
  if kind == 'delivered' and (has(marks, 'read', channel) or has(marks, 'failed', channel)) then
    return false, false
  end
  if kind == 'failed' and (has(marks, 'delivered', channel) or has(marks, 'read', channel)) then
    return false, false
  end
  if redis.call('HSETNX', marks, kind .. ':' .. channel, '1') == 0 then return false, false end
  if kind == 'read' and not has(marks, 'delivered', channel) and not has(marks, 'failed', channel) then
    redis.call('HSET', marks, 'delivered:' .. channel, '1')
    return true, true
  end
  return true, false
end

-- The cohort field an entry carries, as (field, value), or nothing.
local function cohort(marks, kind, at)
  if kind == 'sent' then
    redis.call('HSETNX', marks, 'first_sent', at)
    local answered = redis.call('HGET', marks, 'response')
    if answered and redis.call('HSETNX', marks, 'cohort', '1') == 1 then return 'cr', answered end
  elseif kind == 'response' then
    local first = redis.call('HGET', marks, 'first_sent')
    if first and redis.call('HSETNX', marks, 'cohort', '1') == 1 then return 's', first end
  end
  return nil, nil
end

local function carry_over(from, marks)
  local flat = redis.call('HGETALL', from)
  for j = 1, #flat, 2 do redis.call('HSETNX', marks, flat[j], flat[j + 1]) end
end

local k = 4
for i = 1, n do
  local a = 5 * i
  local kind, channel, payload, request, at = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]
  local marker, marks, lookup, early = KEYS[k], KEYS[k + 1], nil, nil
  if request ~= '' then
    lookup, early = KEYS[k + 2], KEYS[k + 3]
    k = k + 4
  else
    k = k + 2
  end
  local fresh, implied = false, false
  if redis.call('SET', marker, '1', 'NX', 'EX', id_ttl) then
    if request ~= '' then
      if early ~= marks then carry_over(early, marks) end
      redis.call('SET', lookup, request, 'NX', 'EX', req_ttl)
    end
    fresh, implied = is_new(marks, kind, channel)
    redis.call('EXPIRE', marks, req_ttl)
  end
  if fresh then
    local field, value = cohort(marks, kind, at)
    if implied and field then
      redis.call('XADD', stream, '*', 'e', payload, 'x', 'd', field, value)
    elseif implied then
      redis.call('XADD', stream, '*', 'e', payload, 'x', 'd')
    elseif field then
      redis.call('XADD', stream, '*', 'e', payload, field, value)
    else
      redis.call('XADD', stream, '*', 'e', payload)
    end
    accepted = accepted + 1
  else
    duplicates = duplicates + 1
  end
end

if duplicates > 0 then redis.call('HINCRBY', dups, tenant, duplicates) end
local fire = 0
if accepted > 0 and redis.call('SET', trigger, '1', 'NX', 'PX', trigger_ttl) then fire = 1 end
return {accepted, duplicates, fire}
