package io.meridian.testing;

import java.time.Duration;
import java.time.Instant;

/**
 * A clock that stands still until a test moves it, so TTLs, back-off, circuit-breaker waits and
 * health thresholds are tested by advancing time instead of sleeping. Always UTC.
 */
public final class MutableClock extends UtcClock {

    /** Where clocks made without a start begin. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private volatile Instant now;

    public MutableClock(Instant start) {
        this.now = start;
    }

    public MutableClock() {
        this(DEFAULT_START);
    }

    /** A clock at {@link #DEFAULT_START}. */
    public static MutableClock atEpochDay() {
        return new MutableClock();
    }

    /** Moves the clock forward (or back, with a negative duration). */
    public synchronized void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public Instant instant() {
        return now;
    }
}
