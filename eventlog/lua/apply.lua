-- Apply a folded batch of counter increments and move the checkpoint, all or nothing.
-- KEYS[1] = the partition's checkpoint hash (id: last projected entry, n: entries projected)
-- KEYS[2..] = counter hashes, in the order their increments appear in ARGV
-- ARGV[1] = the checkpoint id the batch was read after ("" before the first batch)
-- ARGV[2] = the last entry id in the batch
-- ARGV[3] = how many entries the batch holds
-- ARGV[4..] = for each counter hash: a field count m, then m pairs of field, increment
-- Returns 1 when applied, 0 when the checkpoint had moved (another projector got there first:
-- nothing is written, so a batch never counts twice).
local checkpoint = KEYS[1]
local last = redis.call('HGET', checkpoint, 'id') or ''
if last ~= ARGV[1] then return 0 end
local a = 4
for k = 2, #KEYS do
  local m = tonumber(ARGV[a])
  a = a + 1
  for _ = 1, m do
    redis.call('HINCRBY', KEYS[k], ARGV[a], ARGV[a + 1])
    a = a + 2
  end
end
redis.call('HSET', checkpoint, 'id', ARGV[2])
redis.call('HINCRBY', checkpoint, 'n', ARGV[3])
return 1
