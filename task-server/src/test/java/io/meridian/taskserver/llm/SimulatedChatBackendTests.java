package io.meridian.taskserver.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.llm.ModelProperties.Simulated.Profile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The simulated backend under profile fixed: its timing on virtual time, its honesty, its token counts. */
class SimulatedChatBackendTests {

    private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(5);

    private static final ModelProperties.AnswerTokens NO_LENGTH = new ModelProperties.AnswerTokens(null, null);

    private static SimulatedChatBackend backend(Duration latency, Duration jitter, long seed) {
        return new SimulatedChatBackend("eu-central", new ModelProperties.Simulated(Profile.FIXED, latency, jitter,
                seed, latency, 1000.0, NO_LENGTH, null));
    }

    private static SimulatedChatBackend streaming(Duration timeToFirstToken, double tokensPerSecond, long seed) {
        return new SimulatedChatBackend("eu-central", new ModelProperties.Simulated(Profile.FIXED, Duration.ZERO,
                Duration.ZERO, seed, timeToFirstToken, tokensPerSecond, NO_LENGTH, null));
    }

    @Test
    void streamsTheSameAnswerWordByWordEndingWithTheCompletion() {
        SimulatedChatBackend backend = streaming(Duration.ZERO, 1_000_000, 1);
        Completion whole = backend.complete(new CompletionRequest("tell me a joke", null)).block(VERIFY_TIMEOUT);
        List<CompletionDelta> steps = backend.stream(new CompletionRequest("tell me a joke", null))
                .collectList().block(VERIFY_TIMEOUT);

        assertThat(whole).isNotNull();
        assertThat(steps).hasSize(whole.usage().completionTokens());
        assertThat(steps.stream().map(CompletionDelta::text).reduce("", String::concat)).isEqualTo(whole.text());
        assertThat(steps.subList(0, steps.size() - 1)).allSatisfy(step -> assertThat(step.completion()).isNull());
        assertThat(steps.getLast().completion()).isEqualTo(whole);
    }

    @Test
    void streamsTheFirstWordOnlyAfterTheTimeToFirstToken() {
        SimulatedChatBackend backend = streaming(Duration.ofMillis(400), 10, 1);

        StepVerifier.withVirtualTime(() -> backend.stream(new CompletionRequest("hi", null)).take(1))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(399))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(step -> assertThat(step.text()).isEqualTo("Simulated "))
                .expectComplete()
                .verify(VERIFY_TIMEOUT);
    }

    @Test
    void spacesWordsAtTheConfiguredMeanRateRepeatablyFromTheSeed() {
        List<Long> gaps = wordTimes(streaming(Duration.ZERO, 20, 3));

        assertThat(gaps).hasSizeGreaterThan(10);
        assertThat(gaps).isEqualTo(wordTimes(streaming(Duration.ZERO, 20, 3)));
        assertThat(gaps).isNotEqualTo(wordTimes(streaming(Duration.ZERO, 20, 4)));
        // 20 words a second: a 50 ms mean gap; the answer has ~15 words, so allow a wide band.
        double meanGapMillis = gaps.stream().mapToLong(Long::longValue).average().orElseThrow();
        assertThat(meanGapMillis).isBetween(15.0, 150.0);
    }

    /** Virtual milliseconds between consecutive words of one streamed answer. */
    private static List<Long> wordTimes(SimulatedChatBackend backend) {
        VirtualTimeScheduler scheduler = VirtualTimeScheduler.getOrSet();
        try {
            List<Long> gaps = new ArrayList<>();
            backend.stream(new CompletionRequest("a question of several words to lengthen the answer", null))
                    .elapsed(scheduler)
                    .skip(1)
                    .subscribe(step -> gaps.add(step.getT1()));
            scheduler.advanceTimeBy(Duration.ofHours(1));
            return gaps;
        }
        finally {
            VirtualTimeScheduler.reset();
        }
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
        return Stream.generate(() -> backend.answer(new CompletionRequest("hi", null)).totalDelay()).limit(count)
                .toList();
    }
}
