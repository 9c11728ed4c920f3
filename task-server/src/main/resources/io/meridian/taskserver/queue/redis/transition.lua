-- Compare-and-set of a task, then its side effects, in one atomic step (built by Transition.java).
-- KEYS[1]: the task's hash; every other key is named by its index.
-- ARGV: expected version, new version, new document, then steps of five: verb, key index, a, b, c.
-- Returns 1 if committed, 0 if the task's version was not the expected one (nothing is written).
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'json', ARGV[3])
for i = 4, #ARGV, 5 do
  local verb, key, a, b, c = ARGV[i], KEYS[tonumber(ARGV[i + 1])], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  if verb == 'ack' then
    redis.call('XACK', key, a, b)
    redis.call('XDEL', key, b)
  elseif verb == 'dead' then
    redis.call('XADD', key, 'MAXLEN', '~', '10000', '*', 'id', a, 'task', b)
  elseif verb == 'failure' then
    redis.call('LPUSH', key, a)
    redis.call('LTRIM', key, 0, tonumber(b) - 1)
  elseif verb == 'own' then
    redis.call('XCLAIM', key, a, b, 0, c, 'JUSTID')
  elseif verb == 'zadd' then
    redis.call('ZADD', key, a, b)
  elseif verb == 'zrem' then
    redis.call('ZREM', key, a)
  elseif verb == 'incr' then
    redis.call('HINCRBY', key, a, b)
  elseif verb == 'ttl' then
    redis.call('PEXPIRE', key, a)
  elseif verb == 'publish' then
    redis.call('PUBLISH', a, b)
  end
end
return 1
