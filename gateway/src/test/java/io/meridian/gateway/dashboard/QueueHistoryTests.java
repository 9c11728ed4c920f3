package io.meridian.gateway.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.protocol.QueueSnapshot;
import org.junit.jupiter.api.Test;

class QueueHistoryTests {

    static QueueSnapshot sample(int depth, long completed) {
        return new QueueSnapshot("simple", "qwen3", depth, 100, 1, new QueueSnapshot.Workers(2, 2, 8), completed, 0, 0, 0, 0, null, false);
    }

    @Test
    void keepsOnlyTheLatestSamplesOldestFirst() {
        QueueHistory history = new QueueHistory(3);
        for (int i = 1; i <= 5; i++) {
            history.add(i * 1000L, sample(i, i * 10L));
        }
        QueueHistory.Series series = history.series();
        assertThat(series.at()).containsExactly(3000L, 4000L, 5000L);
        assertThat(series.depth()).containsExactly(3, 4, 5);
        assertThat(series.completed()).containsExactly(0L, 10L, 10L);
    }

    @Test
    void aCounterThatWentDownCountsFromZeroBecauseTheRegionRestarted() {
        QueueHistory history = new QueueHistory(4);
        history.add(1000, sample(0, 500));
        history.add(2000, sample(0, 7));
        assertThat(history.series().completed()).containsExactly(0L, 7L);
    }
}
