package io.meridian.taskserver.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.testsupport.TaskFixtures;
import org.junit.jupiter.api.Test;

/** The documented rule that picks a queue for a request. */
class QueueClassifierTests {

    private final QueueClassifier classifier = new QueueClassifier(TaskFixtures.queues(10), 100);

    @Test
    void anExplicitKindWinsOverModelAndLength() {
        assertThat(classifier.classify("x".repeat(500), "simple", "qwen3:14b").name()).isEqualTo("simple");
        assertThat(classifier.classify("short", "complex", "qwen3").name()).isEqualTo("complex");
    }

    @Test
    void theComplexQueuesModelGoesToTheComplexQueue() {
        assertThat(classifier.classify("short", null, "qwen3:14b").name()).isEqualTo("complex");
    }

    @Test
    void theSimpleQueuesModelGoesToTheSimpleQueueHoweverLong() {
        assertThat(classifier.classify("x".repeat(500), null, "qwen3").name()).isEqualTo("simple");
    }

    @Test
    void aQueryFromTheThresholdLengthOnIsComplex() {
        assertThat(classifier.classify("x".repeat(99), null, null).name()).isEqualTo("simple");
        assertThat(classifier.classify("x".repeat(100), null, null).name()).isEqualTo("complex");
    }

    @Test
    void countsLengthInCharactersNotUtf16Units() {
        assertThat(classifier.classify("\uD83D\uDE00".repeat(99), null, null).name()).isEqualTo("simple");
    }

    @Test
    void anotherModelRunsWhereTheLengthSends() {
        assertThat(classifier.classify("short", null, "llama3.2").name()).isEqualTo("simple");
    }
}
