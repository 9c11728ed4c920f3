package io.meridian.taskserver.chat;

import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskFailures;
import io.meridian.taskserver.task.TaskResult;
import io.meridian.taskserver.task.TaskScope;
import io.meridian.taskserver.task.TaskStatus;
import io.meridian.taskserver.taskapi.TaskService;
import io.meridian.taskserver.taskapi.TaskTokens;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.ApiException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * How a chat task's answer reaches its caller, whichever wire format carries it: OpenAI's
 * ({@link ChatCompletionsController}) or Ollama's ({@link OllamaController}). Both APIs queue the
 * same task and differ only in how they write its pieces.
 *
 * <p>Plain: {@link #result} waits for the task ({@code meridian.tasks.sync-wait}); a task still
 * running then is 504 {@code model_timeout} naming the task, which goes on. Streamed:
 * {@link #pieces} passes on the tokens of the attempt it shows as the worker produces them (see
 * {@link TaskTokens}). When the task ends, whatever of the answer was not yet sent (all of it if
 * the task ran on another replica) comes in its {@link Finished} piece; a retry that changed an
 * answer already partly sent, or a failure, is a {@link Failed} piece instead.
 */
final class ChatRun {

    /** How often a stream without news says it is alive (a task may wait long in its queue). */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final TaskService tasks;

    private final TaskTokens tokens;

    private final Duration syncWait;

    ChatRun(TaskService tasks, TaskTokens tokens, Duration syncWait) {
        this.tasks = tasks;
        this.tokens = tokens;
        this.syncWait = syncWait;
    }

    /** A piece of a streamed answer. */
    sealed interface Piece permits Text, Finished, Failed {
    }

    /**
     * Text of the answer, as the model produced it.
     *
     * @param text the text
     */
    record Text(String text) implements Piece {
    }

    /**
     * The end of a successful answer.
     *
     * @param task      the finished task
     * @param result    its result
     * @param remainder what of the answer was not sent as {@link Text}, possibly empty
     */
    record Finished(Task task, TaskResult result, String remainder) implements Piece {
    }

    /**
     * The end of an answer that failed.
     *
     * @param failure what to tell the caller
     */
    record Failed(ApiException failure) implements Piece {
    }

    /**
     * The finished task of a plain call.
     *
     * @param task the submitted task
     * @return the task once it succeeded
     * @throws ApiException (in the {@code Mono}) if it failed, or did not finish within the sync wait
     */
    Mono<Task> result(Task task) {
        return tasks.await(task.id(), syncWait).map(done -> switch (done.status()) {
            case SUCCEEDED -> done;
            case FAILED, DEAD_LETTERED, CANCELLED -> throw TaskFailures.toApiException(done);
            case QUEUED, RUNNING -> throw new ApiException(ApiError.MODEL_TIMEOUT, 504, "task " + done.id()
                    + " did not finish within " + syncWait.toMillis() + " ms; it goes on, and GET /v1/tasks/"
                    + done.id() + " reads its result", null, null);
        });
    }

    /**
     * The pieces of a streamed call: {@link Text}s, then one {@link Finished} or {@link Failed}.
     *
     * @param task the submitted task
     * @return the pieces; cancelling releases the task's tokens
     */
    Flux<Piece> pieces(Task task) {
        StringBuilder sent = new StringBuilder();
        AtomicInteger shownAttempt = new AtomicInteger(-1);
        Mono<Task> finished = tasks.events(task.id().toString(), TaskScope.tenant(task.tenant()))
                .filter(state -> state.status().isTerminal())
                .last()
                .cache();
        // The hub completes a task's tokens when it finishes, after replaying those held; releasing
        // them here too ends a stream whose tokens never come (the task ran on another replica or
        // finished before this subscription), without cutting off any that did.
        Flux<Piece> texts = Flux.merge(tokens.tokens(task.id()),
                        finished.doOnNext(last -> tokens.release(task.id())).thenMany(Flux.<TaskTokens.Token>empty()))
                .filter(token -> shownAttempt.compareAndSet(-1, token.attempt())
                        || shownAttempt.get() == token.attempt())
                .map(token -> {
                    sent.append(token.text());
                    return new Text(token.text());
                });
        Mono<Piece> end = finished.map(last -> {
            if (last.status() != TaskStatus.SUCCEEDED) {
                return new Failed(TaskFailures.toApiException(last));
            }
            TaskResult result = Objects.requireNonNull(last.result());
            if (!result.answer().startsWith(sent.toString())) {
                return new Failed(new ApiException(ApiError.MODEL_ERROR, 502, "the model's answer was "
                        + "interrupted and retried after part of it was sent; GET /v1/tasks/" + last.id()
                        + " reads the whole answer", null, null));
            }
            return new Finished(last, result, result.answer().substring(sent.length()));
        });
        return Flux.concat(texts, end).doFinally(signal -> tokens.release(task.id()));
    }

    /**
     * A stream with a keep-alive item every {@link #KEEP_ALIVE} while it has no news, until it ends.
     *
     * @param <T>       the stream's items
     * @param events    the stream
     * @param keepAlive the item that says it is alive
     * @return the stream with its keep-alives
     */
    static <T> Flux<T> keptAlive(Flux<T> events, Supplier<T> keepAlive) {
        return events.publish(shared -> Flux.merge(shared, Flux.interval(KEEP_ALIVE, KEEP_ALIVE)
                .map(tick -> keepAlive.get())
                .takeUntilOther(shared.then())));
    }
}
