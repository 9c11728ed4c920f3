-- Heartbeat, lease, live count and the other live replicas' load, on Redis's own clock.
-- KEYS: replicas, seen, lease, fence. ARGV: name, description (JSON, with inFlight and capacity
-- once the replica reports its load), lease TTL (ms), replica timeout (ms).
-- Returns Redis's time (ms), the lease held ('' if none), the live replicas, and the in-flight
-- tasks and capacity of the live replicas other than this one, summed.
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
local live = redis.call('ZRANGEBYSCORE', KEYS[2], now - tonumber(ARGV[4]), '+inf')
local inFlight, capacity = 0, 0
for _, replica in ipairs(live) do
  if replica ~= ARGV[1] then
    local about = redis.call('HGET', KEYS[1], replica)
    if about then
      local ok, described = pcall(cjson.decode, about)
      if ok and type(described) == 'table' then
        inFlight = inFlight + (tonumber(described.inFlight) or 0)
        capacity = capacity + (tonumber(described.capacity) or 0)
      end
    end
  end
end
return {now, mine, #live, inFlight, capacity}
