package io.meridian.taskserver.queue.redis;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.meridian.protocol.ReadinessDetails;
import io.meridian.taskserver.queue.StoreEpoch;
import java.time.Clock;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The region's {@link StoreEpoch} in Redis, key {@code :epoch} ({@code <epoch> <start ms>}): made
 * once with {@code SET NX}, so every replica of the region, and every restart of one, reads the
 * same epoch while Redis keeps the region's data. The key never expires; a Redis that lost its data
 * lost it too, and the next replica to look makes a new one.
 *
 * <p>Trade-off: a running replica learns of the loss at its next {@link #refresh} (each worker
 * tick), not at once; an id it mints in between names the old epoch, which is what the store it
 * wrote to was a moment before.
 */
final class RedisEpoch {

    private final RedisCommands<String, String> redis;

    private final String key;

    private final Clock clock;

    private final RandomGenerator random;

    private volatile StoreEpoch current;

    /**
     * Reads the region's epoch, making it if Redis holds none.
     *
     * @param redis  the commands
     * @param key    the epoch's key
     * @param clock  the start time of a new epoch
     * @param random the source of a new epoch's characters
     */
    RedisEpoch(RedisCommands<String, String> redis, String key, Clock clock, RandomGenerator random) {
        this.redis = redis;
        this.key = key;
        this.clock = clock;
        this.random = random;
        this.current = readOrBegin();
    }

    /** The epoch as last read. */
    StoreEpoch current() {
        return current;
    }

    /**
     * Reads the epoch again (one {@code GET}), making a new one if Redis lost it.
     *
     * @return the epoch now
     */
    StoreEpoch refresh() {
        StoreEpoch read = parse(redis.get(key));
        current = read != null ? read : readOrBegin();
        return current;
    }

    private StoreEpoch readOrBegin() {
        StoreEpoch fresh = StoreEpoch.begin(clock.instant(), ReadinessDetails.STORE_REDIS, random);
        String stored = fresh.id() + " " + fresh.startedAt().toEpochMilli();
        redis.set(key, stored, SetArgs.Builder.nx());
        StoreEpoch held = parse(redis.get(key));
        if (held == null) {
            // Not an epoch (written by something else): replaced, so that every replica agrees again.
            redis.set(key, stored);
            return fresh;
        }
        return held;
    }

    /** The stored form, or {@code null} if absent or not one (then it is written anew). */
    private static @Nullable StoreEpoch parse(@Nullable String stored) {
        if (stored == null) {
            return null;
        }
        int space = stored.indexOf(' ');
        try {
            return new StoreEpoch(stored.substring(0, space),
                    Instant.ofEpochMilli(Long.parseLong(stored.substring(space + 1))), ReadinessDetails.STORE_REDIS);
        }
        catch (RuntimeException malformed) {
            return null;
        }
    }
}
