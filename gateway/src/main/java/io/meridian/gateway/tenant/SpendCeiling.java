package io.meridian.gateway.tenant;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The deployment's spend-rate ceiling ({@code meridian.pricing.ceiling.*}), the bound on scaling
 * that the original design's pitfall 6 asks for: cost runaway from unbounded scaling.
 *
 * <p>Every {@code interval} the gateway reads the deployment's spend counted this month from the
 * ledger (in Redis, every gateway's together; without it, this gateway's) and projects what was
 * spent over the last {@code window} to an hour. From {@code hold-at} of the ceiling on, it is
 * {@linkplain State#HOLD holding}: every forwarded request carries {@code X-Meridian-Scaling: hold},
 * and the regions' worker pools stop growing while they see it. At the ceiling it is
 * {@linkplain State#OVER over}: new requests of tenants below {@code protected-priority} are refused
 * with {@code 429 limit_exceeded}, field {@code spend_rate_ceiling}, until the rate falls again;
 * requests already admitted run on. What is refused is new work, never work in flight.
 *
 * <p>Design note: the rate is a difference of one monotonic counter (the month's spend) between two
 * samples, so it needs no new counter in Redis and no clock shared between gateways; each gateway
 * samples on its own clock and all of them read the same counter, so they agree within one
 * interval. A month's first sample restarts the window (the counter went back to zero).
 */
public final class SpendCeiling {

    private static final Logger log = LoggerFactory.getLogger(SpendCeiling.class);

    /** Exchange attribute present while the regions are to hold their pools' size. */
    public static final String HOLD_ATTRIBUTE = SpendCeiling.class.getName() + ".hold";

    /** The field a refusal names. */
    static final String FIELD = "spend_rate_ceiling";

    /** Where the rate stands against the ceiling. */
    public enum State {
        /** Below {@code hold-at} of the ceiling, or no ceiling: nothing changes. */
        UNDER,
        /** From {@code hold-at} of the ceiling: the pools stop growing. */
        HOLD,
        /** At or over the ceiling: the pools hold and low-priority tenants are refused. */
        OVER
    }

    /** A ceiling that is never reached. */
    static final SpendCeiling OFF = new SpendCeiling(null, PricingProperties.Ceiling.NONE, Clock.systemUTC());

    private final @Nullable UsageLedger ledger;

    private final PricingProperties.Ceiling ceiling;

    private final long ceilingMicros;

    private final Clock clock;

    private final Deque<Sample> samples = new ArrayDeque<>();

    private volatile long ratePerHour;

    private volatile State state = State.UNDER;

    private volatile boolean shared;

    /**
     * @param ledger  the ledger whose deployment-wide spend is measured; {@code null} with no ceiling
     * @param ceiling the ceiling and its settings
     * @param clock   the time samples are taken at
     */
    SpendCeiling(@Nullable UsageLedger ledger, PricingProperties.Ceiling ceiling, Clock clock) {
        this.ledger = ledger;
        this.ceiling = ceiling;
        this.ceilingMicros = ceiling.perHour() == null ? -1 : Pricing.micros(ceiling.perHour(), "spend-rate ceiling");
        this.clock = clock;
    }

    /** Whether a ceiling is configured. */
    boolean enabled() {
        return ceilingMicros > 0 && ledger != null;
    }

    /** Takes one sample of the deployment's spend; never fails. */
    Mono<Void> measure() {
        if (!enabled()) {
            return Mono.empty();
        }
        return ledger.figures(UsageLedger.GLOBAL)
                .doOnNext(figures -> record(figures.spendThisMonth(), figures.shared()))
                .onErrorResume(failure -> {
                    log.warn("Could not read the deployment's spend; the spend rate stays at its last figure", failure);
                    return Mono.empty();
                })
                .then();
    }

    /**
     * Records the month's spend now and updates the rate and the state.
     *
     * @param spendThisMonth micro-units counted this month, deployment-wide
     * @param shared         whether it was read from the Redis the gateways share
     */
    synchronized void record(long spendThisMonth, boolean shared) {
        Instant now = clock.instant();
        this.shared = shared;
        Sample last = samples.peekLast();
        if (last != null && spendThisMonth < last.spend()) {
            samples.clear();
        }
        samples.addLast(new Sample(now, spendThisMonth));
        Instant from = now.minus(ceiling.window());
        while (samples.size() > 2 && !samples.stream().skip(1).findFirst().orElseThrow().at().isAfter(from)) {
            samples.removeFirst();
        }
        Sample first = samples.peekFirst();
        long elapsed = Duration.between(first.at(), now).toMillis();
        ratePerHour = elapsed <= 0 ? 0 : (long) ((spendThisMonth - first.spend()) * (3_600_000.0 / elapsed));
        State next = ratePerHour >= ceilingMicros ? State.OVER
                : ratePerHour >= ceilingMicros * ceiling.holdAt() ? State.HOLD : State.UNDER;
        if (next != state) {
            log.warn("Spend rate {} an hour against a ceiling of {}: {} (pools {}; tenants below priority {} {})",
                    Pricing.amount(ratePerHour).toPlainString(), ceiling.perHour().toPlainString(), next,
                    next == State.UNDER ? "scale freely" : "do not grow", ceiling.protectedPriority(),
                    next == State.OVER ? "are refused" : "are served");
            state = next;
        }
    }

    /** Where the rate stands now. */
    public State state() {
        return state;
    }

    /** Whether the regions are to hold their pools' size now. */
    boolean holding() {
        return state != State.UNDER;
    }

    /** Whether a new request of {@code tenant} is refused now. */
    boolean refuses(Tenant tenant) {
        return state == State.OVER && tenant.priority() < ceiling.protectedPriority();
    }

    /** The spend rate now, micro-units per hour. */
    public long ratePerHour() {
        return ratePerHour;
    }

    /** The ceiling, micro-units per hour, or -1 without one. */
    public long ceilingPerHour() {
        return ceilingMicros;
    }

    /** Whether the last sample was read from the shared Redis. */
    public boolean shared() {
        return shared;
    }

    /** Why a request of {@code tenant} is refused, for its 429. */
    String refusal(Tenant tenant, String currency) {
        String who = Tenant.ANONYMOUS_ID.equals(tenant.id()) ? "requests without an API key"
                : "tenant '" + tenant.id() + "' (priority " + tenant.priority() + ")";
        return "the deployment is spending " + Pricing.amount(ratePerHour).toPlainString() + " " + currency
                + " an hour, at or over its ceiling of " + ceiling.perHour().toPlainString() + " " + currency
                + " an hour; until the rate falls, only tenants of priority " + ceiling.protectedPriority()
                + " or more are served, and " + who + " is not";
    }

    /** How long a refused client should wait: one measuring window. */
    Duration retryAfter() {
        return ceiling.window();
    }

    /** Registers {@code meridian.spend.rate}, {@code meridian.spend.ceiling} and {@code meridian.scaling.hold}. */
    void register(MeterRegistry registry, String currency) {
        Gauge.builder("meridian.spend.rate", this, c -> Pricing.amount(c.ratePerHour).doubleValue())
                .description("The deployment's spend over the last window, projected to an hour")
                .baseUnit(currency + "/h").register(registry);
        Gauge.builder("meridian.spend.ceiling", this, c -> c.ceilingMicros < 0 ? 0
                        : Pricing.amount(c.ceilingMicros).doubleValue())
                .description("The deployment's spend-rate ceiling (meridian.pricing.ceiling.per-hour)")
                .baseUnit(currency + "/h").register(registry);
        Gauge.builder("meridian.scaling.hold", this, c -> c.holding() ? 1 : 0)
                .description("1 while the gateway tells the regions' worker pools not to grow").register(registry);
    }

    /** The ceiling's settings. */
    PricingProperties.Ceiling settings() {
        return ceiling;
    }

    private record Sample(Instant at, long spend) {
    }
}
