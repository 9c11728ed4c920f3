package io.meridian.gateway.routing;

import io.meridian.gateway.redis.SharedRedis;
import io.meridian.gateway.redis.SharedRedis.Script;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Region drains shared by every gateway on one Redis: a drain set on one gateway is obeyed by all
 * within one refresh ({@link #REFRESH_EVERY}).
 *
 * <p>Design note: the drained regions are a Redis hash ({@value #KEY}, region → 1). A drain or
 * undrain writes it and answers the set as Redis then holds it, which this gateway applies at
 * once; every gateway reads the hash again each {@link #REFRESH_EVERY} and replaces its own copy,
 * so the request path still pays one volatile read and never a Redis round trip.
 *
 * <p>While Redis is unreachable, each gateway keeps the drains it saw last, and a drain or undrain
 * is refused ({@code 503 drain_not_shared}) rather than applied on one gateway alone: an operator
 * must never believe a region drained everywhere when only one gateway of many obeys.
 */
public final class SharedDrains {

    /** The hash of drained regions. */
    public static final String KEY = "meridian:drains";

    /** How often every gateway reads the drains again. */
    public static final Duration REFRESH_EVERY = Duration.ofMillis(250);

    private static final Logger log = LoggerFactory.getLogger(SharedDrains.class);

    private static final Script SET = Script.of("""
            if ARGV[2] == '1' then
              redis.call('HSET', KEYS[1], ARGV[1], '1')
            else
              redis.call('HDEL', KEYS[1], ARGV[1])
            end
            return redis.call('HKEYS', KEYS[1])
            """);

    private static final Script READ = Script.of("return redis.call('HKEYS', KEYS[1])");

    private final SharedRedis redis;
    private final RegionDrains drains;
    private final Duration timeout;

    public SharedDrains(SharedRedis redis, RegionDrains drains, Duration timeout) {
        this.redis = redis;
        this.drains = drains;
        this.timeout = timeout;
    }

    /**
     * Drains or undrains a known region on every gateway.
     *
     * @return whether Redis took it; false while it is unreachable (nothing changed anywhere)
     */
    public Mono<Boolean> set(String region, boolean drained) {
        Mono<List<Object>> reply = redis.eval(SET, new String[] {KEY}, new String[] {region, drained ? "1" : "0"}, timeout);
        if (reply == null) {
            return Mono.just(false);
        }
        return reply.map(regions -> {
            apply(regions);
            return true;
        }).onErrorResume(e -> {
            log.warn("A drain of region {} was not shared: Redis failed ({})", region, e.toString());
            return Mono.just(false);
        });
    }

    /** Reads the drains from Redis and applies them; keeps the last ones while Redis is away. */
    public Mono<Void> refresh() {
        Mono<List<Object>> reply = redis.eval(READ, new String[] {KEY}, new String[0], timeout);
        if (reply == null) {
            return Mono.empty();
        }
        return reply.doOnNext(this::apply).onErrorResume(e -> Mono.empty()).then();
    }

    private void apply(List<Object> regions) {
        Set<String> drained = new HashSet<>();
        for (Object region : regions) {
            drained.add(String.valueOf(region));
        }
        drains.replaceAll(drained);
    }
}
