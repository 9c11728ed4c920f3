package io.meridian.taskserver.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.queue.QueueStats;
import io.meridian.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Outcomes per second over the last minute, from the counts read on each dispatch. */
class QueueRatesTests {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T05:00:00Z"));

    private final QueueRates rates = new QueueRates(clock);

    private static QueueStats counts(long completed, long failed, long retried, long deadLettered) {
        return new QueueStats("simple", 0, 0, 0, completed, failed, retried, deadLettered, 0);
    }

    @Test
    void isZeroUntilTwoSamplesASecondApartExist() {
        rates.record(counts(10, 0, 0, 0));
        clock.advance(Duration.ofMillis(500));
        rates.record(counts(20, 0, 0, 0));

        assertThat(rates.rates()).isEqualTo(new QueueRates.Rates(0, 0, 0, 0));
    }

    @Test
    void dividesWhatHappenedByTheTimeItTook() {
        rates.record(counts(0, 0, 0, 0));
        clock.advance(Duration.ofSeconds(4));
        rates.record(counts(100, 2, 6, 1));

        assertThat(rates.rates()).isEqualTo(new QueueRates.Rates(25, 0.5, 1.5, 0.25));
    }

    @Test
    void forgetsWhatHappenedMoreThanAMinuteAgo() {
        rates.record(counts(0, 0, 0, 0));
        clock.advance(Duration.ofSeconds(1));
        rates.record(counts(6000, 0, 0, 0));
        for (int second = 0; second < 70; second++) {
            clock.advance(Duration.ofSeconds(1));
            rates.record(counts(6000, 0, 0, 0));
        }

        assertThat(rates.rates().completed()).isZero();
    }

    @Test
    void readsCountsThatWentDownAsZero() {
        rates.record(counts(500, 0, 0, 0));
        clock.advance(Duration.ofSeconds(2));
        rates.record(counts(10, 0, 0, 0));

        assertThat(rates.rates().completed()).isZero();
    }
}
