package io.meridian.taskserver.taskapi;

import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.task.TaskId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The tokens of streamed tasks, from the worker that runs an attempt to the clients that stream
 * its answer, within this replica.
 *
 * <p>Design note: one replaying sink per task, opened by whichever side comes first (a worker may
 * produce its first token before the client that submitted the task subscribes), and dropped when
 * the task reaches a final status or the last client is done. A token carries its attempt number,
 * so a client can tell a retry's tokens from those of the attempt it has been showing. Replay
 * costs the answer's size in memory while the task runs, which is what a client would buffer
 * anyway. A task run by another replica (a shared queue backend) has no tokens here; its clients
 * receive the whole answer in one piece when it finishes.
 */
public final class TaskTokens {

    private final ConcurrentMap<TaskId, Sinks.Many<Token>> streams = new ConcurrentHashMap<>();

    /**
     * Creates the hub and drops each task's tokens when it finishes.
     *
     * @param queue the queue backend, whose changes say when a task finished
     */
    public TaskTokens(TaskQueue queue) {
        queue.subscribe(task -> {
            if (task.status().isTerminal()) {
                release(task.id());
            }
        });
    }

    /**
     * A piece of a streamed answer.
     *
     * @param attempt the attempt that produced it
     * @param text    the piece
     */
    public record Token(int attempt, String text) {
    }

    /**
     * Passes on a token of a running attempt.
     *
     * @param id      the task
     * @param attempt the attempt's number
     * @param text    the piece of the answer
     */
    public void emit(TaskId id, int attempt, String text) {
        // One worker thread emits per task at a time; a failed emission (a concurrent late attempt)
        // loses a token of an attempt whose answer the queue discards anyway.
        sink(id).tryEmitNext(new Token(attempt, text));
    }

    /**
     * The task's tokens so far, then as they come; never completes by itself: callers stop when the
     * task is final.
     *
     * @param id the task
     * @return the tokens
     */
    public Flux<Token> tokens(TaskId id) {
        return sink(id).asFlux();
    }

    /**
     * Forgets a task's tokens, completing their streams.
     *
     * @param id the task
     */
    public void release(TaskId id) {
        Sinks.Many<Token> sink = streams.remove(id);
        if (sink != null) {
            sink.tryEmitComplete();
        }
    }

    /**
     * Tasks with tokens held; for tests.
     *
     * @return how many
     */
    int held() {
        return streams.size();
    }

    private Sinks.Many<Token> sink(TaskId id) {
        return streams.computeIfAbsent(id, ignored -> Sinks.many().replay().all());
    }
}
