-- Reads a consumer's new entries and each one's task in one step.
-- KEYS: stream. ARGV: group, consumer, count, task key prefix.
-- Returns entry id, task id ('' if none) and the task hash (flat) for each entry. The task keys
-- share the stream's hash tag, so a Redis Cluster holds them in the stream's slot.
local read = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>')
local out = {}
if not read then return out end
for _, entry in ipairs(read[1][2]) do
  local fields, id = entry[2], ''
  for i = 1, #fields, 2 do
    if fields[i] == 'id' then id = fields[i + 1] end
  end
  out[#out + 1] = entry[1]
  out[#out + 1] = id
  out[#out + 1] = id == '' and {} or redis.call('HGETALL', ARGV[4] .. id)
end
return out
