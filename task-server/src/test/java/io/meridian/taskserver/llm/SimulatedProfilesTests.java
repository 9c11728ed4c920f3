package io.meridian.taskserver.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.llm.ModelProperties.Simulated.Profile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.util.function.Tuple2;
import reactor.util.function.Tuples;

/**
 * The simulated backend's presets on virtual time: time to first token, pacing, answer lengths
 * within the distribution, the same time streamed or not, usage as streamed, and the same run for
 * the same seed.
 */
class SimulatedProfilesTests {

    private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(10);

    private static final CompletionRequest QUESTION = new CompletionRequest("how long is a piece of string", null);

    private static SimulatedChatBackend backend(Profile profile, long seed) {
        ModelProperties.Simulated defaults = ModelProperties.Simulated.of(profile);
        return new SimulatedChatBackend("eu-central", new ModelProperties.Simulated(profile, defaults.latency(),
                defaults.jitter(), seed, null, null, defaults.answerTokens(), null));
    }

    private static SimulatedChatBackend backend(ModelProperties.Simulated settings) {
        return new SimulatedChatBackend("eu-central", settings);
    }

    /** One streamed answer on virtual time: each step with the virtual milliseconds since subscription. */
    private static List<Tuple2<Long, CompletionDelta>> streamed(SimulatedChatBackend backend,
            CompletionRequest request) {
        VirtualTimeScheduler scheduler = VirtualTimeScheduler.getOrSet();
        try {
            List<Tuple2<Long, CompletionDelta>> steps = new ArrayList<>();
            long start = scheduler.now(TimeUnit.MILLISECONDS);
            backend.stream(request)
                    .timestamp(scheduler)
                    .subscribe(step -> steps.add(Tuples.of(step.getT1() - start, step.getT2())));
            scheduler.advanceTimeBy(Duration.ofHours(1));
            return steps;
        }
        finally {
            VirtualTimeScheduler.reset();
        }
    }

    /** The virtual milliseconds a non-streamed answer takes. */
    private static long completedAfter(SimulatedChatBackend backend, CompletionRequest request) {
        VirtualTimeScheduler scheduler = VirtualTimeScheduler.getOrSet();
        try {
            List<Long> at = new ArrayList<>();
            backend.complete(request).elapsed(scheduler).subscribe(done -> at.add(done.getT1()));
            scheduler.advanceTimeBy(Duration.ofHours(1));
            assertThat(at).hasSize(1);
            return at.getFirst();
        }
        finally {
            VirtualTimeScheduler.reset();
        }
    }

