-- Takes back one pending entry under the lease.
-- KEYS: lease, stream, task hash. ARGV: lease, group, holder, entry, task id, minimum idle time (ms).
-- Returns -1 if the lease is not held, 0 if the entry is no longer idle or pending, 1 if requeued,
-- 2 if dropped (its task moved on).
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if #redis.call('XCLAIM', KEYS[2], ARGV[2], ARGV[3], ARGV[6], ARGV[4], 'JUSTID') == 0 then return 0 end
redis.call('XACK', KEYS[2], ARGV[2], ARGV[4])
redis.call('XDEL', KEYS[2], ARGV[4])
if redis.call('HGET', KEYS[3], 'entry') ~= ARGV[4] then return 2 end
local entry = redis.call('XADD', KEYS[2], '*', 'id', ARGV[5])
redis.call('HSET', KEYS[3], 'entry', entry)
return 1
