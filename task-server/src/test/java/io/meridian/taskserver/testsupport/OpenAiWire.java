package io.meridian.taskserver.testsupport;

import java.util.List;

/**
 * Bodies in OpenAI's {@code /v1/chat/completions} wire format, as OpenAI and OpenAI-compatible
 * servers (vLLM, llama.cpp server) send them: a {@code chat.completion} object, and a stream of
 * {@code chat.completion.chunk} server-sent events ending with {@code data: [DONE]}.
 */
public final class OpenAiWire {

    /** The chat completions endpoint, under a base URL ending in {@code /v1}. */
    public static final String CHAT_PATH = "/v1/chat/completions";

    /** The embeddings endpoint, under a base URL ending in {@code /v1}. */
    public static final String EMBEDDINGS_PATH = "/v1/embeddings";

    private OpenAiWire() {
    }

    /**
     * A complete, non-streamed chat completion.
     *
     * @param model            the model that answered
     * @param content          the answer text (no characters that need JSON escaping)
     * @param promptTokens     tokens in the prompt
     * @param completionTokens tokens in the answer
     * @return the JSON body
     */
    public static String chatCompletion(String model, String content, int promptTokens, int completionTokens) {
        return chatCompletion(model, "\"" + content + "\"", "", "stop", promptTokens, completionTokens);
    }

    /**
     * A complete, non-streamed chat completion that ended for a reason.
     *
     * @param model            the model that answered
     * @param content          the answer text (no characters that need JSON escaping)
     * @param finishReason     {@code stop}, {@code length}, ...
     * @param promptTokens     tokens in the prompt
     * @param completionTokens tokens in the answer
     * @return the JSON body
     */
    public static String chatCompletion(String model, String content, String finishReason, int promptTokens,
            int completionTokens) {
        return chatCompletion(model, "\"" + content + "\"", "", finishReason, promptTokens, completionTokens);
    }

    /**
     * A complete, non-streamed answer that calls one function: no content, {@code tool_calls} and
     * finish reason {@code tool_calls}.
     *
     * @param model     the model that answered
     * @param id        the call's id
     * @param function  the function called
     * @param arguments its arguments, JSON text (escaped here)
     * @return the JSON body
     */
    public static String toolCallCompletion(String model, String id, String function, String arguments) {
        String calls = ", \"tool_calls\": [{\"id\": \"" + id + "\", \"type\": \"function\", \"function\": {\"name\": \"" + function
                + "\", \"arguments\": \"" + arguments.replace("\"", "\\\"") + "\"}}]";
        return chatCompletion(model, "null", calls, "tool_calls", 80, 17);
    }

    private static String chatCompletion(String model, String content, String toolCalls, String finishReason,
            int promptTokens, int completionTokens) {
        return """
                {
                  "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
                  "object": "chat.completion",
                  "created": 1741569952,
                  "model": "%s",
                  "choices": [
                    {
                      "index": 0,
                      "message": {"role": "assistant", "content": %s, "refusal": null, "annotations": []%s},
                      "logprobs": null,
                      "finish_reason": "%s"
                    }
                  ],
                  "usage": {
                    "prompt_tokens": %d,
                    "completion_tokens": %d,
                    "total_tokens": %d,
                    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                    "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                      "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
                  },
                  "service_tier": "default",
                  "system_fingerprint": "fp_0123456789"
                }
                """.formatted(model, content, toolCalls, finishReason, promptTokens, completionTokens,
                promptTokens + completionTokens);
    }

    /**
     * A streamed chat completion: a role chunk, one chunk per piece, a finish chunk, a usage chunk
     * (as with {@code stream_options.include_usage}), then {@code [DONE]}.
     *
     * @param model            the model that answered
     * @param pieces           the answer's pieces, in order (no characters that need JSON escaping)
     * @param promptTokens     tokens in the prompt
     * @param completionTokens tokens in the answer
     * @return the {@code text/event-stream} body
     */
    public static String chatCompletionStream(String model, List<String> pieces, int promptTokens,
            int completionTokens) {
        StringBuilder body = new StringBuilder();
        body.append(chunk(model, "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null"));
        for (String piece : pieces) {
            body.append(chunk(model, "{\"content\":\"" + piece + "\"}", "null"));
        }
        body.append(chunk(model, "{}", "\"stop\""));
        body.append("data: {\"id\":\"chatcmpl-stream1\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,"
                + "\"model\":\"" + model + "\",\"system_fingerprint\":\"fp_0123456789\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":" + completionTokens
                + ",\"total_tokens\":" + (promptTokens + completionTokens) + "}}\n\n");
        body.append("data: [DONE]\n\n");
        return body.toString();
    }

    private static String chunk(String model, String delta, String finishReason) {
        return "data: {\"id\":\"chatcmpl-stream1\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,"
                + "\"model\":\"" + model + "\",\"system_fingerprint\":\"fp_0123456789\",\"choices\":[{\"index\":0,"
                + "\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finishReason + "}],"
                + "\"usage\":null}\n\n";
    }

    /**
     * A streamed answer that calls one function, as OpenAI streams it: the call's id and name in
     * the first tool-call chunk, its arguments in pieces after, then finish reason
     * {@code tool_calls}, a usage chunk and {@code [DONE]}.
     *
     * @param model          the model that answered
     * @param id             the call's id
     * @param function       the function called
     * @param argumentPieces the arguments' JSON text in pieces (escaped here)
     * @return the {@code text/event-stream} body
     */
    public static String toolCallStream(String model, String id, String function, List<String> argumentPieces) {
        StringBuilder body = new StringBuilder();
        body.append(chunk(model, "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"" + id
                + "\",\"type\":\"function\",\"function\":{\"name\":\"" + function + "\",\"arguments\":\"\"}}]}", "null"));
        for (String piece : argumentPieces) {
            body.append(chunk(model, "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\""
                    + piece.replace("\"", "\\\"") + "\"}}]}", "null"));
        }
        body.append(chunk(model, "{}", "\"tool_calls\""));
        body.append("data: {\"id\":\"chatcmpl-stream1\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,"
                + "\"model\":\"" + model + "\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":80,\"completion_tokens\":17,\"total_tokens\":97}}\n\n");
        body.append("data: [DONE]\n\n");
        return body.toString();
    }

    /**
     * A {@code /v1/embeddings} answer with float vectors.
     *
     * @param model        the model that answered
     * @param promptTokens tokens in the inputs
     * @param vectors      one vector per input, each as JSON numbers, e.g. {@code 0.6, 0.8}
     * @return the JSON body
     */
    public static String embeddings(String model, int promptTokens, String... vectors) {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < vectors.length; i++) {
            data.append(i == 0 ? "" : ", ").append("{\"object\": \"embedding\", \"index\": ").append(i)
                    .append(", \"embedding\": [").append(vectors[i]).append("]}");
        }
        return "{\"object\": \"list\", \"data\": [" + data + "], \"model\": \"" + model
                + "\", \"usage\": {\"prompt_tokens\": " + promptTokens + ", \"total_tokens\": " + promptTokens + "}}";
    }
}
