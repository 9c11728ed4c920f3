package io.meridian.taskserver.bench;

import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.task.TaskResult;
import io.meridian.taskserver.llm.TokenUsage;
import io.meridian.taskserver.testsupport.TaskFixtures;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The embedded queue's operations on a task's way through it, without workers, model or HTTP:
 * what one task costs the queue itself. {@code lifecycle} is a whole life (accept, submit, claim,
 * succeed); {@code submitThenClaimBatch} fills the queue with 64 tasks and claims them in batches
 * of 16, as the dispatcher does under load. Two threads share one queue, so its locking is part of
 * the figure.
 *
 * <p>Command ({@code bin/jmh --task-server} builds the task server's test classes first):
 * <pre>{@code
 * bin/jmh --task-server QueueBenchmark
 * }</pre>
 * The Redis backend is measured end to end by {@code bin/task-throughput --backend=redis}: its cost
 * is round trips, which a single-threaded microbenchmark would only misstate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(2)
public class QueueBenchmark {

    private static final TaskResult RESULT = new TaskResult("Paris.", "qwen3", "simulated", new TokenUsage(7, 2, 9));

    private TaskQueue queue;
    private Clock clock;

    /** Per thread: its own id generator, so that the queue, not the random numbers, is shared. */
    @State(Scope.Thread)
    public static class Ids {

        final SplittableRandom random = new SplittableRandom(Thread.currentThread().threadId());

        TaskId next(Clock clock) {
            return TaskId.next("bench", clock.instant(), random);
        }
    }

    @Setup(Level.Iteration)
    public void setUp() {
        clock = Clock.systemUTC();
        // Finished tasks are kept for an hour by default; a short time keeps the benchmark's heap flat.
        queue = TaskQueue.inMemory(TaskFixtures.queues(1_000_000), Duration.ofSeconds(1), clock);
    }

    @Benchmark
    public Optional<Task> lifecycle(Ids ids) {
        Task task = Task.accepted(ids.next(clock), TaskFixtures.SIMPLE, "What is the capital of France?", "qwen3", 3,
                null, clock.instant());
        queue.submit(task);
        Task claimed = queue.claim(TaskFixtures.SIMPLE).orElseThrow();
        return queue.succeed(claimed.id(), claimed.attempts(), RESULT);
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public int submitThenClaimBatch(Ids ids) {
        for (int i = 0; i < 64; i++) {
            queue.submit(Task.accepted(ids.next(clock), TaskFixtures.COMPLEX, "Explain TCP slow start.", "qwen3:14b", 3,
                    null, clock.instant()));
        }
        int claimed = 0;
        for (List<Task> batch; !(batch = queue.claim(TaskFixtures.COMPLEX, 16)).isEmpty(); ) {
            for (Task task : batch) {
                queue.succeed(task.id(), task.attempts(), RESULT);
            }
            claimed += batch.size();
        }
        return claimed;
    }
}
