package io.meridian.gateway.failover;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.gateway.GatewayConfigException;
import io.meridian.gateway.failover.FailoverProperties.Answer;
import io.meridian.gateway.failover.FailoverProperties.Deadlines;
import io.meridian.gateway.failover.FailoverProperties.Read;
import io.meridian.gateway.failover.FailoverProperties.Stream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Deadlines that contradict each other stop start-up, naming the property. */
class DeadlinesPropertiesTests {

    static final Answer ANSWER = new Answer(Duration.ofSeconds(10), Duration.ofMinutes(10));
    static final Read READ = new Read(Duration.ofSeconds(10));
    static final Stream STREAM = new Stream(Duration.ofMinutes(5));

    static Deadlines deadlines(Duration take, Duration defaultAnswer, Answer sync, Answer chat) {
        return new Deadlines(take, Duration.ofSeconds(5), defaultAnswer, sync, chat, READ, STREAM);
    }

    @Test
    void anAnswerCeilingBelowTheTakeDeadlineIsRefused() {
        assertThatThrownBy(() -> deadlines(Duration.ofSeconds(30), Duration.ofSeconds(20), ANSWER,
                new Answer(Duration.ofSeconds(10), Duration.ofSeconds(20))))
                .isInstanceOf(GatewayConfigException.class)
                .hasMessage("meridian.failover.deadlines.chat.ceiling: must not be shorter than "
                        + "meridian.failover.deadlines.take (PT30S), but was PT20S");
    }

    @Test
    void aCeilingBelowItsMinimumIsRefused() {
        assertThatThrownBy(() -> deadlines(Duration.ofSeconds(10), Duration.ofSeconds(45),
                new Answer(Duration.ofMinutes(2), Duration.ofMinutes(1)), ANSWER))
                .isInstanceOf(GatewayConfigException.class)
                .hasMessage("meridian.failover.deadlines.sync.ceiling: must not be shorter than "
                        + "meridian.failover.deadlines.sync.minimum (PT2M), but was PT1M");
    }

    @Test
    void aCeilingBelowTheDefaultAnswerIsRefused() {
        assertThatThrownBy(() -> deadlines(Duration.ofSeconds(10), Duration.ofMinutes(2),
                new Answer(Duration.ofSeconds(10), Duration.ofMinutes(1)), ANSWER))
                .isInstanceOf(GatewayConfigException.class)
                .hasMessageStartingWith("meridian.failover.deadlines.sync.ceiling: must not be shorter than "
                        + "meridian.failover.deadlines.default-answer");
    }

    @Test
    void aZeroTakeIsRefused() {
        assertThatThrownBy(() -> deadlines(Duration.ZERO, Duration.ofSeconds(45), ANSWER, ANSWER))
                .isInstanceOf(GatewayConfigException.class)
                .hasMessage("meridian.failover.deadlines.take: must be positive, but was PT0S");
    }

    @Test
    void aNegativeGraceIsRefused() {
        assertThatThrownBy(() -> new Deadlines(Duration.ofSeconds(10), Duration.ofSeconds(-1), Duration.ofSeconds(45),
                ANSWER, ANSWER, READ, STREAM))
                .isInstanceOf(GatewayConfigException.class)
                .hasMessage("meridian.failover.deadlines.grace: must not be negative, but was PT-1S");
    }
}
