package io.meridian.taskserver.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Exponential back-off with equal jitter. */
class RetryBackoffTests {

    private final RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(60), Duration.ofMinutes(10),
            new Random(42));

    @Test
    void doublesTheCeilingForEachFailedAttemptUpToTheCap() {
        assertThat(IntStream.rangeClosed(1, 6).mapToLong(backoff::ceilingMillis).boxed().toList())
                .containsExactly(60_000L, 120_000L, 240_000L, 480_000L, 600_000L, 600_000L);
    }

    @Test
    void waitsAtLeastHalfTheCeilingAndAtMostAllOfIt() {
        for (int attempt = 1; attempt <= 6; attempt++) {
            for (int draw = 0; draw < 200; draw++) {
                long delay = backoff.delayAfter(attempt).toMillis();
                assertThat(delay).isBetween(backoff.ceilingMillis(attempt) / 2, backoff.ceilingMillis(attempt));
            }
        }
    }

    @Test
    void jitterSpreadsTasksThatFailedTogether() {
        long distinct = IntStream.range(0, 50).mapToObj(i -> backoff.delayAfter(1)).distinct().count();

        assertThat(distinct).isGreaterThan(40);
    }

    @Test
    void theSameSeedGivesTheSameDelays() {
        RetryBackoff again = new RetryBackoff(Duration.ofSeconds(60), Duration.ofMinutes(10), new Random(42));
        RetryBackoff same = new RetryBackoff(Duration.ofSeconds(60), Duration.ofMinutes(10), new Random(42));

        assertThat(IntStream.rangeClosed(1, 5).mapToObj(again::delayAfter).toList())
                .isEqualTo(IntStream.rangeClosed(1, 5).mapToObj(same::delayAfter).toList());
    }

    @Test
    void aHugeAttemptNumberDoesNotOverflow() {
        assertThat(backoff.delayAfter(10_000)).isBetween(Duration.ofMinutes(5), Duration.ofMinutes(10));
    }
}
