package io.meridian.gateway.tenant;

import io.meridian.gateway.redis.SharedRedis;
import io.meridian.gateway.redis.SharedRedis.Script;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Counters in the Redis the gateways share, so that a tenant's limits hold across every replica:
 * one key per tenant, kind and window ({@code meridian:usage:<tenant>:<kind>:<window>}), each
 * expiring after its window, and per tenant (and for the deployment) the tokens held by requests in
 * flight ({@code :held}) with the holds themselves in a sorted set by expiry ({@code :holds}).
 *
 * <p>Design note. A reservation is one script: give back expired holds, count the request, read
 * the windows and the holds, and, when the tokens fit under every limit, hold them; a settle is
 * another: drop the hold and count the real usage. Redis runs each script alone, so requests on
 * every gateway at once can never hold more than a limit allows. While Redis is unreachable or
 * slow, this gateway's {@link LocalUsageLedger} counts instead: limits then hold per gateway, and
 * requests are never refused for Redis's sake. A hold is settled where it was made.
 */
public final class RedisUsageLedger implements UsageLedger, AutoCloseable {

    static final String KEY_PREFIX = "meridian:usage:";

    private static final Logger log = LoggerFactory.getLogger(RedisUsageLedger.class);

    /** Gives back the expired holds of a tenant's (KEYS[held], KEYS[holds]) at ARGV[1] milliseconds. */
    private static final String EXPIRE_HOLDS = """
            local now = tonumber(ARGV[1])
            local function expire(held, holds)
              local expired = redis.call('ZRANGEBYSCORE', holds, '-inf', now)
              if #expired > 0 then
                local sum = 0
                for _, member in ipairs(expired) do sum = sum + tonumber(string.match(member, ':(%d+)$')) end
                redis.call('DECRBY', held, sum)
                redis.call('ZREMRANGEBYSCORE', holds, '-inf', now)
              end
            end
            """;

    /**
     * KEYS: requests this minute, tokens this minute, today, this month, global today, global month,
     * held, holds, global held, global holds. ARGV: now (ms), hold id, tokens, expiry (ms), the six
     * limits (-1: none) in {@link Usage.Limit} order, the holds' keys' lifetime (ms). Reply: the
     * refusing limit's index + 1 (0: admitted), then the usage seen.
     */
    static final String RESERVE = EXPIRE_HOLDS + """
            expire(KEYS[7], KEYS[8])
            expire(KEYS[9], KEYS[10])
            local requests = redis.call('INCR', KEYS[1])
            if requests == 1 then redis.call('EXPIRE', KEYS[1], 120) end
            local used = redis.call('MGET', KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[9])
            local held = tonumber(used[6]) or 0
            local globalHeld = tonumber(used[7]) or 0
            local reply = {0, requests}
            for i = 1, 3 do reply[i + 2] = (tonumber(used[i]) or 0) + held end
            for i = 4, 5 do reply[i + 2] = (tonumber(used[i]) or 0) + globalHeld end
            local rpm = tonumber(ARGV[5])
            if rpm >= 0 and requests > rpm then reply[1] = 1; return reply end
            local tokens = tonumber(ARGV[3])
            if tokens <= 0 then return reply end
            for i = 1, 5 do
              local limit = tonumber(ARGV[5 + i])
              if limit >= 0 and (reply[i + 2] >= limit or tokens > limit - reply[i + 2]) then reply[1] = i + 1; return reply end
            end
            local member = ARGV[2] .. ':' .. ARGV[3]
            redis.call('INCRBY', KEYS[7], tokens)
            redis.call('ZADD', KEYS[8], ARGV[4], member)
            redis.call('INCRBY', KEYS[9], tokens)
            redis.call('ZADD', KEYS[10], ARGV[4], member)
            for i = 7, 10 do redis.call('PEXPIRE', KEYS[i], ARGV[11]) end
            return reply
            """;

    /**
     * KEYS: the six token counters (tenant minute, day, month; global minute, day, month), held,
     * holds, global held, global holds, and, for a task, its charge's key. ARGV: the hold's member,
     * its tokens, the tokens to count, the six counters' lifetimes (s), and, for a task, its charge
     * ("tokens minute day month") and the charge's lifetime (s).
     */
    static final String SETTLE = """
            if redis.call('ZREM', KEYS[8], ARGV[1]) == 1 then redis.call('DECRBY', KEYS[7], ARGV[2]) end
            if redis.call('ZREM', KEYS[10], ARGV[1]) == 1 then redis.call('DECRBY', KEYS[9], ARGV[2]) end
            local tokens = tonumber(ARGV[3])
            if tokens > 0 then
              for i = 1, 6 do
                redis.call('INCRBY', KEYS[i], tokens)
                redis.call('EXPIRE', KEYS[i], ARGV[i + 3])
              end
            end
            if #KEYS == 11 then redis.call('SET', KEYS[11], ARGV[10], 'EX', ARGV[11]) end
            return {1}
            """;

