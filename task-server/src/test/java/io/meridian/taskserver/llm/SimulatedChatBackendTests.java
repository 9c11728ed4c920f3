package io.meridian.taskserver.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The simulated backend: its timing on virtual time, its honesty, its token counts. */
class SimulatedChatBackendTests {

    private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(5);

    private static SimulatedChatBackend backend(Duration latency, Duration jitter, long seed) {
        return new SimulatedChatBackend("eu-central", new ModelProperties.Simulated(latency, jitter, seed));
    }

    @Test
    void answersOnlyOnceTheConfiguredLatencyHasPassed() {
        SimulatedChatBackend backend = backend(Duration.ofMillis(250), Duration.ZERO, 1);

        StepVerifier.withVirtualTime(() -> backend.complete(new CompletionRequest("hello", null)))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(249))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(completion -> assertThat(completion.backend()).isEqualTo("simulated"))
                .expectComplete()
                .verify(VERIFY_TIMEOUT);
    }

    @Test
    void drawsJitterUniformlyWithinBoundsFromTheSeed() {
        Duration latency = Duration.ofMillis(100);
        Duration jitter = Duration.ofMillis(40);
        List<Duration> first = delays(backend(latency, jitter, 7), 200);
        List<Duration> again = delays(backend(latency, jitter, 7), 200);
        List<Duration> otherSeed = delays(backend(latency, jitter, 8), 200);

        assertThat(first).allSatisfy(delay -> assertThat(delay).isBetween(latency, latency.plus(jitter)));
        assertThat(first).isEqualTo(again);
        assertThat(first).isNotEqualTo(otherSeed);
        assertThat(first.stream().distinct().count()).as("delays vary").isGreaterThan(100);
    }

    @Test
    void withoutJitterAlwaysWaitsTheLatency() {
        assertThat(delays(backend(Duration.ofMillis(30), Duration.ZERO, 1), 10)).containsOnly(Duration.ofMillis(30));
    }

    @Test
    void saysItIsSimulatedAndFromWhichRegionWhateverModelIsAskedFor() {
        SimulatedChatBackend backend = backend(Duration.ZERO, Duration.ZERO, 1);

        StepVerifier.create(backend.complete(new CompletionRequest("tell me a joke", "qwen3:14b")))
                .assertNext(completion -> {
                    assertThat(completion.text()).contains("Simulated").contains("eu-central")
                            .contains("no model was called").endsWith("tell me a joke");
                    assertThat(completion.model()).isEqualTo("simulated");
                    assertThat(completion.backend()).isEqualTo("simulated");
                    assertThat(completion.usage()).isEqualTo(TokenUsage.of(4, completion.text().split(" ").length));
                })
                .expectComplete()
                .verify(VERIFY_TIMEOUT);
    }

    @Test
    void countsWhitespaceSeparatedWords() {
        assertThat(SimulatedChatBackend.countWords("")).isZero();
        assertThat(SimulatedChatBackend.countWords(" \t\n ")).isZero();
        assertThat(SimulatedChatBackend.countWords("one")).isEqualTo(1);
        assertThat(SimulatedChatBackend.countWords("  one  two\tthree\nfour ")).isEqualTo(4);
    }

    private static List<Duration> delays(SimulatedChatBackend backend, int count) {
        return Stream.generate(backend::nextDelay).limit(count).toList();
    }
}
