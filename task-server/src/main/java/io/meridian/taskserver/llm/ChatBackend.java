package io.meridian.taskserver.llm;

import java.util.Set;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A model server that answers one prompt with one completion.
 *
 * <p>Implementations never block the subscribing thread: a blocking client must hop to its own
 * bounded scheduler. They do not enforce a deadline either; the caller owns the time budget (see
 * {@link ModelTimeoutException}) and cancels the returned {@code Mono} when it runs out.
 */
public interface ChatBackend {

    /**
     * The backend's name as reported to clients and in health: {@code simulated}, {@code ollama}.
     *
     * @return a short lowercase name, constant for the life of the backend
     */
    String name();

    /**
     * The model that answers when a request names none.
     *
     * @return a model name as the backend understands it, e.g. {@code qwen3}
     */
    String defaultModel();

    /**
     * The model an answer to a request for {@code model} will name, as far as it is known before
     * the answer comes: what a streamed answer's pieces say until its last one reports the model
     * that answered.
     *
     * <p>This default is the model asked for; a backend that answers under its own name whatever
     * is asked (the simulated one) says that name, so that it never passes for the model named.
     *
     * @param model the model asked for, or {@code null} for the {@linkplain #defaultModel() default}
     * @return the model the answer is expected to name
     */
    default String answersAs(@Nullable String model) {
        return model != null ? model : defaultModel();
    }

    /**
     * The chat parameters this backend honours, beyond {@code max_tokens} (which every backend
     * does). A request that sets another is refused with a 400 naming it before it is queued,
     * rather than answered as if it had not been set.
     *
     * <p>This default honours none; a backend that passes parameters to its model says which.
     *
     * @return the parameters honoured
     */
    default Set<ChatParameter> supports() {
        return Set.of();
    }

    /**
     * Asks the model.
     *
     * @param request the query and, optionally, the model to use
     * @return a {@code Mono} that emits exactly one completion, or fails with a
     *         {@link ModelFailureException}
     */
    Mono<Completion> complete(CompletionRequest request);

    /**
     * Asks the model and streams its answer as the model produces it. Concatenated, the steps'
     * texts are the answer; the last step carries the whole {@link Completion} with its usage.
     *
     * <p>This default answers in one step, from {@link #complete}; backends that can stream
     * override it.
     *
     * @param request the query and, optionally, the model and conversation
     * @return the steps, ending with exactly one that carries the completion, or failing with a
     *         {@link ModelFailureException}
     */
    default Flux<CompletionDelta> stream(CompletionRequest request) {
        return complete(request).map(completion -> CompletionDelta.last(completion.text(), completion)).flux();
    }
}
