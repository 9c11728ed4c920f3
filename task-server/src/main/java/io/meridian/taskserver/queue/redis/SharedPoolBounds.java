package io.meridian.taskserver.queue.redis;

import io.lettuce.core.api.sync.RedisCommands;
import io.meridian.taskserver.queue.PoolBounds;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool bounds an operator set for every replica of the region: the hash {@code :bounds},
 * queue name to {@code <min> <max>}, read by every replica once per tick. A malformed entry
 * (written by hand) is ignored with a warning, once per entry and value rather than every tick,
 * leaving that queue on its configured bounds.
 */
final class SharedPoolBounds {

    private static final Logger log = LoggerFactory.getLogger(SharedPoolBounds.class);

    /** Malformed entries already warned about, as {@code key queue value}: few, written by hand. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private SharedPoolBounds() {
    }

    static void set(RedisCommands<String, String> redis, String key, String queue, @Nullable PoolBounds bounds) {
        if (bounds == null) {
            redis.hdel(key, queue);
        }
        else {
            redis.hset(key, queue, bounds.min() + " " + bounds.max());
        }
    }

    static Map<String, PoolBounds> read(RedisCommands<String, String> redis, String key) {
        Map<String, PoolBounds> bounds = new HashMap<>();
        redis.hgetall(key).forEach((queue, value) -> {
            String[] parts = value.split(" ");
            try {
                bounds.put(queue, new PoolBounds(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
            }
            catch (RuntimeException malformed) {
                if (WARNED.add(key + " " + queue + " " + value)) {
                    log.warn("Ignoring the pool bounds '{}' of queue {} in {}: not '<min> <max>' with 1 <= min <= max",
                            value, queue, key);
                }
            }
        });
        return Map.copyOf(bounds);
    }
}
