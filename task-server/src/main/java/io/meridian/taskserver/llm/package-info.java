/**
 * Model backends: one interface ({@link io.meridian.taskserver.llm.ChatBackend}) in front of the
 * model servers a region can use, selected by {@code meridian.model.backend}.
 *
 * <ul>
 *   <li>{@code simulated} (default): answers on timers, never holding a thread, and says in every
 *       answer that no model was called; for demos and load tests. Its profile
 *       ({@code meridian.model.simulated.profile}) is a fixed delay ({@code fixed}) or a preset
 *       that imitates a real model's time to first token, token rate and answer lengths
 *       ({@code cpu-small}, {@code gpu-large}).
 *   <li>{@code ollama}: Spring AI's {@code OllamaChatModel}; its blocking call runs on a bounded
 *       set of virtual threads, never on an event-loop thread.
 *   <li>{@code openai}: Spring AI's {@code OpenAiChatModel}, for any OpenAI-compatible server (vLLM,
 *       llama.cpp server, OpenAI), run the same way.
 * </ul>
 *
 * <p>Each backend can also stream ({@link io.meridian.taskserver.llm.ChatBackend#stream}): the
 * Spring AI ones through {@code ChatModel.stream}, the simulated one token (word) by token at its profile's seeded pace.
 * A request may carry a conversation ({@link io.meridian.taskserver.llm.ChatMessage}s), whose roles
 * the Spring AI backends keep.
 *
 * <p>A chat completion's parameters ({@link io.meridian.taskserver.llm.ChatParameters}) reach the
 * model as the provider's options; each backend says which it honours
 * ({@link io.meridian.taskserver.llm.ChatBackend#supports()}), and a request setting another is
 * refused before it is queued. An answer says why the model stopped
 * ({@link io.meridian.taskserver.llm.Completion#finishReason()}) and which tools it called.
 *
 * <p>Callers see two failures: {@link io.meridian.taskserver.llm.ModelFailureException} (the model
 * server erred or answered nonsense) and {@link io.meridian.taskserver.llm.ModelTimeoutException}.
 */
@NullMarked
package io.meridian.taskserver.llm;

import org.jspecify.annotations.NullMarked;
