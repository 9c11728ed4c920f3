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
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Counters in this gateway's memory: exact for one gateway, per gateway when there are several
 * (then {@link RedisUsageLedger} shares them), and the fallback while Redis is unreachable. One
 * entry per account (the configured tenants, the anonymous one, the deployment, and each key that
 * was used), each rolling its windows over when a new one starts.
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
    public Mono<Hold> reserve(String tenant, @Nullable String key, TenantProperties.Limits limits,
            TenantProperties.Limits global, long tokens, long spend) {
        return Mono.just(reserveNow(tenant, key, limits, global, tokens, spend));
    }

    synchronized Hold reserveNow(String tenant, @Nullable String key, TenantProperties.Limits limits,
            TenantProperties.Limits global, long tokens, long spend) {
        long nowMillis = clock.millis();
        expire(nowMillis);
        Windows now = Windows.at(clock.instant());
        Counters own = counters(tenant).roll(now);
        Counters all = counters(GLOBAL).roll(now);
        own.requestsMinute++;
        Usage usage = new Usage(own.requestsMinute, own.tokens.minute + own.held, own.tokens.day + own.held,
                own.tokens.month + own.held, all.tokens.day + all.held, all.tokens.month + all.held,
                own.spend.minute + own.heldSpend, own.spend.day + own.heldSpend, own.spend.month + own.heldSpend,
                all.spend.day + all.heldSpend, all.spend.month + all.heldSpend);
        tokens = Math.max(0, tokens);
        spend = Math.max(0, spend);
        String refused = usage.refusal(Usage.limits(limits, global), tokens, spend);
        String id = UUID.randomUUID().toString();
        if (refused != null || tokens <= 0 && spend <= 0) {
            return new Hold(id, tenant, key, 0, 0, usage, refused, true);
        }
        own.held += tokens;
        all.held += tokens;
        own.heldSpend += spend;
        all.heldSpend += spend;
        holds.put(id, new Held(tenant, tokens, spend, nowMillis + holdTtl.toMillis()));
        return new Hold(id, tenant, key, tokens, spend, usage, null, true);
    }

    @Override
    public synchronized void settle(Hold hold, long tokens, long spend) {
        release(hold);
        add(hold.tenant(), hold.key(), Windows.at(clock.instant()), tokens, spend);
    }

    @Override
    public synchronized void settleAsTask(Hold hold, String key, Price price) {
        release(hold);
        Windows now = Windows.at(clock.instant());
        add(hold.tenant(), hold.key(), now, hold.tokens(), hold.spend());
        counted.put(key, new Charge(hold.tokens(), hold.spend(), price, now));
    }

    @Override
    public synchronized void record(String tenant, long tokens) {
        add(tenant, null, Windows.at(clock.instant()), tokens, 0);
    }

    /** Counts usage without a hold, spend included: what a settle counts while Redis fails it. */
    synchronized void record(String tenant, @Nullable String key, long tokens, long spend) {
        add(tenant, key, Windows.at(clock.instant()), tokens, spend);
    }

    @Override
    public synchronized void recordOnce(String tenant, String key, long prompt, long completion, Price price) {
        Charge prior = counted.getIfPresent(key);
        if (prior == Charge.COUNTED) {
            return;
        }
        counted.put(key, Charge.COUNTED);
        Windows now = Windows.at(clock.instant());
        long tokens = Math.max(0, prompt) + Math.max(0, completion);
        if (prior == null) {
            add(tenant, null, now, tokens, price.of(prompt, completion));
            return;
        }
        correct(tenant, now, prior, tokens - prior.tokens(), true);
        correct(tenant, now, prior, prior.price().of(prompt, completion) - prior.spend(), false);
    }

    /** Adds a task's excess, or refunds its shortfall to the windows its charge went to while they last. */
    private void correct(String tenant, Windows now, Charge prior, long delta, boolean tokens) {
        if (delta > 0) {
            add(tenant, null, now, tokens ? delta : 0, tokens ? 0 : delta);
        } else if (delta < 0) {
            for (String account : new String[] {tenant, GLOBAL}) {
                Counters counters = counters(account).roll(now);
                (tokens ? counters.tokens : counters.spend).refund(now, prior.windows(), -delta);
            }
        }
    }

    @Override
    public synchronized Mono<Figures> figures(String account) {
        Counters counters = tenants.get(account);
        if (counters == null) {
            return Mono.just(new Figures(0, 0, 0, 0, 0, 0, false));
        }
        counters.roll(Windows.at(clock.instant()));
        return Mono.just(new Figures(counters.tokens.minute, counters.tokens.day, counters.tokens.month,
                counters.spend.minute, counters.spend.day, counters.spend.month, false));
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
            giveBack(held);
        }
    }

    private void expire(long nowMillis) {
        for (Iterator<Held> it = holds.values().iterator(); it.hasNext(); ) {
            Held held = it.next();
            if (held.expiresAt() > nowMillis) {
                return;
            }
            it.remove();
            giveBack(held);
        }
    }

    private void giveBack(Held held) {
        for (Counters counters : new Counters[] {counters(held.tenant()), counters(GLOBAL)}) {
            counters.held -= held.tokens();
            counters.heldSpend -= held.spend();
        }
    }

    private void add(String tenant, @Nullable String key, Windows now, long tokens, long spend) {
        tokens = Math.max(0, tokens);
        spend = Math.max(0, spend);
        if (tokens == 0 && spend == 0) {
            return;
        }
        counters(tenant).roll(now).add(tokens, spend);
        counters(GLOBAL).roll(now).add(tokens, spend);
        if (key != null) {
            counters(UsageLedger.keyAccount(tenant, key)).roll(now).add(tokens, spend);
        }
    }

    private Counters counters(String tenant) {
        return tenants.computeIfAbsent(tenant, name -> new Counters());
    }

    private record Held(String tenant, long tokens, long spend, long expiresAt) {
    }

    /** A task's charge at acceptance, the price of its usage and the windows it went to; {@link #COUNTED} once its usage was reported. */
    private record Charge(long tokens, long spend, Price price, Windows windows) {
        static final Charge COUNTED = new Charge(-1, -1, Price.FREE, new Windows(-1, -1, -1));
    }

    /** One quantity (tokens or spend) in this minute, today and this month; guarded by the ledger's lock. */
    private static final class Window {
        private long minute;
        private long day;
        private long month;

        void add(long amount) {
            minute = saturated(minute, amount);
            day = saturated(day, amount);
            month = saturated(month, amount);
        }

        void refund(Windows now, Windows charged, long amount) {
            if (now.minute() == charged.minute()) {
                minute = Math.max(0, minute - amount);
            }
            if (now.day() == charged.day()) {
                day = Math.max(0, day - amount);
            }
            if (now.month() == charged.month()) {
                month = Math.max(0, month - amount);
            }
        }

        void roll(Windows now, Windows before) {
            if (now.minute() != before.minute()) {
                minute = 0;
            }
            if (now.day() != before.day()) {
                day = 0;
            }
            if (now.month() != before.month()) {
                month = 0;
            }
        }

        private static long saturated(long a, long b) {
            long sum = a + b;
            return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
        }
    }

    /** Requests this minute, tokens and spend per window, and what is held; guarded by the ledger's lock. */
    private static final class Counters {
        private Windows windows = new Windows(-1, -1, -1);
        private long requestsMinute;
        private final Window tokens = new Window();
        private final Window spend = new Window();
        private long held;
        private long heldSpend;

        void add(long tokenCount, long micros) {
            tokens.add(tokenCount);
            spend.add(micros);
        }

        Counters roll(Windows now) {
            if (now.minute() != windows.minute()) {
                requestsMinute = 0;
            }
            tokens.roll(now, windows);
            spend.roll(now, windows);
            windows = now;
            return this;
        }
    }
}
