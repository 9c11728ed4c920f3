-- Moves one due retry into the stream, if this caller is the one that removes it from the set.
-- KEYS: retry set, stream, task hash. ARGV: task id. Returns 1 if moved, else 0.
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
local entry = redis.call('XADD', KEYS[2], '*', 'id', ARGV[1])
redis.call('HSET', KEYS[3], 'entry', entry)
return 1
