package io.meridian.gateway.idempotency;

import io.meridian.gateway.redis.SharedRedis;
import io.meridian.gateway.redis.SharedRedis.Script;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Key owners in the Redis every gateway shares, under {@value #KEY_PREFIX}{@code <sha-256>} with a
 * time to live of {@code ttl} from the claim: one Lua script reads, compares and sets a key's owner
 * atomically (a first claim is a {@code SET NX} in effect, a move a compare-and-set), so that two
 * gateways racing for one key agree on one region.
 *
 * <p>Design note, the fallback: Redis must never stop a request. When it is unreachable, or slower
 * than {@code timeout}, the owner is read and claimed in this gateway's {@link LocalKeyOwnership}
 * instead, which also holds a copy of every owner this gateway read or claimed through Redis. What
 * that loses: a key this gateway never saw may be claimed here for another region than the one
 * another gateway sent it to, so the key's task may run twice (in two regions at most; each region
 * still de-duplicates its own keys). Each such decision counts in {@value #FALLBACKS}; the first
 * of a run logs a WARN, Redis answering again an INFO.
 */
public final class RedisKeyOwnership implements KeyOwnership, AutoCloseable {

    /** Prefix of the Redis keys, followed by the key's SHA-256. */
    public static final String KEY_PREFIX = "meridian:idempotency:";

    /** Owner decisions taken in this gateway's memory because Redis was unreachable or failed. */
    public static final String FALLBACKS = "meridian.idempotency.fallbacks";

    private static final Logger log = LoggerFactory.getLogger(RedisKeyOwnership.class);

    /** KEYS[1] the key; ARGV: expected owner ('' for none), next owner, time to live in ms. */
    static final String CLAIM = """
            local current = redis.call('GET', KEYS[1])
            if current == false or current == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
              return {1, ARGV[2]}
            end
            return {0, current}
            """;

    static final String READ = """
            local current = redis.call('GET', KEYS[1])
            if current == false then
              return {}
            end
            return {current}
            """;

    private final SharedRedis redis;
    private final boolean ownsRedis;
    private final Script claim = Script.of(CLAIM);
    private final Script read = Script.of(READ);
    private final String ttlMillis;
    private final Duration timeout;
    private final LocalKeyOwnership local;
    private final Counter unreachable;
    private final Counter failed;
    private final AtomicBoolean fallingBack = new AtomicBoolean();

    /** Owners on a Redis of its own, which it closes when it closes. */
    public RedisKeyOwnership(String redisUrl, Duration ttl, Duration timeout, LocalKeyOwnership local,
            MeterRegistry meters) {
        this(new SharedRedis(redisUrl, "idempotency key owners"), true, ttl, timeout, local, meters);
    }

    /** Owners on the gateway's shared Redis, which stays open when it closes. */
    public RedisKeyOwnership(SharedRedis redis, Duration ttl, Duration timeout, LocalKeyOwnership local,
            MeterRegistry meters) {
        this(redis, false, ttl, timeout, local, meters);
    }

    private RedisKeyOwnership(SharedRedis redis, boolean ownsRedis, Duration ttl, Duration timeout,
            LocalKeyOwnership local, MeterRegistry meters) {
        this.redis = redis;
        this.ownsRedis = ownsRedis;
        this.ttlMillis = Long.toString(Math.max(1, ttl.toMillis()));
        this.timeout = timeout;
        this.local = local;
        this.unreachable = Counter.builder(FALLBACKS).tag("reason", "unreachable").register(meters);
        this.failed = Counter.builder(FALLBACKS).tag("reason", "failed").register(meters);
    }

    @Override
    public Mono<KeyOwner> owner(IdempotencyKey key) {
        Mono<List<Object>> reply = redis.eval(read, keys(key), new String[0], timeout);
        if (reply == null) {
            return fallBack(unreachable, "unreachable", local.owner(key));
        }
        return reply
                .flatMap(values -> {
                    recovered();
                    KeyOwner owner = values.isEmpty() ? null : KeyOwner.decode(String.valueOf(values.get(0)));
                    if (owner != null) {
                        local.remember(key, owner);
                    }
                    return Mono.justOrEmpty(owner);
                })
                .onErrorResume(e -> fallBack(failed, e.toString(), local.owner(key)));
    }

    @Override
    public Mono<KeyOwner> claim(IdempotencyKey key, @Nullable KeyOwner expected, KeyOwner next) {
        Mono<List<Object>> reply = redis.eval(claim, keys(key),
                new String[] {expected == null ? "" : expected.encoded(), next.encoded(), ttlMillis}, timeout);
        if (reply == null) {
            return fallBack(unreachable, "unreachable", local.claim(key, expected, next));
        }
        return reply
                .map(values -> {
                    recovered();
                    KeyOwner owner = KeyOwner.decode(String.valueOf(values.get(1)));
                    // A value this gateway cannot read (another version's) counts as no owner, as an expired one would.
                    KeyOwner now = owner == null ? next : owner;
                    local.remember(key, now);
                    return now;
                })
                .onErrorResume(e -> fallBack(failed, e.toString(), local.claim(key, expected, next)));
    }

    private static String[] keys(IdempotencyKey key) {
        return new String[] {KEY_PREFIX + key.hash()};
    }

    private <T> Mono<T> fallBack(Counter counter, String why, Mono<T> decision) {
        counter.increment();
        if (fallingBack.compareAndSet(false, true)) {
            log.warn("Idempotency key owners fall back to this gateway's memory: Redis is {}; meanwhile another "
                    + "gateway may send the same key to another region, so a keyed request may run twice", why);
        }
        return decision;
    }

    private void recovered() {
        if (fallingBack.compareAndSet(true, false)) {
            log.info("Idempotency key owners are shared through Redis again");
        }
    }

    @Override
    public boolean isShared() {
        return redis.isShared();
    }

    @Override
    public void close() {
        if (ownsRedis) {
            redis.close();
        }
    }
}
