package io.meridian.taskserver.worker;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether the worker pools may grow: not while the gateways say that the deployment's spend rate
 * is near its ceiling ({@code X-Meridian-Scaling: hold} on the requests they forward). Each request
 * that carries the hold extends it by {@code meridian.workers.scaling-hold}; once no request has
 * carried it for that long, the pools grow to their backlog again. A hold never shrinks a pool
 * below what it runs, nor stops a running task: it only keeps the pools from adding workers, so
 * that the spend a region causes stops rising with its backlog (the original design's pitfall 6).
 *
 * <p>Design note: the hold is a deadline on an injected clock, renewed by traffic rather than set
 * and cleared by calls, so a gateway that stops sending it (the rate fell, or the gateway is gone)
 * releases it by itself after one TTL, and tests move time instead of waiting.
 */
public final class ScalingHold {

    /** A hold that is never set: pools scale by backlog alone. */
    static final ScalingHold NEVER = new ScalingHold(Clock.systemUTC(), Duration.ZERO);

    private final Clock clock;

    private final Duration ttl;

    private volatile Instant until = Instant.MIN;

    ScalingHold(Clock clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
    }

    /** Holds, or keeps holding, for one TTL from now. */
    void extend() {
        Instant next = clock.instant().plus(ttl);
        if (next.isAfter(until)) {
            until = next;
        }
    }

    /** Whether the pools must not grow now. */
    public boolean held() {
        return clock.instant().isBefore(until);
    }

    /** Registers {@code meridian.scaling.hold}: 1 while held, else 0. */
    void register(MeterRegistry registry) {
        Gauge.builder("meridian.scaling.hold", this, hold -> hold.held() ? 1 : 0)
                .description("1 while the gateways hold the worker pools from growing (spend rate near its ceiling)")
                .register(registry);
    }
}
