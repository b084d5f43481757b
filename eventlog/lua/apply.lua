-- Apply a folded batch of counter increments and move the checkpoint, all or nothing.
-- KEYS[1] = the partition's checkpoint hash (id: last projected entry, n: entries projected)
-- KEYS[2..] = counter keys, in the order their increments appear in ARGV
-- ARGV[1] = the checkpoint id the batch was read after ("" before the first batch)
-- ARGV[2] = the last entry id in the batch
-- ARGV[3] = how many entries the batch holds
-- ARGV[4..] = for each counter key: its kind, a count m, then m pairs of target and increment.
--   Kind "h": a hash; a target is a field name.
--   Kind "p": packed counts (a string of unsigned 32-bit counts); a target is "#<slot>".
-- Returns 1 when applied, 0 when the checkpoint had moved (another projector got there first:
-- nothing is written, so a batch never counts twice).
local checkpoint = KEYS[1]
local last = redis.call('HGET', checkpoint, 'id') or ''
if last ~= ARGV[1] then return 0 end
local a = 4
for k = 2, #KEYS do
  local kind, m = ARGV[a], tonumber(ARGV[a + 1])
  a = a + 2
  if kind == 'p' then
    local call = {'BITFIELD', KEYS[k]}
    for _ = 1, m do
      local n = #call
      call[n + 1], call[n + 2], call[n + 3], call[n + 4] = 'INCRBY', 'u32', ARGV[a], ARGV[a + 1]
      a = a + 2
    end
    redis.call(unpack(call))
  else
    for _ = 1, m do
      redis.call('HINCRBY', KEYS[k], ARGV[a], ARGV[a + 1])
      a = a + 2
    end
  end
end
redis.call('HSET', checkpoint, 'id', ARGV[2])
redis.call('HINCRBY', checkpoint, 'n', ARGV[3])
return 1
