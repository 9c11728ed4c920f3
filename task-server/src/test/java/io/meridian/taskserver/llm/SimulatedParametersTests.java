package io.meridian.taskserver.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.llm.ModelProperties.Simulated.Profile;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simulated backend honouring a request's chat parameters as a model would: the token limit
 * cuts the answer and says {@code length}, a stop sequence ends it before itself, a seed repeats
 * the answer, JSON mode answers a JSON object; and it refuses what it cannot honour.
 */
class SimulatedParametersTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A preset answering 190 ± 40 words at once: lengths vary between answers, drawn from the seeds. */
    private static SimulatedChatBackend backend(long seed) {
        return new SimulatedChatBackend("eu-central", new ModelProperties.Simulated(Profile.CPU_SMALL, Duration.ZERO,
                Duration.ZERO, seed, Duration.ZERO, 1_000_000.0, new ModelProperties.AnswerTokens(null, null), null));
    }

    private static ChatParameters parameters(List<String> stop, Integer seed,
            ChatParameters.ResponseFormat format) {
        return new ChatParameters(null, null, stop, seed, null, null, format, List.of(), null, false);
    }

    private static Completion complete(SimulatedChatBackend backend, Integer maxTokens, ChatParameters parameters) {
        return backend.complete(new CompletionRequest("Why is the sky blue?", null, List.of(), maxTokens, parameters))
                .block(TIMEOUT);
    }

    @Test
    void cutsTheAnswerAtMaxTokensAndSaysLength() {
        Completion cut = complete(backend(1), 5, ChatParameters.NONE);
        Completion whole = complete(backend(1), null, ChatParameters.NONE);

        assertThat(cut.text()).isEqualTo("Simulated answer from region eu-central");
        assertThat(cut.usage().completionTokens()).isEqualTo(5);
        assertThat(cut.finishReason()).isEqualTo("length");
        assertThat(whole.finishReason()).isEqualTo("stop");
        assertThat(whole.text()).startsWith(cut.text());
    }

    @Test
    void endsTheAnswerBeforeTheFirstStopSequenceAndSaysStop() {
        Completion stopped = complete(backend(1), null, parameters(List.of("region", "model"), null, null));

        assertThat(stopped.text()).isEqualTo("Simulated answer from ");
        assertThat(stopped.finishReason()).isEqualTo("stop");
        assertThat(stopped.usage().completionTokens()).isEqualTo(3);
        List<CompletionDelta> streamed = backend(1).stream(new CompletionRequest("Why is the sky blue?", null,
                List.of(), null, parameters(List.of("region"), null, null))).collectList().block(TIMEOUT);
        assertThat(streamed.stream().map(CompletionDelta::text).reduce("", String::concat))
                .isEqualTo("Simulated answer from ");
    }

    @Test
    void repeatsTheAnswerForTheSameSeedWhateverTheBackendDrewBefore() {
        SimulatedChatBackend backend = backend(1);
        Set<Integer> unseeded = new HashSet<>();
        IntStream.range(0, 5).forEach(i -> unseeded.add(complete(backend, null, ChatParameters.NONE).usage()
                .completionTokens()));
        Completion first = complete(backend, null, parameters(List.of(), 1234, null));
        Completion again = complete(backend(99), null, parameters(List.of(), 1234, null));

        assertThat(unseeded).as("answer lengths drawn without a seed").hasSizeGreaterThan(1);
        assertThat(again).isEqualTo(first);
        assertThat(complete(backend, null, parameters(List.of(), 4321, null)).usage().completionTokens())
                .isNotEqualTo(first.usage().completionTokens());
    }

    @Test
    void answersAJsonObjectInJsonModeThatSaysItIsSimulated() {
        Completion json = complete(backend(1), null, parameters(List.of(), null,
                ChatParameters.ResponseFormat.JSON_OBJECT));

        JsonNode answer = JSON.readTree(json.text());
        assertThat(answer.isObject()).isTrue();
        assertThat(answer.path("simulated").booleanValue()).isTrue();
        assertThat(answer.path("answer").stringValue()).startsWith("Simulated answer from region eu-central");
        assertThat(json.finishReason()).isEqualTo("stop");
    }

    @Test
    void honoursStopSeedAndJsonModeButNeitherSchemasNorTools() {
        assertThat(backend(1).supports()).contains(ChatParameter.STOP, ChatParameter.SEED, ChatParameter.JSON_OBJECT,
                ChatParameter.TEMPERATURE, ChatParameter.TOP_P)
                .doesNotContain(ChatParameter.JSON_SCHEMA, ChatParameter.TOOLS, ChatParameter.TOOL_CHOICE_REQUIRED,
                        ChatParameter.TOOL_CHOICE_FUNCTION);
    }
}
