package io.meridian.taskserver.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.taskserver.testsupport.ScriptedChatBackend;
import io.meridian.testing.MutableClock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.HttpClientErrorException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A tier's endpoints: round robin over those that are up, a failed one skipped for its cooldown,
 * and the fallback tier answering, marked, when the tier fails.
 */
class TierBackendTests {

    private static final Duration COOLDOWN = Duration.ofSeconds(30);

    private final MutableClock clock = MutableClock.atEpochDay();

    private final ScriptedChatBackend first = new ScriptedChatBackend();

    private final ScriptedChatBackend second = new ScriptedChatBackend();

    private TierBackend tier(String name, String model, Map<String, ChatBackend> endpoints,
            @Nullable TierBackend fallback) {
        return new TierBackend(name, "scripted", model, endpoints, COOLDOWN, null, clock, fallback);
    }

    private TierBackend twoEndpoints() {
        Map<String, ChatBackend> endpoints = new LinkedHashMap<>();
        endpoints.put("http://gpu-a:8000/v1", first);
        endpoints.put("http://gpu-b:8000/v1", second);
        return tier("complex", "qwen3:14b", endpoints, null);
    }

    private static Completion ask(ChatBackend backend, String query) {
        return backend.complete(new CompletionRequest(query, null)).block(Duration.ofSeconds(5));
    }

    @Test
    void balancesCallsRoundRobinOverItsEndpoints() {
        TierBackend tier = twoEndpoints();

        for (int i = 0; i < 4; i++) {
            ask(tier, "q" + i);
        }

        assertThat(first.calls()).containsExactly("q0", "q2");
        assertThat(second.calls()).containsExactly("q1", "q3");
    }

    @Test
    void skipsAFailedEndpointUntilItsCooldownHasPassed() {
        TierBackend tier = twoEndpoints();
        first.failNext(1);

        assertThatThrownBy(() -> ask(tier, "fails")).isInstanceOf(ModelFailureException.class);
        ask(tier, "q1");
        ask(tier, "q2");
        ask(tier, "q3");

        assertThat(first.calls()).containsExactly("fails");
        assertThat(second.calls()).containsExactly("q1", "q2", "q3");
        assertThat(endpointStates(tier)).containsExactly("down", "up");

        clock.advance(COOLDOWN);
        ask(tier, "q4");
        ask(tier, "q5");

        assertThat(first.calls()).hasSize(2);
        assertThat(second.calls()).hasSize(4);
        assertThat(endpointStates(tier)).containsExactly("up", "up");
    }

    @Test
    void triesTheEndpointDownLongestWhenAllAreDown() {
        TierBackend tier = tier("simple", "qwen3", Map.of("http://cpu:11434", first), null);
        first.failNext(1);
        assertThatThrownBy(() -> ask(tier, "fails")).isInstanceOf(ModelFailureException.class);

        Completion answer = ask(tier, "again");

        assertThat(answer.text()).isEqualTo("answer to again");
        assertThat(first.calls()).containsExactly("fails", "again");
    }

    @Test
    void fallbackAnswersWithItsOwnModelAndSaysWhichModelWasAskedFor() {
        RecordingBackend small = new RecordingBackend();
        TierBackend simple = tier("simple", "qwen3", Map.of("http://cpu:11434", small), null);
        TierBackend complex = tier("complex", "qwen3:14b", Map.of("http://gpu:8000/v1", first), simple);
        first.failNext(1);

        Completion answer = ask(complex, "hard question");

        assertThat(answer.fallbackFrom()).isEqualTo("qwen3:14b");
        assertThat(answer.model()).isEqualTo("qwen3");
        assertThat(small.models).containsExactly("qwen3");
        assertThat(endpointStates(complex)).containsExactly("down");
    }

    @Test
    void aModelThatAnswersIsNotMarkedAsAFallback() {
        TierBackend simple = tier("simple", "qwen3", Map.of("http://cpu:11434", second), null);
        TierBackend complex = tier("complex", "qwen3:14b", Map.of("http://gpu:8000/v1", first), simple);

        Completion answer = ask(complex, "hard question");

        assertThat(answer.fallbackFrom()).isNull();
        assertThat(second.calls()).isEmpty();
    }