    /** KEYS: the six token counters; ARGV[1]: tokens, ARGV[i + 1]: the seconds KEYS[i] lives. */
    static final String RECORD = """
            for i, key in ipairs(KEYS) do
              redis.call('INCRBY', key, ARGV[1])
              redis.call('EXPIRE', key, ARGV[i + 1])
            end
            return {#KEYS}
            """;

    /**
     * As {@link #RECORD}, once per KEYS[7] (kept ARGV[8] seconds): later reports count nothing. When
     * KEYS[7] holds a task's charge ("tokens minute day month"), the report corrects it: the excess
     * is added, a shortfall refunded to the windows the charge went to while they are current
     * (ARGV[9..11]: the current minute, day, month).
     */
    static final String RECORD_ONCE = """
            local prior = redis.call('GET', KEYS[7])
            if prior and not string.find(prior, ' ') then return {0} end
            redis.call('SET', KEYS[7], 'counted', 'EX', ARGV[8])
            local delta = tonumber(ARGV[1])
            if not prior then
              if delta > 0 then
                for i = 1, 6 do redis.call('INCRBY', KEYS[i], delta); redis.call('EXPIRE', KEYS[i], ARGV[i + 1]) end
              end
              return {1}
            end
            local charged, minute, day, month = string.match(prior, '^(%d+) (%d+) (%d+) (%d+)$')
            delta = delta - tonumber(charged)
            if delta > 0 then
              for i = 1, 6 do redis.call('INCRBY', KEYS[i], delta); redis.call('EXPIRE', KEYS[i], ARGV[i + 1]) end
            elseif delta < 0 then
              local windows = {minute, day, month}
              for i = 1, 3 do
                if windows[i] == ARGV[8 + i] then
                  for _, key in ipairs({KEYS[i], KEYS[i + 3]}) do
                    if redis.call('DECRBY', key, -delta) < 0 then redis.call('SET', key, 0, 'KEEPTTL') end
                  end
                end
              end
            end
            return {1}
            """;

    private static final String MINUTE_TTL = "120";
    private static final String DAY_TTL = Long.toString(Duration.ofDays(2).toSeconds());
    private static final String MONTH_TTL = Long.toString(Duration.ofDays(62).toSeconds());
    private static final String[] TTLS = {MINUTE_TTL, DAY_TTL, MONTH_TTL, MINUTE_TTL, DAY_TTL, MONTH_TTL};

    private final SharedRedis redis;
    private final Script reserve = Script.of(RESERVE);
    private final Script settle = Script.of(SETTLE);
    private final Script record = Script.of(RECORD);
    private final Script recordOnce = Script.of(RECORD_ONCE);
    private final LocalUsageLedger fallback;
    private final Clock clock;
    private final Duration timeout;
    private final Duration holdTtl;

    public RedisUsageLedger(String redisUrl, LocalUsageLedger fallback, Clock clock, Duration timeout) {
        this(redisUrl, fallback, clock, timeout, Duration.ofMinutes(15));
    }

    public RedisUsageLedger(String redisUrl, LocalUsageLedger fallback, Clock clock, Duration timeout, Duration holdTtl) {
        this.redis = new SharedRedis(redisUrl, "budgets", clock);
        this.fallback = fallback;
        this.clock = clock;
        this.timeout = timeout;
        this.holdTtl = holdTtl;
    }

