package io.meridian.gateway.tenant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * Counters in this gateway's memory: exact for one gateway, per gateway when there are several
 * (then {@link RedisUsageLedger} shares them), and the fallback while Redis is unreachable. One
 * entry per tenant (the configured ones, the anonymous one and the deployment), each rolling its
 * windows over when a new one starts.
 *
 * <p>Design note. Every check-and-hold and every settle runs under one lock, the ledger's: the
 * deployment's counters are shared by every tenant, so a lock per tenant would let two tenants
 * pass the global cap together. Each step is a few additions, so the lock is held for far less than
 * a request takes to parse. Holds are kept in the order they were made, which with one TTL is the
 * order they expire in: each reservation first gives back the expired ones at the head.
 */
public final class LocalUsageLedger implements UsageLedger {

    private final Clock clock;
    private final Duration holdTtl;
    private final Map<String, Counters> tenants = new HashMap<>();
    private final LinkedHashMap<String, Held> holds = new LinkedHashMap<>();
    /** Tasks charged at acceptance and keys already counted by {@link #recordOnce}: bounded, forgotten after a day. */
    private final Cache<String, Charge> counted = Caffeine.newBuilder().maximumSize(1_000_000)
            .expireAfterWrite(Duration.ofDays(1)).build();

    public LocalUsageLedger(Clock clock) {
        this(clock, Duration.ofMinutes(15));
    }

    public LocalUsageLedger(Clock clock, Duration holdTtl) {
        this.clock = clock;
        this.holdTtl = holdTtl;
    }

    @Override
    public Mono<Hold> reserve(String tenant, TenantProperties.Limits limits, TenantProperties.Limits global, long tokens) {
        return Mono.just(reserveNow(tenant, limits, global, tokens));
    }

    synchronized Hold reserveNow(String tenant, TenantProperties.Limits limits, TenantProperties.Limits global, long tokens) {
        long nowMillis = clock.millis();
        expire(nowMillis);
        Windows now = Windows.at(clock.instant());
        Counters own = counters(tenant).roll(now);
        Counters all = counters(GLOBAL).roll(now);
        own.requestsMinute++;
        Usage usage = new Usage(own.requestsMinute, own.tokensMinute + own.held, own.tokensDay + own.held,
                own.tokensMonth + own.held, all.tokensDay + all.held, all.tokensMonth + all.held);
        String refused = usage.refusal(Usage.limits(limits, global), tokens);
        String id = UUID.randomUUID().toString();
        if (refused != null || tokens <= 0) {
            return new Hold(id, tenant, 0, usage, refused, true);
        }
        own.held += tokens;
        all.held += tokens;
        holds.put(id, new Held(tenant, tokens, nowMillis + holdTtl.toMillis()));
        return new Hold(id, tenant, tokens, usage, null, true);
    }

    @Override
    public synchronized void settle(Hold hold, long tokens) {
        release(hold);
        add(hold.tenant(), Windows.at(clock.instant()), tokens);
    }

    @Override
    public synchronized void settleAsTask(Hold hold, String key) {
        release(hold);
        Windows now = Windows.at(clock.instant());
        add(hold.tenant(), now, hold.tokens());
        counted.put(key, new Charge(hold.tokens(), now));
    }

    @Override
    public synchronized void record(String tenant, long tokens) {
        add(tenant, Windows.at(clock.instant()), tokens);
    }

    @Override
    public synchronized void recordOnce(String tenant, String key, long tokens) {
        Charge prior = counted.getIfPresent(key);
        if (prior == Charge.COUNTED) {
            return;
        }
        counted.put(key, Charge.COUNTED);
        Windows now = Windows.at(clock.instant());
        if (prior == null) {
            add(tenant, now, tokens);
            return;
        }
        long delta = tokens - prior.tokens();
        if (delta > 0) {
            add(tenant, now, delta);
        } else if (delta < 0) {
            // A refund goes back only into the windows the charge went to, while they last.
            counters(tenant).roll(now).refund(now, prior.windows(), -delta);
            counters(GLOBAL).roll(now).refund(now, prior.windows(), -delta);
        }
    }

    /** Tokens held right now by {@code tenant}'s requests in flight (expired holds already given back). */
    synchronized long held(String tenant) {
        expire(clock.millis());
        Counters counters = tenants.get(tenant);
        return counters == null ? 0 : counters.held;
    }

    private void release(Hold hold) {
        Held held = holds.remove(hold.id());
        if (held != null) {
            counters(held.tenant()).held -= held.tokens();
            counters(GLOBAL).held -= held.tokens();
        }
    }

    private void expire(long nowMillis) {
        for (Iterator<Held> it = holds.values().iterator(); it.hasNext(); ) {
            Held held = it.next();
            if (held.expiresAt() > nowMillis) {
                return;
            }
            it.remove();
            counters(held.tenant()).held -= held.tokens();
            counters(GLOBAL).held -= held.tokens();
        }
    }

    private void add(String tenant, Windows now, long tokens) {
        if (tokens > 0) {
            counters(tenant).roll(now).add(tokens);
            counters(GLOBAL).roll(now).add(tokens);
        }
    }

    private Counters counters(String tenant) {
        return tenants.computeIfAbsent(tenant, key -> new Counters());
    }

    private record Held(String tenant, long tokens, long expiresAt) {
    }

    /** A task's charge at acceptance and the windows it went to; {@link #COUNTED} once its usage was reported. */
    private record Charge(long tokens, Windows windows) {
        static final Charge COUNTED = new Charge(-1, new Windows(-1, -1, -1));
    }

    /** Requests this minute, tokens this minute, today, this month, and tokens held; guarded by the ledger's lock. */
    private static final class Counters {
        private Windows windows = new Windows(-1, -1, -1);
        private long requestsMinute;
        private long tokensMinute;
        private long tokensDay;
        private long tokensMonth;
        private long held;

        void add(long tokens) {
            tokensMinute += tokens;
            tokensDay += tokens;
            tokensMonth += tokens;
        }

        void refund(Windows now, Windows charged, long tokens) {
            if (now.minute() == charged.minute()) {
                tokensMinute = Math.max(0, tokensMinute - tokens);
            }
            if (now.day() == charged.day()) {
                tokensDay = Math.max(0, tokensDay - tokens);
            }
            if (now.month() == charged.month()) {
                tokensMonth = Math.max(0, tokensMonth - tokens);
            }
        }

        Counters roll(Windows now) {
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
            return this;
        }
    }
}
