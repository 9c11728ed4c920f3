package io.meridian.testing;

import java.time.Duration;
import java.time.Instant;

/**
 * A clock that runs at the machine's pace from a chosen instant: for tests of calendar windows (a
 * UTC minute, a UTC day) that must not straddle a window's end however slowly a loaded machine runs
 * them. Started at the beginning of a minute, a test has that whole minute before its window turns.
 * Always UTC.
 */
public final class TickingClock extends UtcClock {

    /** The start of a minute, of an hour and of a day. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T12:00:00Z");

    private final Instant start;

    private final long startNanos = System.nanoTime();

    public TickingClock(Instant start) {
        this.start = start;
    }

    /** A clock at {@link #DEFAULT_START} now. */
    public static TickingClock fromNoon() {
        return new TickingClock(DEFAULT_START);
    }

    @Override
    public Instant instant() {
        return start.plus(Duration.ofNanos(System.nanoTime() - startNanos));
    }
}
