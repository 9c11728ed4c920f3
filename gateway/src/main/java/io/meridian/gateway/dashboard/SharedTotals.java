package io.meridian.gateway.dashboard;

import io.meridian.gateway.redis.SharedRedis;
import io.meridian.gateway.redis.SharedRedis.Script;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * The dashboard's counters summed over every gateway on one Redis, so that the dashboard of any
 * gateway shows the same totals: requests per client country and per region, failovers and
 * duplicates.
 *
 * <p>Design note: each gateway writes its own totals since it started, as absolute values, into a
 * hash of its own ({@value #GATEWAY_PREFIX}{@code <random id>}, kept {@link #KEPT} after its last
 * write) listed in the set {@value #GATEWAYS}, and reads back the sum over every listed hash that
 * still exists, all in one script per dashboard poll, never on the request path. Writing totals
 * rather than increments makes a write repeated after a lost reply harmless: nothing is counted
 * twice, and nothing is lost while Redis is away, since the next write carries everything. A
 * gateway that stopped still counts until its hash expires.
 */
final class SharedTotals {

    static final String GATEWAYS = "meridian:dashboard:gateways";
    static final String GATEWAY_PREFIX = "meridian:dashboard:gateway:";

    /** How long a gateway's totals outlive its last write. */
    static final Duration KEPT = Duration.ofDays(1);

    /** KEYS: this gateway's hash, the set of hashes; ARGV: lifetime (ms), then field, value pairs. */
    private static final Script EXCHANGE = Script.of("""
            redis.call('HSET', KEYS[1], '_', '1')
            for i = 2, #ARGV, 2 do
              redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            redis.call('SADD', KEYS[2], KEYS[1])
            local totals = {}
            for _, member in ipairs(redis.call('SMEMBERS', KEYS[2])) do
              local values = redis.call('HGETALL', member)
              if #values == 0 then
                redis.call('SREM', KEYS[2], member)
              else
                for j = 1, #values, 2 do
                  if values[j] ~= '_' then
                    totals[values[j]] = (totals[values[j]] or 0) + tonumber(values[j + 1])
                  end
                end
              end
            end
            local out = {}
            for field, total in pairs(totals) do
              out[#out + 1] = field
              out[#out + 1] = string.format('%d', total)
            end
            return out
            """);

    private final SharedRedis redis;
    private final Duration timeout;
    private final String key = GATEWAY_PREFIX + UUID.randomUUID();

    SharedTotals(SharedRedis redis, Duration timeout) {
        this.redis = redis;
        this.timeout = timeout;
    }

    /**
     * Writes this gateway's totals and answers every gateway's sums, or an empty Mono while Redis
     * is unreachable or failing (the dashboard then shows this gateway's own).
     */
    Mono<Map<String, Long>> exchange(Map<String, Long> own) {
        List<String> args = new ArrayList<>(1 + 2 * own.size());
        args.add(Long.toString(KEPT.toMillis()));
        own.forEach((field, value) -> {
            args.add(field);
            args.add(Long.toString(value));
        });
        Mono<List<Object>> reply = redis.eval(EXCHANGE, new String[] {key, GATEWAYS}, args.toArray(String[]::new), timeout);
        if (reply == null) {
            return Mono.empty();
        }
        return reply.map(SharedTotals::totals).onErrorResume(e -> Mono.empty());
    }

    private static Map<String, Long> totals(List<Object> reply) {
        Map<String, Long> totals = new HashMap<>();
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            totals.put(String.valueOf(reply.get(i)), Long.parseLong(String.valueOf(reply.get(i + 1))));
        }
        return totals;
    }
}
