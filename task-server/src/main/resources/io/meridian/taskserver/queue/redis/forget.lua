-- Forgets an expired task.
-- KEYS: task hash, idempotency key (the task hash again when there is none), finished set, lease.
-- ARGV: task id, the lease the caller holds ('' when a lookup found the task expired, which needs none).
-- Returns how many task hashes were deleted (0 if the lease is not held).
if ARGV[2] ~= '' and redis.call('GET', KEYS[4]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[3], ARGV[1])
if KEYS[2] ~= KEYS[1] and redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return redis.call('DEL', KEYS[1])