    @Override
    public Mono<Hold> reserve(String tenant, TenantProperties.Limits limits, TenantProperties.Limits global, long tokens) {
        Windows now = Windows.at(clock.instant());
        long nowMillis = clock.millis();
        String id = UUID.randomUUID().toString();
        String[] keys = {
                key(tenant, "requests", now.minute()), key(tenant, "tokens", now.minute()),
                key(tenant, "tokens-day", now.day()), key(tenant, "tokens-month", now.month()),
                key(GLOBAL, "tokens-day", now.day()), key(GLOBAL, "tokens-month", now.month()),
                KEY_PREFIX + tenant + ":held", KEY_PREFIX + tenant + ":holds",
                KEY_PREFIX + GLOBAL + ":held", KEY_PREFIX + GLOBAL + ":holds"};
        long[] caps = Usage.limits(limits, global);
        String[] args = new String[11];
        args[0] = Long.toString(nowMillis);
        args[1] = id;
        args[2] = Long.toString(Math.max(0, tokens));
        args[3] = Long.toString(nowMillis + holdTtl.toMillis());
        for (int i = 0; i < caps.length; i++) {
            args[4 + i] = Long.toString(caps[i]);
        }
        args[10] = Long.toString(2 * holdTtl.toMillis());
        Mono<List<Object>> reply = redis.eval(reserve, keys, args, timeout);
        if (reply == null) {
            return fallback.reserve(tenant, limits, global, tokens);
        }
        return reply
                .map(values -> {
                    Usage usage = new Usage(number(values, 1), number(values, 2), number(values, 3), number(values, 4),
                            number(values, 5), number(values, 6));
                    int refused = (int) number(values, 0);
                    String limit = refused == 0 ? null : Usage.Limit.NAMES[refused - 1];
                    return new Hold(id, tenant, limit == null ? Math.max(0, tokens) : 0, usage, limit, false);
                })
                .onErrorResume(ex -> {
                    log.warn("Budgets fall back to this gateway's memory: Redis failed ({})", ex.toString());
                    return fallback.reserve(tenant, limits, global, tokens);
                });
    }

    @Override
    public void settle(Hold hold, long tokens) {
        settle(hold, Math.max(0, tokens), null);
    }

    @Override
    public void settleAsTask(Hold hold, String key) {
        settle(hold, hold.tokens(), key);
    }

    private void settle(Hold hold, long tokens, @org.jspecify.annotations.Nullable String task) {
        if (hold.local()) {
            if (task != null) {
                fallback.settleAsTask(hold, task);
            } else {
                fallback.settle(hold, tokens);
            }
            return;
        }
        Windows now = Windows.at(clock.instant());
        String tenant = hold.tenant();
        String[] counters = counterKeys(tenant, now);
        String[] keys = new String[task == null ? 10 : 11];
        System.arraycopy(counters, 0, keys, 0, 6);
        keys[6] = KEY_PREFIX + tenant + ":held";
        keys[7] = KEY_PREFIX + tenant + ":holds";
        keys[8] = KEY_PREFIX + GLOBAL + ":held";
        keys[9] = KEY_PREFIX + GLOBAL + ":holds";
        String[] args = new String[task == null ? 9 : 11];
        args[0] = hold.id() + ":" + hold.tokens();
        args[1] = Long.toString(hold.tokens());
        args[2] = Long.toString(tokens);
        System.arraycopy(TTLS, 0, args, 3, 6);
        if (task != null) {
            keys[10] = KEY_PREFIX + "counted:" + task;
            args[9] = tokens + " " + now.minute() + " " + now.day() + " " + now.month();
            args[10] = DAY_TTL;
        }
        Mono<List<Object>> reply = hold.tokens() == 0 && tokens == 0 && task == null ? Mono.empty()
                : redis.eval(settle, keys, args, timeout);
        if (reply == null) {
            // The hold stays in Redis until its TTL; the usage is counted here meanwhile.
            fallback.record(tenant, tokens);
            return;
        }
        reply.subscribe(done -> { }, ex -> {
            log.warn("Tokens of tenant '{}' counted in this gateway's memory: Redis failed ({})", tenant, ex.toString());
            fallback.record(tenant, tokens);
        });
    }

    @Override
    public void record(String tenant, long tokens) {
        if (tokens <= 0) {
            return;
        }
        Windows now = Windows.at(clock.instant());
        String[] args = {Long.toString(tokens), MINUTE_TTL, DAY_TTL, MONTH_TTL, MINUTE_TTL, DAY_TTL, MONTH_TTL};
        Mono<List<Object>> reply = redis.eval(record, counterKeys(tenant, now), args, timeout);
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
        Windows now = Windows.at(clock.instant());
        String[] counters = counterKeys(tenant, now);
        String[] keys = new String[7];
        System.arraycopy(counters, 0, keys, 0, 6);
        keys[6] = KEY_PREFIX + "counted:" + key;
        String[] args = {Long.toString(Math.max(0, tokens)), MINUTE_TTL, DAY_TTL, MONTH_TTL, MINUTE_TTL, DAY_TTL, MONTH_TTL,
                DAY_TTL, Long.toString(now.minute()), Long.toString(now.day()), Long.toString(now.month())};
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

    private static String[] counterKeys(String tenant, Windows now) {
        return new String[] {
                key(tenant, "tokens", now.minute()), key(tenant, "tokens-day", now.day()),
                key(tenant, "tokens-month", now.month()), key(GLOBAL, "tokens", now.minute()),
                key(GLOBAL, "tokens-day", now.day()), key(GLOBAL, "tokens-month", now.month())};
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
