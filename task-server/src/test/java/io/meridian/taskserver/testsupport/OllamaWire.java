package io.meridian.taskserver.testsupport;

/**
 * Bodies in Ollama's {@code /api/chat} wire format (non-streaming), and its {@code /api/embed}
 * answers, as an Ollama server sends them.
 */
public final class OllamaWire {

    /** Ollama's chat endpoint. */
    public static final String CHAT_PATH = "/api/chat";

    /** Ollama's embedding endpoint. */
    public static final String EMBED_PATH = "/api/embed";

    private OllamaWire() {
    }

    /**
     * A complete, non-streaming chat answer.
     *
     * @param model            the model that answered
     * @param content          the answer text
     * @param promptEvalCount  tokens in the prompt
     * @param evalCount        tokens in the answer
     * @return the JSON body
     */
    public static String chatAnswer(String model, String content, int promptEvalCount, int evalCount) {
        return chatAnswer(model, content, promptEvalCount, evalCount, "stop");
    }

    /**
     * A complete, non-streaming chat answer that ended for a reason.
     *
     * @param model           the model that answered
     * @param content         the answer text
     * @param promptEvalCount tokens in the prompt
     * @param evalCount       tokens in the answer
     * @param doneReason      Ollama's {@code done_reason}: {@code stop} or {@code length}
     * @return the JSON body
     */
    public static String chatAnswer(String model, String content, int promptEvalCount, int evalCount,
            String doneReason) {
        return """
                {
                  "model": "%s",
                  "created_at": "2025-05-01T10:15:30.123456789Z",
                  "message": {"role": "assistant", "content": "%s"},
                  "done": true,
                  "done_reason": "%s",
                  "total_duration": 4883583458,
                  "load_duration": 1334875,
                  "prompt_eval_count": %d,
                  "prompt_eval_duration": 342546000,
                  "eval_count": %d,
                  "eval_duration": 4535599000
                }
                """.formatted(model, content, doneReason, promptEvalCount, evalCount);
    }

    /**
     * A complete, non-streaming answer that calls a tool, as Ollama sends it: no content, the
     * call's arguments as a JSON object (not text), no call id, and {@code done_reason} {@code stop}.
     *
     * @param model     the model that answered
     * @param function  the function called
     * @param arguments its arguments, a JSON object
     * @return the JSON body
     */
    public static String toolCallAnswer(String model, String function, String arguments) {
        return """
                {
                  "model": "%s",
                  "created_at": "2025-05-01T10:15:30.123456789Z",
                  "message": {"role": "assistant", "content": "",
                    "tool_calls": [{"function": {"name": "%s", "arguments": %s}}]},
                  "done": true,
                  "done_reason": "stop",
                  "prompt_eval_count": 120,
                  "eval_count": 18
                }
                """.formatted(model, function, arguments);
    }

    /**
     * An {@code /api/embed} answer.
     *
     * @param model           the model that answered
     * @param promptEvalCount tokens in the inputs
     * @param vectors         one vector per input, each as JSON numbers, e.g. {@code 0.6, 0.8}
     * @return the JSON body
     */
    public static String embedAnswer(String model, int promptEvalCount, String... vectors) {
        return """
                {"model": "%s", "embeddings": [[%s]], "total_duration": 14143917, "load_duration": 1019500,
                 "prompt_eval_count": %d}
                """.formatted(model, String.join("], [", vectors), promptEvalCount);
    }
}