    @Test
    void cpuSmallStreamsItsFirstTokenOnlyAfterFourHundredMilliseconds() {
        SimulatedChatBackend backend = backend(Profile.CPU_SMALL, 1);

        StepVerifier.withVirtualTime(() -> backend.stream(QUESTION).take(1))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(399))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(step -> assertThat(step.text()).isEqualTo("Simulated "))
                .expectComplete()
                .verify(VERIFY_TIMEOUT);
    }

    @Test
    void gpuLargeStreamsItsFirstTokenOnlyAfterOneSecond() {
        SimulatedChatBackend backend = backend(Profile.GPU_LARGE, 1);

        StepVerifier.withVirtualTime(() -> backend.stream(QUESTION).take(1))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectNextCount(1)
                .expectComplete()
                .verify(VERIFY_TIMEOUT);
    }

    @Test
    void cpuSmallStreamsAboutOneHundredNinetyTokensAtThirtySevenASecondLikeTheOriginalSample() {
        IntSummaryStatistics lengths = new IntSummaryStatistics();
        List<Long> gaps = new ArrayList<>();
        List<Long> totals = new ArrayList<>();
        SimulatedChatBackend backend = backend(Profile.CPU_SMALL, 5);
        for (int answer = 0; answer < 20; answer++) {
            List<Tuple2<Long, CompletionDelta>> steps = streamed(backend, QUESTION);
            lengths.accept(steps.size());
            for (int i = 1; i < steps.size(); i++) {
                gaps.add(steps.get(i).getT1() - steps.get(i - 1).getT1());
            }
            totals.add(steps.getLast().getT1());
        }

        assertThat(lengths.getMin()).isGreaterThanOrEqualTo(110);
        assertThat(lengths.getMax()).isLessThanOrEqualTo(270);
        // 37 tokens a second: a mean gap of 27 ms over ~3,800 gaps (its standard error is under 0.5 ms).
        double meanGap = gaps.stream().mapToLong(Long::longValue).average().orElseThrow();
        assertThat(meanGap).isBetween(24.0, 30.0);
        assertThat(gaps.stream().distinct().count()).as("tokens arrive unevenly, one at a time").isGreaterThan(50);
        // The original design's sample: 187 tokens in 5.3 s.
        double meanTotalSeconds = totals.stream().mapToLong(Long::longValue).average().orElseThrow() / 1000.0;
        assertThat(meanTotalSeconds).isBetween(4.5, 6.5);
    }

    @Test
    void drawsAnswerLengthsWithinTwoSpreadsOfTheMeanCentredOnIt() {
        SimulatedChatBackend backend = backend(Profile.GPU_LARGE, 11);
        int[] lengths = IntStream.range(0, 2000)
                .map(i -> backend.answer(QUESTION).completion().usage().completionTokens()).toArray();

        assertThat(backend.profile().minAnswerTokens()).isEqualTo(300);
        assertThat(backend.profile().maxAnswerTokens()).isEqualTo(900);
        assertThat(IntStream.of(lengths).min().orElseThrow()).isGreaterThanOrEqualTo(300);
        assertThat(IntStream.of(lengths).max().orElseThrow()).isLessThanOrEqualTo(900);
        double mean = IntStream.of(lengths).average().orElseThrow();
        assertThat(mean).isBetween(590.0, 610.0);
        double deviation = Math.sqrt(IntStream.of(lengths).mapToDouble(l -> (l - mean) * (l - mean)).sum()
                / lengths.length);
        // A normal of deviation 150 kept within two deviations has a deviation of about 132.
        assertThat(deviation).isBetween(115.0, 150.0);
        assertThat(IntStream.of(lengths).distinct().count()).as("lengths vary").isGreaterThan(300);
    }

    @Test
    void repeatsTheSameAnswersAndTimesForTheSameSeed() {
        List<List<Long>> first = List.of(times(backend(Profile.CPU_SMALL, 7)), times(backend(Profile.CPU_SMALL, 7)),
                times(backend(Profile.CPU_SMALL, 8)));

        assertThat(first.get(0)).isEqualTo(first.get(1));
        assertThat(first.get(0)).isNotEqualTo(first.get(2));
    }

    /** The step times of three consecutive answers of one backend, and a separator between answers. */
    private static List<Long> times(SimulatedChatBackend backend) {
        List<Long> times = new ArrayList<>();
        for (int answer = 0; answer < 3; answer++) {
            streamed(backend, QUESTION).forEach(step -> times.add(step.getT1()));
            times.add(-1L);
        }
        return times;
    }

    @Test
    void aNonStreamedAnswerTakesAsLongAsTheSameAnswerStreamed() {
        for (Profile profile : List.of(Profile.CPU_SMALL, Profile.GPU_LARGE)) {
            List<Tuple2<Long, CompletionDelta>> steps = streamed(backend(profile, 3), QUESTION);
            long whole = completedAfter(backend(profile, 3), QUESTION);

            assertThat(whole).as(profile + ": the last token's time").isEqualTo(steps.getLast().getT1());
            assertThat(whole).as(profile + ": longer than the time to first token")
                    .isGreaterThan(profile.timeToFirstToken().toMillis());
        }
    }

    @Test
    void reportsUsageAsStreamedOneTokenPerStepEndingWithTheCompletion() {
        List<Tuple2<Long, CompletionDelta>> steps = streamed(backend(Profile.CPU_SMALL, 2), QUESTION);
        List<CompletionDelta> deltas = steps.stream().map(Tuple2::getT2).toList();
        Completion completion = deltas.getLast().completion();

        assertThat(completion).isNotNull();
        assertThat(deltas).hasSize(completion.usage().completionTokens());
        assertThat(deltas).allSatisfy(step -> assertThat(SimulatedChatBackend.countWords(step.text())).isEqualTo(1));
        assertThat(deltas.subList(0, deltas.size() - 1)).allSatisfy(step -> assertThat(step.completion()).isNull());
        assertThat(deltas.stream().map(CompletionDelta::text).reduce("", String::concat)).isEqualTo(completion.text());
        assertThat(completion.usage().promptTokens()).isEqualTo(7);
        assertThat(completion.text()).startsWith("Simulated answer from region eu-central (no model was called). "
                + "You asked: how long is a piece of string ");
        assertThat(completion.model()).isEqualTo("simulated");
        assertThat(completion.backend()).isEqualTo("simulated");
    }

    @Test
    void stopsAPresetsAnswerAtMaxTokensAndSoonerForIt() {
        CompletionRequest capped = new CompletionRequest("hi", null, List.of(), 5);
        List<Tuple2<Long, CompletionDelta>> steps = streamed(backend(Profile.GPU_LARGE, 4), capped);
        long whole = completedAfter(backend(Profile.GPU_LARGE, 4), capped);

        assertThat(steps).hasSize(5);
        Completion completion = steps.getLast().getT2().completion();
        assertThat(completion).isNotNull();
        assertThat(completion.text()).isEqualTo("Simulated answer from region eu-central");
        assertThat(completion.usage().completionTokens()).isEqualTo(5);
        assertThat(whole).isEqualTo(steps.getLast().getT1());
    }

    @Test
    void setPropertiesOverrideThePresetsNumbers() {
        SimulatedChatBackend backend = backend(new ModelProperties.Simulated(Profile.CPU_SMALL, Duration.ofMillis(50),
                Duration.ZERO, 1, Duration.ofSeconds(2), 10.0, new ModelProperties.AnswerTokens(40, 0), null));

        assertThat(backend.profile().timeToFirstToken()).isEqualTo(Duration.ofSeconds(2));
        assertThat(backend.profile().tokensPerSecond()).isEqualTo(10.0);
        List<Tuple2<Long, CompletionDelta>> steps = streamed(backend, QUESTION);
        assertThat(steps).hasSize(40);
        assertThat(steps.getFirst().getT1()).isEqualTo(2000);
        // 39 gaps at 10 a second: about 3.9 s after the first token.
        assertThat(steps.getLast().getT1() - steps.getFirst().getT1()).isBetween(2000L, 6500L);
    }

    @Test
    void fixedStaysTodaysLatencyEvenWithALengthSet() {
        SimulatedChatBackend backend = backend(new ModelProperties.Simulated(Profile.FIXED, Duration.ofMillis(50),
                Duration.ZERO, 1, null, null, new ModelProperties.AnswerTokens(30, null), null));

        assertThat(completedAfter(backend, QUESTION)).isEqualTo(50);
        assertThat(backend.answer(QUESTION).completion().usage().completionTokens()).isEqualTo(30);
        assertThat(backend.profile().timeToFirstToken()).isEqualTo(Duration.ofMillis(50));
        assertThat(backend.profile().tokensPerSecond()).isEqualTo(50.0);
    }

    @Test
    void holdsTenThousandOpenStreamsOnTimersWithoutAThreadEach() {
        SimulatedChatBackend backend = backend(Profile.GPU_LARGE, 9);
        int threadsBefore = Thread.activeCount();
        Disposable.Composite streams = Disposables.composite();
        try {
            for (int i = 0; i < 10_000; i++) {
                streams.add(backend.stream(QUESTION).subscribe());
            }

            assertThat(streams.size()).isEqualTo(10_000);
            // Reactor's parallel timer threads at most (one per core), never one per stream.
            assertThat(Thread.activeCount() - threadsBefore).isLessThanOrEqualTo(
                    Runtime.getRuntime().availableProcessors() + 4);
        }
        finally {
            streams.dispose();
        }
    }

    @Test
    void givesTenThousandConcurrentStreamsTheirFirstTokensAtTheSameMoment() {
        VirtualTimeScheduler scheduler = VirtualTimeScheduler.getOrSet();
        try {
            SimulatedChatBackend backend = backend(Profile.GPU_LARGE, 10);
            AtomicInteger firstTokens = new AtomicInteger();
            for (int i = 0; i < 10_000; i++) {
                backend.stream(QUESTION).take(1).subscribe(step -> firstTokens.incrementAndGet());
            }

            scheduler.advanceTimeBy(Duration.ofMillis(999));
            assertThat(firstTokens).hasValue(0);
            scheduler.advanceTimeBy(Duration.ofMillis(1));
            assertThat(firstTokens).hasValue(10_000);
        }
        finally {
            VirtualTimeScheduler.reset();
        }
    }
}
