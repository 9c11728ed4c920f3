package io.meridian.gateway.tenant;

import io.meridian.gateway.redis.SharedRedis;
import io.meridian.gateway.redis.SharedRedis.Script;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Counters in the Redis the gateways share, so that a tenant's limits hold across every replica:
 * one key per account (a tenant, the deployment, or a tenant's key: {@code <tenant>:key:<key id>}),
 * kind and window ({@code meridian:usage:<account>:<kind>:<window>}, kinds {@code tokens} and
 * {@code spend} per minute, {@code -day}, {@code -month}), each expiring after its window, and per
 * tenant (and for the deployment) the tokens and spend held by requests in flight ({@code :held},
 * {@code :spend-held}) with the holds themselves in sorted sets by expiry ({@code :holds},
 * {@code :spend-holds}). Spend is in integer micro-units, so every sum in Redis is an exact INCRBY.
 *
 * <p>Design note. A reservation is one script: give back expired holds, count the request, read
 * the windows and the holds, and, when the tokens and their spend fit under every limit, hold
 * them; a settle is another: drop the hold and count the real usage, the tenant's, its key's and
 * the deployment's. Spend holds have sorted sets of their own, so a hold's member keeps the format
 * gateways of an earlier version read ({@code <id>:<tokens>}). Redis runs each script alone, so requests on
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
     * KEYS: requests this minute; tokens this minute, today, this month, global today, global month;
     * held, holds, global held, global holds; spend this minute, today, this month, global today,
     * global month; spend held, spend holds, global spend held, global spend holds. ARGV: now (ms),
     * hold id, tokens, expiry (ms), the eleven limits (-1: none) in {@link Usage.Limit} order, the
     * holds' keys' lifetime (ms), spend. Reply: the refusing limit's index + 1 (0: admitted), then
     * the usage seen (requests, five token figures, five spend figures).
     */
    static final String RESERVE = EXPIRE_HOLDS + """
            expire(KEYS[7], KEYS[8])
            expire(KEYS[9], KEYS[10])
            expire(KEYS[16], KEYS[17])
            expire(KEYS[18], KEYS[19])
            local requests = redis.call('INCR', KEYS[1])
            if requests == 1 then redis.call('EXPIRE', KEYS[1], 120) end
            local used = redis.call('MGET', KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[9],
              KEYS[11], KEYS[12], KEYS[13], KEYS[14], KEYS[15], KEYS[16], KEYS[18])
            local held = {tonumber(used[6]) or 0, tonumber(used[7]) or 0, tonumber(used[13]) or 0, tonumber(used[14]) or 0}
            local reply = {0, requests}
            for i = 1, 3 do reply[i + 2] = (tonumber(used[i]) or 0) + held[1] end
            for i = 4, 5 do reply[i + 2] = (tonumber(used[i]) or 0) + held[2] end
            for i = 1, 3 do reply[i + 7] = (tonumber(used[i + 7]) or 0) + held[3] end
            for i = 4, 5 do reply[i + 7] = (tonumber(used[i + 7]) or 0) + held[4] end
            local rpm = tonumber(ARGV[5])
            if rpm >= 0 and requests > rpm then reply[1] = 1; return reply end
            local tokens = tonumber(ARGV[3])
            local spend = tonumber(ARGV[17])
            for i = 1, 10 do
              local asked = tokens
              if i > 5 then asked = spend end
              local limit = tonumber(ARGV[5 + i])
              if asked > 0 and limit >= 0 and (reply[i + 2] >= limit or asked > limit - reply[i + 2]) then
                reply[1] = i + 1
                return reply
              end
            end
            if tokens > 0 then
              local member = ARGV[2] .. ':' .. ARGV[3]
              redis.call('INCRBY', KEYS[7], tokens)
              redis.call('ZADD', KEYS[8], ARGV[4], member)
              redis.call('INCRBY', KEYS[9], tokens)
              redis.call('ZADD', KEYS[10], ARGV[4], member)
            end
            if spend > 0 then
              local member = ARGV[2] .. ':' .. ARGV[17]
              redis.call('INCRBY', KEYS[16], ARGV[17])
              redis.call('ZADD', KEYS[17], ARGV[4], member)
              redis.call('INCRBY', KEYS[18], ARGV[17])
              redis.call('ZADD', KEYS[19], ARGV[4], member)
            end
            if tokens > 0 or spend > 0 then
              for _, i in ipairs({7, 8, 9, 10, 16, 17, 18, 19}) do redis.call('PEXPIRE', KEYS[i], ARGV[16]) end
            end
            return reply
            """;

    /**
     * KEYS: the nine token counters (tenant minute, day, month; global minute, day, month; key
     * minute, day, month), the nine spend counters in the same order, held, holds, global held,
     * global holds, spend held, spend holds, global spend held, global spend holds, and, for a task,
     * its charge's key. ARGV: the token hold's member, its tokens, the tokens to count, the spend
     * hold's member, its spend, the spend to count, the minute's, day's and month's counters'
     * lifetimes (s), how many of each nine counters count (9 with a key, 6 without), and, for a task,
     * its charge ("tokens minute day month spend input-price output-price") and the charge's lifetime (s).
     */
    static final String SETTLE = """
            if redis.call('ZREM', KEYS[20], ARGV[1]) == 1 then redis.call('DECRBY', KEYS[19], ARGV[2]) end
            if redis.call('ZREM', KEYS[22], ARGV[1]) == 1 then redis.call('DECRBY', KEYS[21], ARGV[2]) end
            if redis.call('ZREM', KEYS[24], ARGV[4]) == 1 then redis.call('DECRBY', KEYS[23], ARGV[5]) end
            if redis.call('ZREM', KEYS[26], ARGV[4]) == 1 then redis.call('DECRBY', KEYS[25], ARGV[5]) end
            local counters = tonumber(ARGV[10])
            for _, counted in ipairs({{0, ARGV[3]}, {9, ARGV[6]}}) do
              if tonumber(counted[2]) > 0 then
                for i = 1, counters do
                  redis.call('INCRBY', KEYS[counted[1] + i], counted[2])
                  redis.call('EXPIRE', KEYS[counted[1] + i], ARGV[7 + (i - 1) % 3])
                end
              end
            end
            if #KEYS == 27 then redis.call('SET', KEYS[27], ARGV[11], 'EX', ARGV[12]) end
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
     * Counts a report once per KEYS[13] (kept ARGV[7] seconds): later reports count nothing. KEYS:
     * the six token counters (tenant minute, day, month; global minute, day, month), the six spend
     * counters, the report's key. ARGV: prompt, completion, the spend when nothing was charged, the
     * minute's, day's and month's lifetimes (s), the key's lifetime, the current minute, day, month.
     * When KEYS[13] holds a task's charge ("tokens minute day month spend input output"; a charge
     * without the last three is one made before spend was counted), the report corrects it, tokens
     * and spend at the charge's prices: the excess is added, a shortfall refunded to the windows
     * the charge went to while they are current.
     */
    static final String RECORD_ONCE = """
            local prior = redis.call('GET', KEYS[13])
            if prior and not string.find(prior, ' ') then return {0} end
            redis.call('SET', KEYS[13], 'counted', 'EX', ARGV[7])
            local prompt = tonumber(ARGV[1])
            local completion = tonumber(ARGV[2])
            local function add(from, amount)
              if amount > 0 then
                for i = 1, 6 do
                  redis.call('INCRBY', KEYS[from + i], string.format('%.0f', amount))
                  redis.call('EXPIRE', KEYS[from + i], ARGV[4 + (i - 1) % 3])
                end
              end
            end
            if not prior then
              add(0, prompt + completion)
              add(6, tonumber(ARGV[3]))
              return {1}
            end
            local charged, minute, day, month, spent, input, output =
              string.match(prior, '^(%d+) (%d+) (%d+) (%d+) (%d+) (%d+) (%d+)$')
            if not charged then
              charged, minute, day, month = string.match(prior, '^(%d+) (%d+) (%d+) (%d+)$')
              spent, input, output = '0', '0', '0'
            end
            local windows = {minute, day, month}
            local function correct(from, delta)
              if delta > 0 then
                add(from, delta)
              elseif delta < 0 then
                for i = 1, 3 do
                  if windows[i] == ARGV[7 + i] then
                    for _, key in ipairs({KEYS[from + i], KEYS[from + i + 3]}) do
                      if redis.call('DECRBY', key, string.format('%.0f', -delta)) < 0 then redis.call('SET', key, 0, 'KEEPTTL') end
                    end
                  end
                end
              end
            end
            correct(0, prompt + completion - tonumber(charged))
            local spend = math.ceil((prompt * tonumber(input) + completion * tonumber(output)) / 1000000)
            correct(6, spend - tonumber(spent))
            return {1}
            """;

    /** KEYS: an account's tokens this minute, today, this month, and its spend in the same windows. */
    static final String FIGURES = """
            local values = redis.call('MGET', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
            local reply = {}
            for i = 1, 6 do reply[i] = tonumber(values[i]) or 0 end
            return reply
            """;

    private static final String MINUTE_TTL = "120";
    private static final String DAY_TTL = Long.toString(Duration.ofDays(2).toSeconds());
    private static final String MONTH_TTL = Long.toString(Duration.ofDays(62).toSeconds());
    private static final String[] TTLS = {MINUTE_TTL, DAY_TTL, MONTH_TTL, MINUTE_TTL, DAY_TTL, MONTH_TTL};
    /** The key account a settle without a key counts nothing into (its counters are named but not written). */
    private static final String NO_KEY = "-";

    private final SharedRedis redis;
    private final boolean ownsRedis;
    private final Script reserve = Script.of(RESERVE);
    private final Script settle = Script.of(SETTLE);
    private final Script record = Script.of(RECORD);
    private final Script recordOnce = Script.of(RECORD_ONCE);
    private final Script figures = Script.of(FIGURES);
    private final LocalUsageLedger fallback;
    private final Clock clock;
    private final Duration timeout;
    private final Duration holdTtl;

    public RedisUsageLedger(String redisUrl, LocalUsageLedger fallback, Clock clock, Duration timeout) {
        this(redisUrl, fallback, clock, timeout, Duration.ofMinutes(15));
    }

    /** A ledger on a Redis of its own, which it closes when it closes. */
    public RedisUsageLedger(String redisUrl, LocalUsageLedger fallback, Clock clock, Duration timeout, Duration holdTtl) {
        this(new SharedRedis(redisUrl, "budgets"), true, fallback, clock, timeout, holdTtl);
    }

    /** A ledger on the gateway's shared Redis, which stays open when it closes. */
    public RedisUsageLedger(SharedRedis redis, LocalUsageLedger fallback, Clock clock, Duration timeout, Duration holdTtl) {
        this(redis, false, fallback, clock, timeout, holdTtl);
    }

    private RedisUsageLedger(SharedRedis redis, boolean ownsRedis, LocalUsageLedger fallback, Clock clock,
            Duration timeout, Duration holdTtl) {
        this.redis = redis;
        this.ownsRedis = ownsRedis;
        this.fallback = fallback;
        this.clock = clock;
        this.timeout = timeout;
        this.holdTtl = holdTtl;
    }

    @Override
    public Mono<Hold> reserve(String tenant, @Nullable String key, TenantProperties.Limits limits,
            TenantProperties.Limits global, long tokens, long spend) {
        Windows now = Windows.at(clock.instant());
        long nowMillis = clock.millis();
        String id = UUID.randomUUID().toString();
        long asked = Math.max(0, tokens);
        long priced = Math.max(0, spend);
        String[] keys = {
                key(tenant, "requests", now.minute()), key(tenant, "tokens", now.minute()),
                key(tenant, "tokens-day", now.day()), key(tenant, "tokens-month", now.month()),
                key(GLOBAL, "tokens-day", now.day()), key(GLOBAL, "tokens-month", now.month()),
                KEY_PREFIX + tenant + ":held", KEY_PREFIX + tenant + ":holds",
                KEY_PREFIX + GLOBAL + ":held", KEY_PREFIX + GLOBAL + ":holds",
                key(tenant, "spend", now.minute()), key(tenant, "spend-day", now.day()),
                key(tenant, "spend-month", now.month()), key(GLOBAL, "spend-day", now.day()),
                key(GLOBAL, "spend-month", now.month()),
                KEY_PREFIX + tenant + ":spend-held", KEY_PREFIX + tenant + ":spend-holds",
                KEY_PREFIX + GLOBAL + ":spend-held", KEY_PREFIX + GLOBAL + ":spend-holds"};
        long[] caps = Usage.limits(limits, global);
        String[] args = new String[17];
        args[0] = Long.toString(nowMillis);
        args[1] = id;
        args[2] = Long.toString(asked);
        args[3] = Long.toString(nowMillis + holdTtl.toMillis());
        for (int i = 0; i < caps.length; i++) {
            args[4 + i] = Long.toString(caps[i]);
        }
        args[15] = Long.toString(2 * holdTtl.toMillis());
        args[16] = Long.toString(priced);
        Mono<List<Object>> reply = redis.eval(reserve, keys, args, timeout);
        if (reply == null) {
            return fallback.reserve(tenant, key, limits, global, tokens, spend);
        }
        return reply
                .map(values -> {
                    Usage usage = new Usage(number(values, 1), number(values, 2), number(values, 3), number(values, 4),
                            number(values, 5), number(values, 6), number(values, 7), number(values, 8), number(values, 9),
                            number(values, 10), number(values, 11));
                    int refused = (int) number(values, 0);
                    String limit = refused == 0 ? null : Usage.Limit.NAMES[refused - 1];
                    return new Hold(id, tenant, key, limit == null ? asked : 0, limit == null ? priced : 0, usage, limit, false);
                })
                .onErrorResume(ex -> {
                    log.warn("Budgets fall back to this gateway's memory: Redis failed ({})", ex.toString());
                    return fallback.reserve(tenant, key, limits, global, tokens, spend);
                });
    }

    @Override
    public void settle(Hold hold, long tokens, long spend) {
        settle(hold, Math.max(0, tokens), Math.max(0, spend), null, Price.FREE);
    }

    @Override
    public void settleAsTask(Hold hold, String key, Price price) {
        settle(hold, hold.tokens(), hold.spend(), key, price);
    }

    private void settle(Hold hold, long tokens, long spend, @Nullable String task, Price price) {
        if (hold.local()) {
            if (task != null) {
                fallback.settleAsTask(hold, task, price);
            } else {
                fallback.settle(hold, tokens, spend);
            }
            return;
        }
        Windows now = Windows.at(clock.instant());
        String tenant = hold.tenant();
        String account = UsageLedger.keyAccount(tenant, hold.key() != null ? hold.key() : NO_KEY);
        String[] keys = new String[task == null ? 26 : 27];
        String[] tenantCounters = counterKeys(tenant, now);
        String[] keyCounters = counterKeys(account, now);
        String[] globalCounters = counterKeys(GLOBAL, now);
        for (int i = 0; i < 3; i++) {
            keys[i] = tenantCounters[i];
            keys[3 + i] = globalCounters[i];
            keys[6 + i] = keyCounters[i];
            keys[9 + i] = tenantCounters[3 + i];
            keys[12 + i] = globalCounters[3 + i];
            keys[15 + i] = keyCounters[3 + i];
        }
        keys[18] = KEY_PREFIX + tenant + ":held";
        keys[19] = KEY_PREFIX + tenant + ":holds";
        keys[20] = KEY_PREFIX + GLOBAL + ":held";
        keys[21] = KEY_PREFIX + GLOBAL + ":holds";
        keys[22] = KEY_PREFIX + tenant + ":spend-held";
        keys[23] = KEY_PREFIX + tenant + ":spend-holds";
        keys[24] = KEY_PREFIX + GLOBAL + ":spend-held";
        keys[25] = KEY_PREFIX + GLOBAL + ":spend-holds";
        String[] args = new String[task == null ? 10 : 12];
        args[0] = hold.id() + ":" + hold.tokens();
        args[1] = Long.toString(hold.tokens());
        args[2] = Long.toString(tokens);
        args[3] = hold.id() + ":" + hold.spend();
        args[4] = Long.toString(hold.spend());
        args[5] = Long.toString(spend);
        args[6] = MINUTE_TTL;
        args[7] = DAY_TTL;
        args[8] = MONTH_TTL;
        args[9] = hold.key() != null ? "9" : "6";
        if (task != null) {
            keys[26] = KEY_PREFIX + "counted:" + task;
            args[10] = tokens + " " + now.minute() + " " + now.day() + " " + now.month() + " " + spend + " "
                    + price.inputPerMillion() + " " + price.outputPerMillion();
            args[11] = DAY_TTL;
        }
        Mono<List<Object>> reply = hold.tokens() == 0 && hold.spend() == 0 && tokens == 0 && spend == 0 && task == null
                ? Mono.empty() : redis.eval(settle, keys, args, timeout);
        if (reply == null) {
            // The hold stays in Redis until its TTL; the usage is counted here meanwhile.
            fallback.record(tenant, hold.key(), tokens, spend);
            return;
        }
        reply.subscribe(done -> { }, ex -> {
            log.warn("Usage of tenant '{}' counted in this gateway's memory: Redis failed ({})", tenant, ex.toString());
            fallback.record(tenant, hold.key(), tokens, spend);
        });
    }

    @Override
    public void record(String tenant, long tokens) {
        if (tokens <= 0) {
            return;
        }
        Windows now = Windows.at(clock.instant());
        String[] args = {Long.toString(tokens), MINUTE_TTL, DAY_TTL, MONTH_TTL, MINUTE_TTL, DAY_TTL, MONTH_TTL};
        String[] own = counterKeys(tenant, now);
        String[] all = counterKeys(GLOBAL, now);
        String[] keys = {own[0], own[1], own[2], all[0], all[1], all[2]};
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
    public void recordOnce(String tenant, String key, long prompt, long completion, Price price) {
        Windows now = Windows.at(clock.instant());
        String[] own = counterKeys(tenant, now);
        String[] all = counterKeys(GLOBAL, now);
        String[] keys = {own[0], own[1], own[2], all[0], all[1], all[2], own[3], own[4], own[5], all[3], all[4], all[5],
                KEY_PREFIX + "counted:" + key};
        long promptTokens = Math.max(0, prompt);
        long completionTokens = Math.max(0, completion);
        String[] args = {Long.toString(promptTokens), Long.toString(completionTokens),
                Long.toString(price.of(promptTokens, completionTokens)), MINUTE_TTL, DAY_TTL, MONTH_TTL, DAY_TTL,
                Long.toString(now.minute()), Long.toString(now.day()), Long.toString(now.month())};
        Mono<List<Object>> reply = redis.eval(recordOnce, keys, args, timeout);
        if (reply == null) {
            fallback.recordOnce(tenant, key, prompt, completion, price);
            return;
        }
        reply.subscribe(done -> { }, ex -> {
            log.warn("Tokens of tenant '{}' counted in this gateway's memory: Redis failed ({})", tenant, ex.toString());
            fallback.recordOnce(tenant, key, prompt, completion, price);
        });
    }

    /**
     * The account's figures in Redis, plus what this gateway counted in its memory while Redis was
     * away (so a tenant's own view never loses usage it was charged); this gateway's memory alone
     * while Redis is unreachable.
     */
    @Override
    public Mono<Figures> figures(String account) {
        Mono<List<Object>> reply = redis.eval(figures, counterKeys(account, Windows.at(clock.instant())), new String[0], timeout);
        Mono<Figures> local = fallback.figures(account);
        if (reply == null) {
            return local;
        }
        return reply.zipWith(local, (values, here) -> new Figures(
                        number(values, 0) + here.tokensThisMinute(), number(values, 1) + here.tokensToday(),
                        number(values, 2) + here.tokensThisMonth(), number(values, 3) + here.spendThisMinute(),
                        number(values, 4) + here.spendToday(), number(values, 5) + here.spendThisMonth(), true))
                .onErrorResume(ex -> local);
    }

    /** Whether the counters are shared right now. */
    public boolean isShared() {
        return redis.isShared();
    }

    /** An account's tokens this minute, today, this month, then its spend in the same windows. */
    private static String[] counterKeys(String account, Windows now) {
        return new String[] {
                key(account, "tokens", now.minute()), key(account, "tokens-day", now.day()),
                key(account, "tokens-month", now.month()), key(account, "spend", now.minute()),
                key(account, "spend-day", now.day()), key(account, "spend-month", now.month())};
    }

    private static String key(String tenant, String kind, long window) {
        return KEY_PREFIX + tenant + ":" + kind + ":" + window;
    }

    private static long number(List<Object> values, int index) {
        return values.size() > index && values.get(index) instanceof Number n ? n.longValue() : 0;
    }

    @Override
    public void close() {
        if (ownsRedis) {
            redis.close();
        }
    }
}
