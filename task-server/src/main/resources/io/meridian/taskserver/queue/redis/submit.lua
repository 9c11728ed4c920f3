-- Adds a new task.
-- KEYS: task hash, idempotency key (the task hash again when there is none), stream, stats.
-- ARGV: task id, document, version, max depth, whether there is a key (1/0), channel, message.
-- Returns {'held', task id} for a key already held, {'exists', ''}, {'full', ''} or {'created', entry}.
if ARGV[5] == '1' then
  local held = redis.call('GET', KEYS[2])
  if held then return {'held', held} end
end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists', ''} end
local queued = tonumber(redis.call('HGET', KEYS[4], 'queued') or '0')
if queued >= tonumber(ARGV[4]) then return {'full', ''} end
if ARGV[5] == '1' then redis.call('SET', KEYS[2], ARGV[1]) end
local entry = redis.call('XADD', KEYS[3], '*', 'id', ARGV[1])
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'version', ARGV[3], 'entry', entry)
redis.call('HINCRBY', KEYS[4], 'queued', 1)
redis.call('PUBLISH', ARGV[6], ARGV[7])
return {'created', entry}
