package io.meridian.gateway.tenant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * Counters in this gateway's memory: exact for one gateway, per gateway when there are several
 * (then {@link RedisUsageLedger} shares them), and the fallback while Redis is unreachable. One
 * entry per tenant (the configured ones, the anonymous one and the deployment), each rolling its
 * windows over when a new one starts.
 */
public final class LocalUsageLedger implements UsageLedger {

    private final Clock clock;
    private final Map<String, Counters> tenants = new ConcurrentHashMap<>();
    /** Keys already counted by {@link #recordOnce}: bounded, forgotten after a day. */
    private final Cache<String, Boolean> counted = Caffeine.newBuilder().maximumSize(1_000_000)
            .expireAfterWrite(Duration.ofDays(1)).build();

    public LocalUsageLedger(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Mono<Usage> admit(String tenant) {
        return Mono.just(admitNow(tenant));
    }

    Usage admitNow(String tenant) {
        Windows now = Windows.at(clock.instant());
        Counters own = counters(tenant);
        Counters global = counters(GLOBAL);
        long[] mine = own.admit(now);
        long[] all = global.read(now);
        return new Usage(mine[0], mine[1], mine[2], mine[3], all[2], all[3]);
    }

    @Override
    public void record(String tenant, long tokens) {
        Windows now = Windows.at(clock.instant());
        counters(tenant).add(now, tokens);
        counters(GLOBAL).add(now, tokens);
    }

    @Override
    public void recordOnce(String tenant, String key, long tokens) {
        if (counted.asMap().putIfAbsent(key, Boolean.TRUE) == null) {
            record(tenant, tokens);
        }
    }

    private Counters counters(String tenant) {
        Counters counters = tenants.get(tenant);
        return counters != null ? counters : tenants.computeIfAbsent(tenant, key -> new Counters());
    }

    /** Requests this minute, tokens this minute, today, this month; guarded by its monitor. */
    private static final class Counters {
        private Windows windows = new Windows(-1, -1, -1);
        private long requestsMinute;
        private long tokensMinute;
        private long tokensDay;
        private long tokensMonth;

        synchronized long[] admit(Windows now) {
            roll(now);
            requestsMinute++;
            return new long[] {requestsMinute, tokensMinute, tokensDay, tokensMonth};
        }

        synchronized long[] read(Windows now) {
            roll(now);
            return new long[] {requestsMinute, tokensMinute, tokensDay, tokensMonth};
        }

        synchronized void add(Windows now, long tokens) {
            roll(now);
            tokensMinute += tokens;
            tokensDay += tokens;
            tokensMonth += tokens;
        }

        private void roll(Windows now) {
            if (now.minute() != windows.minute()) {
                requestsMinute = 0;
                tokensMinute = 0;
            }
            if (now.day() != windows.day()) {
                tokensDay = 0;
            }
            if (now.month() != windows.month()) {
                tokensMonth = 0;
            }
            windows = now;
        }
    }
}
