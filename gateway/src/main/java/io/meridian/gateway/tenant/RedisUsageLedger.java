package io.meridian.gateway.tenant;

import io.meridian.gateway.redis.SharedRedis;
import io.meridian.gateway.redis.SharedRedis.Script;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Counters in the Redis the gateways share, so that a tenant's limits hold across every replica:
 * one key per tenant, kind and window ({@code meridian:usage:<tenant>:<kind>:<window>}), each
 * expiring after its window. Admitting a request is one script (count it, read the rest); recording
 * tokens another. While Redis is unreachable or slow, this gateway's {@link LocalUsageLedger}
 * counts instead: limits then hold per gateway, and requests are never refused for Redis's sake.
 */
public final class RedisUsageLedger implements UsageLedger, AutoCloseable {

    static final String KEY_PREFIX = "meridian:usage:";

    private static final Logger log = LoggerFactory.getLogger(RedisUsageLedger.class);

    /** KEYS: requests this minute, then tokens: this minute, today, this month, global today, global month. */
    static final String ADMIT = """
            local requests = redis.call('INCR', KEYS[1])
            if requests == 1 then redis.call('EXPIRE', KEYS[1], 120) end
            local used = redis.call('MGET', KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
            local reply = {requests}
            for i = 1, 5 do reply[i + 1] = tonumber(used[i]) or 0 end
            return reply
            """;

    /** KEYS: the token counters; ARGV[1]: tokens, ARGV[i + 1]: the seconds KEYS[i] lives. */
    static final String RECORD = """
            for i, key in ipairs(KEYS) do
              redis.call('INCRBY', key, ARGV[1])
              redis.call('EXPIRE', key, ARGV[i + 1])
            end
            return {#KEYS}
            """;

    /** As {@link #RECORD}, once per KEYS[#KEYS] (kept ARGV[#KEYS + 1] seconds): later reports count nothing. */
    static final String RECORD_ONCE = """
            local once = KEYS[#KEYS]
            if not redis.call('SET', once, '1', 'NX', 'EX', ARGV[#KEYS + 1]) then return {0} end
            for i = 1, #KEYS - 1 do
              redis.call('INCRBY', KEYS[i], ARGV[1])
              redis.call('EXPIRE', KEYS[i], ARGV[i + 1])
            end
            return {1}
            """;

    private static final String MINUTE_TTL = "120";
    private static final String DAY_TTL = Long.toString(Duration.ofDays(2).toSeconds());
    private static final String MONTH_TTL = Long.toString(Duration.ofDays(62).toSeconds());

    private final SharedRedis redis;
    private final Script admit = Script.of(ADMIT);
    private final Script record = Script.of(RECORD);
    private final Script recordOnce = Script.of(RECORD_ONCE);
    private final LocalUsageLedger fallback;
    private final Clock clock;
    private final Duration timeout;

    public RedisUsageLedger(String redisUrl, LocalUsageLedger fallback, Clock clock, Duration timeout) {
        this.redis = new SharedRedis(redisUrl, "budgets", clock);
        this.fallback = fallback;
        this.clock = clock;
        this.timeout = timeout;
    }

    @Override
    public Mono<Usage> admit(String tenant) {
        Windows now = Windows.at(clock.instant());
        String[] keys = {
                key(tenant, "requests", now.minute()), key(tenant, "tokens", now.minute()),
                key(tenant, "tokens-day", now.day()), key(tenant, "tokens-month", now.month()),
                key(GLOBAL, "tokens-day", now.day()), key(GLOBAL, "tokens-month", now.month())};
        Mono<List<Object>> reply = redis.eval(admit, keys, new String[0], timeout);
        if (reply == null) {
            return fallback.admit(tenant);
        }
        return reply
                .map(values -> new Usage(number(values, 0), number(values, 1), number(values, 2), number(values, 3),
                        number(values, 4), number(values, 5)))
                .onErrorResume(ex -> {
                    log.warn("Budgets fall back to this gateway's memory: Redis failed ({})", ex.toString());
                    return fallback.admit(tenant);
                });
    }

    @Override
    public void record(String tenant, long tokens) {
        if (tokens <= 0) {
            return;
        }
        Windows now = Windows.at(clock.instant());
        String[] keys = {
                key(tenant, "tokens", now.minute()), key(tenant, "tokens-day", now.day()),
                key(tenant, "tokens-month", now.month()), key(GLOBAL, "tokens", now.minute()),
                key(GLOBAL, "tokens-day", now.day()), key(GLOBAL, "tokens-month", now.month())};
        String[] args = {Long.toString(tokens), MINUTE_TTL, DAY_TTL, MONTH_TTL, MINUTE_TTL, DAY_TTL, MONTH_TTL};
        Mono<List<Object>> reply = redis.eval(record, keys, args, timeout);
        if (reply == null) {
            fallback.record(tenant, tokens);
            return;
        }
        reply.subscribe(done -> { }, ex -> {
            log.warn("Tokens of tenant '{}' counted in this gateway's memory: Redis failed ({})", tenant, ex.toString());
            fallback.record(tenant, tokens);
        });
    }

    @Override
    public void recordOnce(String tenant, String key, long tokens) {
        if (tokens <= 0) {
            return;
        }
        Windows now = Windows.at(clock.instant());
        String[] keys = {
                key(tenant, "tokens", now.minute()), key(tenant, "tokens-day", now.day()),
                key(tenant, "tokens-month", now.month()), key(GLOBAL, "tokens", now.minute()),
                key(GLOBAL, "tokens-day", now.day()), key(GLOBAL, "tokens-month", now.month()),
                KEY_PREFIX + "counted:" + key};
        String[] args = {Long.toString(tokens), MINUTE_TTL, DAY_TTL, MONTH_TTL, MINUTE_TTL, DAY_TTL, MONTH_TTL, DAY_TTL};
        Mono<List<Object>> reply = redis.eval(recordOnce, keys, args, timeout);
        if (reply == null) {
            fallback.recordOnce(tenant, key, tokens);
            return;
        }
        reply.subscribe(done -> { }, ex -> {
            log.warn("Tokens of tenant '{}' counted in this gateway's memory: Redis failed ({})", tenant, ex.toString());
            fallback.recordOnce(tenant, key, tokens);
        });
    }

    /** Whether the counters are shared right now. */
    public boolean isShared() {
        return redis.isShared();
    }

    private static String key(String tenant, String kind, long window) {
        return KEY_PREFIX + tenant + ":" + kind + ":" + window;
    }

    private static long number(List<Object> values, int index) {
        return values.size() > index && values.get(index) instanceof Number n ? n.longValue() : 0;
    }

    @Override
    public void close() {
        redis.close();
    }
}
