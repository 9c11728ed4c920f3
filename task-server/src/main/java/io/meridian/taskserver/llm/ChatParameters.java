package io.meridian.taskserver.llm;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The OpenAI chat parameters a request set, beyond its messages and {@code max_tokens}: what the
 * model is asked to do differently from its configured defaults. Every field is optional; an
 * unset one leaves the model server's own default (or the {@code spring.ai.*.chat.options} one).
 *
 * <p>A task carries these from the request to whichever replica runs it, so they are part of the
 * task's stored form (see {@code TaskDocument}): plain values, JSON texts for the schemas, no
 * client library types. A task stored before they existed is read back with {@link #NONE}.
 *
 * @param temperature      sampling temperature, within [0, 2]
 * @param topP             nucleus sampling mass, within [0, 1]
 * @param stop             sequences at which the model stops (at most four), not included in the
 *                         answer; empty for none
 * @param seed             the seed of the model's sampling, for repeatable answers
 * @param presencePenalty  penalty for tokens already present, within [-2, 2]
 * @param frequencyPenalty penalty by how often tokens occur, within [-2, 2]
 * @param responseFormat   JSON mode or a JSON schema the answer must follow, or {@code null} for text
 * @param tools            functions the model may ask the client to call; empty for none
 * @param toolChoice       whether and which tool the model must call, or {@code null} for the
 *                         model's choice ({@code auto} when there are tools)
 * @param maxCompletionTokens whether the client capped the answer with {@code max_completion_tokens},
 *                         OpenAI's newer name (which its reasoning models require), rather than
 *                         {@code max_tokens}: an OpenAI-compatible server is sent the same name
 * @param keepAlive        how long the model server keeps the model loaded after this call, as
 *                         Ollama reads it (a Go duration such as {@code 5m} or {@code 300s}; negative
 *                         for until it stops, {@code 0} to unload at once), or {@code null} for the
 *                         region's {@code meridian.model.ollama.keep-alive}. Not a parameter of the
 *                         answer but a residency hint to the model server: an Ollama backend sends
 *                         it, others have no such thing and ignore it, so it is not among
 *                         {@link #used()} and no backend refuses it
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ChatParameters(
        @Nullable Double temperature,
        @Nullable Double topP,
        List<String> stop,
        @Nullable Integer seed,
        @Nullable Double presencePenalty,
        @Nullable Double frequencyPenalty,
        @Nullable ResponseFormat responseFormat,
        List<Tool> tools,
        @Nullable ToolChoice toolChoice,
        boolean maxCompletionTokens,
        @Nullable String keepAlive) {

    /** No parameters: the model's defaults throughout. */
    public static final ChatParameters NONE = new ChatParameters(null, null, List.of(), null, null, null, null,
            List.of(), null, false, null);

    /**
     * Copies the lists; reads absent ones (an older stored task) as empty.
     */
    public ChatParameters {
        stop = stop == null ? List.of() : List.copyOf(stop);
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    /**
     * Parameters without a keep-alive of their own.
     *
     * @param temperature         sampling temperature
     * @param topP                nucleus sampling mass
     * @param stop                stop sequences
     * @param seed                the sampling's seed
     * @param presencePenalty     penalty for tokens already present
     * @param frequencyPenalty    penalty by how often tokens occur
     * @param responseFormat      JSON mode or schema, or {@code null}
     * @param tools               the offered functions
     * @param toolChoice          {@code tool_choice}, or {@code null}
     * @param maxCompletionTokens whether the cap was named {@code max_completion_tokens}
     */
    public ChatParameters(@Nullable Double temperature, @Nullable Double topP, List<String> stop,
            @Nullable Integer seed, @Nullable Double presencePenalty, @Nullable Double frequencyPenalty,
            @Nullable ResponseFormat responseFormat, List<Tool> tools, @Nullable ToolChoice toolChoice,
            boolean maxCompletionTokens) {
        this(temperature, topP, stop, seed, presencePenalty, frequencyPenalty, responseFormat, tools, toolChoice,
                maxCompletionTokens, null);
    }

    /**
     * These parameters with the call's keep-alive.
     *
     * @param keepAlive a Go duration as Ollama reads it, or {@code null} for the region's
     * @return the parameters, with {@code keepAlive} replaced
     */
    public ChatParameters withKeepAlive(@Nullable String keepAlive) {
        return new ChatParameters(temperature, topP, stop, seed, presencePenalty, frequencyPenalty, responseFormat,
                tools, toolChoice, maxCompletionTokens, keepAlive);
    }

    /**
     * The parameters set, so that a backend can refuse those it cannot honour.
     *
     * @return the parameters set, {@link ChatParameter#MAX_TOKENS} aside (the request carries it)
     */
    public Set<ChatParameter> used() {
        Set<ChatParameter> used = EnumSet.noneOf(ChatParameter.class);
        if (temperature != null) {
            used.add(ChatParameter.TEMPERATURE);
        }
        if (topP != null) {
            used.add(ChatParameter.TOP_P);
        }
        if (!stop.isEmpty()) {
            used.add(ChatParameter.STOP);
        }
        if (seed != null) {
            used.add(ChatParameter.SEED);
        }
        if (presencePenalty != null) {
            used.add(ChatParameter.PRESENCE_PENALTY);
        }
        if (frequencyPenalty != null) {
            used.add(ChatParameter.FREQUENCY_PENALTY);
        }
        if (responseFormat != null) {
            used.add(responseFormat.schema() != null ? ChatParameter.JSON_SCHEMA : ChatParameter.JSON_OBJECT);
        }
        if (!tools.isEmpty()) {
            used.add(ChatParameter.TOOLS);
        }
        if (toolChoice != null && toolChoice.function() != null) {
            used.add(ChatParameter.TOOL_CHOICE_FUNCTION);
        }
        else if (toolChoice != null && toolChoice.mode().equals(ToolChoice.REQUIRED)) {
            used.add(ChatParameter.TOOL_CHOICE_REQUIRED);
        }
        return used;
    }

    /**
     * Whether any parameter is set.
     *
     * @return {@code false} for {@link #NONE} and its equals
     */
    public boolean hasAny() {
        return !equals(NONE);
    }

    /**
     * The tools the model is offered: none when {@code tool_choice} is {@code none}, which a backend
     * without {@code tool_choice} honours by not offering them.
     *
     * @return the tools to send
     */
    public List<Tool> offeredTools() {
        return toolChoice != null && toolChoice.mode().equals(ToolChoice.NONE) ? List.of() : tools;
    }

    /**
     * Jackson's filter that leaves unset parameters out of a stored task ({@code equals} is its
     * contract: a value equal to the filter is not written).
     */
    public static final class Unset {

        @Override
        public boolean equals(@Nullable Object value) {
            return value == null || NONE.equals(value);
        }

        @Override
        public int hashCode() {
            return NONE.hashCode();
        }
    }

    /**
     * The shape the answer must have.
     *
     * @param name   the schema's name ({@code json_schema.name}), or {@code null} in JSON mode
     * @param schema the JSON schema as JSON text, or {@code null} in JSON mode (any JSON object)
     * @param strict whether the schema is to be followed strictly ({@code json_schema.strict}), or
     *               {@code null} for the server's default
     */
    public record ResponseFormat(@Nullable String name, @Nullable String schema, @Nullable Boolean strict) {

        /** JSON mode: the answer is a JSON object. */
        public static final ResponseFormat JSON_OBJECT = new ResponseFormat(null, null, null);
    }

    /**
     * A function the model may ask the client to call.
     *
     * @param name        its name: letters, digits, {@code _} and {@code -}, at most 64
     * @param description what it does, for the model, or {@code null}
     * @param parameters  the JSON schema of its arguments, as JSON text
     */
    public record Tool(String name, @Nullable String description, String parameters) {
    }

    /**
     * {@code tool_choice}.
     *
     * @param mode     {@value #AUTO}, {@value #NONE} or {@value #REQUIRED}; {@value #REQUIRED} too
     *                 when a function is named
     * @param function the function the model must call, or {@code null}
     */
    public record ToolChoice(String mode, @Nullable String function) {

        /** The model decides whether to call a tool. */
        public static final String AUTO = "auto";

        /** The model must not call a tool. */
        public static final String NONE = "none";

        /** The model must call a tool (the named one, if any). */
        public static final String REQUIRED = "required";
    }
}