    @Test
    void aRequestTheServerRefusesNeitherFallsBackNorMarksTheEndpointDown() {
        ChatBackend refusing = new RecordingBackend() {
            @Override
            public Mono<Completion> complete(CompletionRequest request) {
                return Mono.error(new ModelFailureException("openai", "failed",
                        HttpClientErrorException.create(HttpStatus.BAD_REQUEST, "bad", null, null, null)));
            }
        };
        TierBackend simple = tier("simple", "qwen3", Map.of("http://cpu:11434", second), null);
        TierBackend complex = tier("complex", "qwen3:14b", Map.of("http://gpu:8000/v1", refusing), simple);

        assertThatThrownBy(() -> ask(complex, "bad request")).isInstanceOf(ModelFailureException.class);

        assertThat(second.calls()).isEmpty();
        assertThat(endpointStates(complex)).containsExactly("up");
    }

    @Test
    void aStreamThatFailsBeforeItsFirstPieceFallsBack() {
        ChatBackend failingStream = new RecordingBackend() {
            @Override
            public Flux<CompletionDelta> stream(CompletionRequest request) {
                return Flux.error(new ModelFailureException("openai", "failed"));
            }
        };
        TierBackend simple = tier("simple", "qwen3", Map.of("http://cpu:11434", new RecordingBackend()), null);
        TierBackend complex = tier("complex", "qwen3:14b", Map.of("http://gpu:8000/v1", failingStream), simple);

        List<CompletionDelta> steps = complex.stream(new CompletionRequest("q", null)).collectList()
                .block(Duration.ofSeconds(5));

        assertThat(steps).isNotNull();
        Completion last = steps.getLast().completion();
        assertThat(last).isNotNull();
        assertThat(last.model()).isEqualTo("qwen3");
        assertThat(last.fallbackFrom()).isEqualTo("qwen3:14b");
    }

    @Test
    void aStreamThatFailsAfterItsFirstPieceDoesNotFallBack() {
        ChatBackend brokenStream = new RecordingBackend() {
            @Override
            public Flux<CompletionDelta> stream(CompletionRequest request) {
                return Flux.concat(Flux.just(CompletionDelta.token("Half ")),
                        Flux.error(new ModelFailureException("openai", "failed")));
            }
        };
        RecordingBackend small = new RecordingBackend();
        TierBackend simple = tier("simple", "qwen3", Map.of("http://cpu:11434", small), null);
        TierBackend complex = tier("complex", "qwen3:14b", Map.of("http://gpu:8000/v1", brokenStream), simple);

        assertThatThrownBy(() -> complex.stream(new CompletionRequest("q", null)).blockLast(Duration.ofSeconds(5)))
                .isInstanceOf(ModelFailureException.class);
        assertThat(small.models).isEmpty();
    }

    @Test
    void honoursOnlyWhatItsFallbackHonoursToo() {
        ChatBackend openAi = new RecordingBackend() {
            @Override
            public java.util.Set<ChatParameter> supports() {
                return java.util.EnumSet.allOf(ChatParameter.class);
            }
        };
        ChatBackend ollama = new RecordingBackend() {
            @Override
            public java.util.Set<ChatParameter> supports() {
                return ModelConfiguration.OLLAMA_PARAMETERS;
            }
        };
        TierBackend simple = tier("simple", "qwen3", Map.of("http://cpu:11434", ollama), null);
        TierBackend complex = tier("complex", "qwen3:14b", Map.of("http://gpu:8000/v1", openAi), simple);

        assertThat(complex.supports()).isEqualTo(ModelConfiguration.OLLAMA_PARAMETERS);
    }

    @SuppressWarnings("unchecked")
    private static List<String> endpointStates(TierBackend tier) {
        return ((List<Map<String, Object>>) tier.health().get("endpoints")).stream()
                .map(endpoint -> (String) endpoint.get("status")).toList();
    }

    /** Answers with the model it was asked for, and records it. */
    private static class RecordingBackend implements ChatBackend {

        final List<String> models = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public String defaultModel() {
            return "scripted";
        }

        @Override
        public Mono<Completion> complete(CompletionRequest request) {
            return Mono.fromSupplier(() -> {
                models.add(String.valueOf(request.model()));
                return new Completion("answer", String.valueOf(request.model()), "scripted", TokenUsage.of(1, 1));
            });
        }
    }
}
