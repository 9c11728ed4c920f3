package io.meridian.taskserver.llm;

/**
 * The chat completion parameters a {@link ChatBackend} may or may not honour, named as OpenAI's
 * API names them. A request that uses one its backend does not honour is refused naming
 * {@link #field()}: a parameter is carried to the model or refused, never dropped.
 */
public enum ChatParameter {

    /** {@code temperature}. */
    TEMPERATURE("temperature", "temperature"),

    /** {@code top_p}. */
    TOP_P("top_p", "top_p"),

    /** {@code max_tokens} or {@code max_completion_tokens}. */
    MAX_TOKENS("max_tokens", "max_tokens"),

    /** {@code stop}: one or more stop sequences. */
    STOP("stop", "stop"),

    /** {@code seed}. */
    SEED("seed", "seed"),

    /** {@code presence_penalty}. */
    PRESENCE_PENALTY("presence_penalty", "presence_penalty"),

    /** {@code frequency_penalty}. */
    FREQUENCY_PENALTY("frequency_penalty", "frequency_penalty"),

    /** {@code response_format} of type {@code json_object} (JSON mode). */
    JSON_OBJECT("response_format", "response_format 'json_object'"),

    /** {@code response_format} of type {@code json_schema} (structured output). */
    JSON_SCHEMA("response_format", "response_format 'json_schema'"),

    /** {@code tools}: functions the model may ask the client to call. */
    TOOLS("tools", "tools"),

    /** {@code tool_choice} {@code "required"}: the model must call a tool. */
    TOOL_CHOICE_REQUIRED("tool_choice", "tool_choice 'required'"),

    /** {@code tool_choice} naming one function, which the model must call. */
    TOOL_CHOICE_FUNCTION("tool_choice", "tool_choice naming a function");

    private final String field;

    private final String description;

    ChatParameter(String field, String description) {
        this.field = field;
        this.description = description;
    }

    /** @return the request field that carries it, as a 400 names it */
    public String field() {
        return field;
    }

    /** @return how a refusal names it, e.g. {@code response_format 'json_schema'} */
    public String description() {
        return description;
    }
}
