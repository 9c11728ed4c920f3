-- Heartbeat, lease and live count, on Redis's own clock.
-- KEYS: replicas, seen, lease, fence. ARGV: name, description, lease TTL (ms), replica timeout (ms).
-- Returns Redis's time (ms), the lease held ('' if none) and the live replicas.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], now, ARGV[1])
local held = redis.call('GET', KEYS[3])
local mine = ''
if not held then
  mine = redis.call('INCR', KEYS[4]) .. '/' .. ARGV[1]
  redis.call('SET', KEYS[3], mine, 'PX', ARGV[3])
elseif string.match(held, '^%d+/(.*)$') == ARGV[1] then
  mine = held
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
end
return {now, mine, redis.call('ZCOUNT', KEYS[2], now - tonumber(ARGV[4]), '+inf')}
