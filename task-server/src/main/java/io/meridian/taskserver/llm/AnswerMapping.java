package io.meridian.taskserver.llm;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.util.StringUtils;

/**
 * How Spring AI's {@link ChatResponse} becomes a {@link Completion}: the text, the model the server
 * reports (else the one asked for), the token usage, the finish reason in OpenAI's terms
 * ({@link Completion#finishReason}) and the tool calls the model asked the client to make, each
 * with an id (a server that gives none, such as older Ollama, gets one here). An answer with
 * neither text nor tool calls is a failure of the backend.
 *
 * <p>A streamed answer is read by one {@link Stream} per call, which keeps what the chunks said:
 * the last model, usage and finish reason reported win (Ollama reports usage on its final chunk,
 * OpenAI-compatible servers on a final usage chunk when {@code stream_options.include_usage} is
 * on), and a tool call reported again under the same id (a merged one) replaces its earlier report.
 */
final class AnswerMapping {

    private AnswerMapping() {
    }

    /**
     * A whole answer as a completion.
     *
     * @param response       the chat model's answer
     * @param requestedModel the model asked for, for an answer that names none
     * @param backend        the backend's name
     * @return the completion
     * @throws ModelFailureException if the answer has neither text nor tool calls
     */
    static Completion completion(ChatResponse response, String requestedModel, String backend) {
        Generation generation = response.getResult();
        String text = generation != null ? generation.getOutput().getText() : null;
        List<ToolCall> calls = generation != null ? toolCalls(generation.getOutput().getToolCalls()) : List.of();
        if (text == null && calls.isEmpty()) {
            throw noText(backend);
        }
        ChatResponseMetadata metadata = response.getMetadata();
        String model = StringUtils.hasText(metadata.getModel()) ? metadata.getModel() : requestedModel;
        Usage usage = metadata.getUsage();
        return new Completion(text != null ? text : "", model, backend,
                TokenUsage.of(orZero(usage.getPromptTokens()), orZero(usage.getCompletionTokens())),
                Completion.finishReason(generation.getMetadata().getFinishReason(), !calls.isEmpty()), calls);
    }

    /**
     * The failure of an answer without text.
     *
     * @param backend the backend's name
     * @return the exception, naming the backend
     */
    static ModelFailureException noText(String backend) {
        return new ModelFailureException(backend, "model backend '" + backend + "' answered without text");
    }

    /** The calls as answered, each with an id: a server that gives none (older Ollama) gets one here. */
    private static List<ToolCall> toolCalls(List<AssistantMessage.ToolCall> calls) {
        List<ToolCall> answered = new ArrayList<>(calls.size());
        for (AssistantMessage.ToolCall call : calls) {
            String id = StringUtils.hasText(call.id()) ? call.id()
                    : "call_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
            answered.add(new ToolCall(id, call.name(), StringUtils.hasText(call.arguments()) ? call.arguments() : "{}"));
        }
        return answered;
    }

    private static int orZero(@Nullable Integer count) {
        return count != null ? count : 0;
    }

    /**
     * What one stream's chunks said about text, model, usage, finish reason and tool calls; the
     * last non-empty report wins. Not thread-safe: one per call, fed in order.
     */
    static final class Stream {

        private final String backend;

        private final StringBuilder text = new StringBuilder();

        private String model;

        private int promptTokens;

        private int completionTokens;

        private @Nullable String finishReason;

        private final Map<String, AssistantMessage.ToolCall> toolCalls = new LinkedHashMap<>();

        /**
         * A stream not yet read.
         *
         * @param requestedModel the model asked for, for a stream that names none
         * @param backend        the backend's name
         */
        Stream(String requestedModel, String backend) {
            this.model = requestedModel;
            this.backend = backend;
        }

        /**
         * Reads one chunk.
         *
         * @param response the chunk
         * @return its text, empty for none
         */
        String take(ChatResponse response) {
            ChatResponseMetadata metadata = response.getMetadata();
            if (StringUtils.hasText(metadata.getModel())) {
                model = metadata.getModel();
            }
            Usage usage = metadata.getUsage();
            if (orZero(usage.getPromptTokens()) + orZero(usage.getCompletionTokens()) > 0) {
                promptTokens = orZero(usage.getPromptTokens());
                completionTokens = orZero(usage.getCompletionTokens());
            }
            Generation generation = response.getResult();
            if (generation == null) {
                return "";
            }
            String reason = generation.getMetadata().getFinishReason();
            if (StringUtils.hasText(reason)) {
                finishReason = reason;
            }
            for (AssistantMessage.ToolCall call : generation.getOutput().getToolCalls()) {
                String key = StringUtils.hasText(call.id()) ? call.id() : "#" + toolCalls.size();
                toolCalls.put(key, call);
            }
            String piece = generation.getOutput().getText();
            piece = piece != null ? piece : "";
            text.append(piece);
            return piece;
        }

        /**
         * The whole answer, once the stream ended.
         *
         * @return the completion of every chunk read
         * @throws ModelFailureException if the chunks had neither text nor tool calls
         */
        Completion completion() {
            if (text.isEmpty() && toolCalls.isEmpty()) {
                throw noText(backend);
            }
            List<ToolCall> calls = toolCalls(new ArrayList<>(toolCalls.values()));
            return new Completion(text.toString(), model, backend, TokenUsage.of(promptTokens, completionTokens),
                    Completion.finishReason(finishReason, !calls.isEmpty()), calls);
        }
    }
}
