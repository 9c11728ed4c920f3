package io.meridian.gateway.tenant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The budgets' meters: {@value #REFUSED} (reservations refused, by tenant and limit),
 * {@value #RESERVED} (tokens reserved by admitted requests, by tenant) and {@value #HELD} (tokens
 * this gateway's requests in flight hold right now), and {@value #SPEND} (what this gateway's
 * requests were charged, in the currency its {@code currency} tag names, by tenant and model: a
 * model not priced is {@code unlisted}). The deployment's spend rate is Prometheus's
 * {@code sum(rate(meridian_spend_total[5m]))}, summed over the gateways.
 */
final class TenantMetrics {

    static final String REFUSED = "meridian.tenant.reservations.refused";
    static final String RESERVED = "meridian.tenant.tokens.reserved";
    static final String HELD = "meridian.tenant.tokens.held";
    static final String SPEND = "meridian.spend";

    private final MeterRegistry registry;
    private final AtomicLong held = new AtomicLong();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    private final String currency;

    TenantMetrics(MeterRegistry registry) {
        this(registry, "USD");
    }

    TenantMetrics(MeterRegistry registry, String currency) {
        this.registry = registry;
        this.currency = currency;
        Gauge.builder(HELD, held, AtomicLong::get).description("Tokens held by this gateway's requests in flight")
                .baseUnit("tokens").register(registry);
    }

    void refused(String tenant, String limit) {
        counters.computeIfAbsent("refused\0" + tenant + "\0" + limit, key -> Counter.builder(REFUSED)
                .description("Requests refused because their token reservation did not fit a limit")
                .tag("tenant", tenant).tag("limit", limit).register(registry)).increment();
    }

    void reserved(String tenant, long tokens) {
        if (tokens > 0) {
            counters.computeIfAbsent("reserved\0" + tenant, key -> Counter.builder(RESERVED)
                    .description("Tokens reserved by admitted requests").baseUnit("tokens")
                    .tag("tenant", tenant).register(registry)).increment(tokens);
        }
    }

    /** Counts {@code micros} of spend of {@code tenant} on {@code model} (a {@link Pricing#tag}). */
    void spent(String tenant, String model, long micros) {
        if (micros > 0) {
            counters.computeIfAbsent("spend\0" + tenant + "\0" + model, key -> Counter.builder(SPEND)
                    .description("What requests were charged for the tokens they used, in the currency of the tag currency ("
                            + currency + ")")
                    .tag("tenant", tenant).tag("model", model).tag("currency", currency).register(registry))
                    .increment(micros / 1_000_000.0);
        }
    }

    void held(long delta) {
        held.addAndGet(delta);
    }
}
