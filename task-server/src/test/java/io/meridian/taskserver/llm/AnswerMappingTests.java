package io.meridian.taskserver.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

/** Spring AI's answers, whole and streamed, as Meridian's completions. */
class AnswerMappingTests {

    private static ChatResponse response(@Nullable String text, @Nullable String model, int promptTokens,
            int completionTokens, @Nullable String finishReason, List<AssistantMessage.ToolCall> calls) {
        AssistantMessage message = AssistantMessage.builder().content(text).toolCalls(calls).build();
        ChatGenerationMetadata generation = finishReason == null ? ChatGenerationMetadata.NULL
                : ChatGenerationMetadata.builder().finishReason(finishReason).build();
        ChatResponseMetadata.Builder metadata = ChatResponseMetadata.builder()
                .usage(new DefaultUsage(promptTokens, completionTokens));
        if (model != null) {
            metadata.model(model);
        }
        return new ChatResponse(List.of(new Generation(message, generation)), metadata.build());
    }

    private static AssistantMessage.ToolCall call(String id, String arguments) {
        return new AssistantMessage.ToolCall(id, "function", "get_weather", arguments);
    }

    @Test
    void answersTheTextTheReportedModelAndUsage() {
        Completion completion = AnswerMapping.completion(response("Paris.", "qwen3:4b", 14, 3, "STOP", List.of()),
                "qwen3", "ollama");

        assertThat(completion.text()).isEqualTo("Paris.");
        assertThat(completion.model()).isEqualTo("qwen3:4b");
        assertThat(completion.backend()).isEqualTo("ollama");
        assertThat(completion.usage()).isEqualTo(TokenUsage.of(14, 3));
        assertThat(completion.finishReason()).isEqualTo(Completion.STOP);
    }

    @Test
    void answersTheRequestedModelWhenTheServerNamesNone() {
        Completion completion = AnswerMapping.completion(response("Hi", null, 0, 0, null, List.of()), "qwen3", "ollama");

        assertThat(completion.model()).isEqualTo("qwen3");
        assertThat(completion.usage()).isEqualTo(TokenUsage.of(0, 0));
    }

    @Test
    void reportsLengthInOpenAisTermsWhenTheServerStoppedAtTheTokenLimit() {
        Completion completion = AnswerMapping.completion(response("The sky is", "m", 9, 5, "max_tokens", List.of()),
                "m", "openai");

        assertThat(completion.finishReason()).isEqualTo(Completion.LENGTH);
    }

    @Test
    void givesAToolCallWithoutAnIdOneAndEmptyArgumentsAnEmptyObject() {
        Completion completion = AnswerMapping.completion(response(null, "qwen3", 20, 8, "stop",
                List.of(call("", ""), call("call_abc", "{\"city\": \"Paris\"}"))), "qwen3", "ollama");

        assertThat(completion.text()).isEmpty();
        assertThat(completion.finishReason()).isEqualTo(Completion.TOOL_CALLS);
        assertThat(completion.toolCalls()).hasSize(2);
        assertThat(completion.toolCalls().getFirst().id()).matches("call_[0-9a-f]{16}");
        assertThat(completion.toolCalls().getFirst().arguments()).isEqualTo("{}");
        assertThat(completion.toolCalls().get(1)).isEqualTo(new ToolCall("call_abc", "get_weather",
                "{\"city\": \"Paris\"}"));
    }

    @Test
    void failsNamingTheBackendOnAnAnswerWithNeitherTextNorToolCalls() {
        assertThatExceptionOfType(ModelFailureException.class)
                .isThrownBy(() -> AnswerMapping.completion(new ChatResponse(List.of()), "qwen3", "ollama"))
                .withMessage("model backend 'ollama' answered without text");
    }

    @Test
    void sumsAStreamsTextKeepingTheLastReportedModelUsageAndFinishReason() {
        AnswerMapping.Stream stream = new AnswerMapping.Stream("qwen3", "ollama");

        assertThat(stream.take(response("Par", "qwen3:4b", 0, 0, null, List.of()))).isEqualTo("Par");
        assertThat(stream.take(response("is.", null, 0, 0, null, List.of()))).isEqualTo("is.");
        assertThat(stream.take(response("", null, 9, 2, "length", List.of()))).isEmpty();
        assertThat(stream.take(new ChatResponse(List.of()))).isEmpty();
        Completion completion = stream.completion();

        assertThat(completion.text()).isEqualTo("Paris.");
        assertThat(completion.model()).isEqualTo("qwen3:4b");
        assertThat(completion.usage()).isEqualTo(TokenUsage.of(9, 2));
        assertThat(completion.finishReason()).isEqualTo(Completion.LENGTH);
    }

    @Test
    void keepsAStreamedToolCallReportedAgainUnderItsIdOnce() {
        AnswerMapping.Stream stream = new AnswerMapping.Stream("m", "openai");

        stream.take(response("", "m", 0, 0, null, List.of(call("call_abc", "{\"ci"))));
        stream.take(response("", "m", 0, 0, null, List.of(call("call_abc", "{\"city\": \"Paris\"}"))));
        Completion completion = stream.completion();

        assertThat(completion.toolCalls()).containsExactly(new ToolCall("call_abc", "get_weather",
                "{\"city\": \"Paris\"}"));
        assertThat(completion.finishReason()).isEqualTo(Completion.TOOL_CALLS);
    }

    @Test
    void failsAStreamThatEndedWithNeitherTextNorToolCalls() {
        AnswerMapping.Stream stream = new AnswerMapping.Stream("m", "openai");
        stream.take(response("", "m", 3, 0, "stop", List.of()));

        assertThatExceptionOfType(ModelFailureException.class).isThrownBy(stream::completion)
                .withMessage("model backend 'openai' answered without text");
    }
}
