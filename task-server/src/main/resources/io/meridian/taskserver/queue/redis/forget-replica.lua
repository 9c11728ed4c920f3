-- Forgets a lost replica with nothing pending, under the lease.
-- KEYS: lease, replicas, seen, then every stream. ARGV: lease, group, replica.
-- Returns -1 if the lease is not held, 0 if the replica still has pending entries, 1 if forgotten.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
for i = 4, #KEYS do
  local pending = redis.pcall('XPENDING', KEYS[i], ARGV[2], '-', '+', 1, ARGV[3])
  if type(pending) == 'table' and pending.err == nil and #pending > 0 then return 0 end
end
for i = 4, #KEYS do
  redis.pcall('XGROUP', 'DELCONSUMER', KEYS[i], ARGV[2], ARGV[3])
end
redis.call('HDEL', KEYS[2], ARGV[3])
redis.call('ZREM', KEYS[3], ARGV[3])
return 1
