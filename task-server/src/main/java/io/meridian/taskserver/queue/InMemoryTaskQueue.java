package io.meridian.taskserver.queue;

import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskError;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.task.TaskResult;
import io.meridian.taskserver.task.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link TaskQueue}: every queue and task of the region in this JVM's memory.
 *
 * <p>Design note: one lock guards everything (the task table, each queue's ready set and retry
 * set, the idempotency keys, the expiry order). Every operation is a few hash or tree operations
 * under it, microseconds against model calls of seconds, so one lock costs nothing measurable and
 * makes each transition and its notification atomic, which is what the contract's fencing and
 * ordering promises need. A queue is a FIFO of ready tasks (a {@link LinkedHashSet}, so that a
 * cancelled task leaves it in O(1)) plus a set of tasks waiting for a retry time, ordered by that
 * time; a task whose time has come joins the tail of the FIFO, behind newer work, so one poison
 * task cannot starve a queue. Expiry is driven by the injected clock: lazily on lookup and in
 * bulk by {@link #housekeep()}.
 *
 * <p>Trade-off: nothing survives the JVM. Tasks accepted by a replica that stops are gone with it,
 * and a replica's queues are its own; the Redis Streams backend removes both limits. Finished
 * tasks are held for the result TTL but never more than {@code maxFinished} of them: held for the
 * TTL alone, memory would grow with throughput times TTL (at 8,000 tasks/s, 29 million tasks in
 * the default hour), which no heap holds. Beyond the bound the oldest finished task is forgotten
 * early, with its idempotency key, exactly as if its TTL had passed; each such task is counted in
 * {@link #forgottenEarly()}. The bound on waiting tasks ({@code max-depth}) is separate.
 */
final class InMemoryTaskQueue implements TaskQueue {

    private static final Logger log = LoggerFactory.getLogger(InMemoryTaskQueue.class);

    private final ReentrantLock lock = new ReentrantLock();

    private final java.util.Set<String> paused = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Map<String, PoolBounds> poolBounds = new java.util.concurrent.ConcurrentHashMap<>();

    private volatile @Nullable ReplicaLoad load;

    /** The latest failed and dead-lettered tasks, newest first; guarded by {@link #lock}. */
    private final java.util.ArrayDeque<Task> failures = new java.util.ArrayDeque<>();

    private final Clock clock;

    private final Duration resultTtl;

    private final int maxFinished;

    /** Finished tasks forgotten before their TTL because {@link #maxFinished} were held; guarded by {@link #lock}. */
    private long forgottenEarly;

    private final Map<String, Lane> lanes = new LinkedHashMap<>();

    private final Map<TaskId, Task> tasks = new HashMap<>();

    private final Map<IdempotencyKey, TaskId> idempotencyKeys = new HashMap<>();

    private final PriorityQueue<Due> finished = new PriorityQueue<>(Due.ORDER);

    private final TaskChangeFeed changes = new TaskChangeFeed();

    private final Instant startedAt;

    private final StoreEpoch epoch;

    InMemoryTaskQueue(Queues queues, Duration resultTtl, Clock clock) {
        this(queues, resultTtl, DEFAULT_MAX_FINISHED_IN_MEMORY, clock);
    }

    InMemoryTaskQueue(Queues queues, Duration resultTtl, int maxFinished, Clock clock) {
        if (maxFinished < 1) {
            throw new IllegalArgumentException("at least one finished task must be kept, but the bound was " + maxFinished);
        }
        this.clock = clock;
        this.resultTtl = resultTtl;
        this.maxFinished = maxFinished;
        this.startedAt = clock.instant();
        this.epoch = StoreEpoch.begin(startedAt, io.meridian.protocol.ReadinessDetails.STORE_MEMORY,
                RandomGenerator.getDefault());
        for (QueueSettings queue : queues.all()) {
            lanes.put(queue.name(), new Lane(queue.name(), queue.maxDepth()));
        }
    }

    /** A new epoch for each backend, made with the process: nothing here outlives it. */
    @Override
    public StoreEpoch epoch() {
        return epoch;
    }

    @Override
    public Submission submit(Task task) {
        if (task.status() != TaskStatus.QUEUED || task.attempts() != 0) {
            throw new IllegalArgumentException("only a newly accepted task can be submitted, but " + task.id()
                    + " was " + task.status() + " after " + task.attempts() + " attempts");
        }
        return locked(() -> {
            Lane lane = lane(task.queue());
            String key = task.idempotencyKey();
            if (key != null) {
                Optional<Task> held = findByIdempotencyKey(task.tenant(), key);
                if (held.isPresent()) {
                    return new Submission(held.get(), false);
                }
            }
            if (tasks.containsKey(task.id())) {
                throw new IllegalArgumentException("task " + task.id() + " was already submitted");
            }
            if (lane.depth() >= lane.maxDepth) {
                throw new QueueFullException(lane.name, lane.maxDepth);
            }
            tasks.put(task.id(), task);
            if (key != null) {
                idempotencyKeys.put(new IdempotencyKey(task.tenant(), key), task.id());
            }
            lane.ready.add(task.id());
            publish(task);
            return new Submission(task, true);
        });
    }

    @Override
    public Optional<Task> find(TaskId id) {
        return locked(() -> {
            return Optional.ofNullable(held(id));
        });
    }

    @Override
    public Optional<Task> findByIdempotencyKey(String tenant, String idempotencyKey) {
        return locked(() -> {
            TaskId id = idempotencyKeys.get(new IdempotencyKey(tenant, idempotencyKey));
            return id == null ? Optional.empty() : Optional.ofNullable(held(id));
        });
    }

    @Override
    public Optional<Task> claim(String queue) {
        return locked(() -> {
            Lane lane = lane(queue);
            Instant now = clock.instant();
            lane.promoteDue(now);
            Iterator<TaskId> oldest = lane.ready.iterator();
            if (!oldest.hasNext()) {
                return Optional.empty();
            }
            TaskId id = oldest.next();
            oldest.remove();
            lane.running++;
            return Optional.of(change(tasks.get(id).started(now)));
        });
    }

    @Override
    public Optional<Task> heartbeat(TaskId id, int attempt) {
        return locked(() -> {
            Task task = runningAttempt(id, attempt);
            if (task == null) {
                return Optional.empty();
            }
            Task alive = task.heartbeat(clock.instant());
            tasks.put(id, alive);
            return Optional.of(alive);
        });
    }

    @Override
    public Optional<Task> succeed(TaskId id, int attempt, TaskResult result) {
        return locked(() -> {
            Task task = runningAttempt(id, attempt);
            if (task == null) {
                return Optional.empty();
            }
            Lane lane = lane(task.queue());
            lane.running--;
            lane.completed++;
            return Optional.of(finish(task.succeeded(result, clock.instant())));
        });
    }

    @Override
    public Optional<Task> retry(TaskId id, int attempt, TaskError error, Instant retryAt) {
        return locked(() -> {
            Task task = runningAttempt(id, attempt);
            if (task == null) {
                return Optional.empty();
            }
            Lane lane = lane(task.queue());
            lane.running--;
            lane.retried++;
            lane.waiting.add(new Due(retryAt, id));
            return Optional.of(change(task.retrying(error, retryAt, clock.instant())));
        });
    }

    @Override
    public Optional<Task> fail(TaskId id, int attempt, TaskStatus finalStatus, TaskError error) {
        if (finalStatus != TaskStatus.FAILED && finalStatus != TaskStatus.DEAD_LETTERED) {
            throw new IllegalArgumentException("a failed task ends FAILED or DEAD_LETTERED, not " + finalStatus);
        }
        return locked(() -> {
            Task task = runningAttempt(id, attempt);
            if (task == null) {
                return Optional.empty();
            }
            Lane lane = lane(task.queue());
            lane.running--;
            if (finalStatus == TaskStatus.FAILED) {
                lane.failed++;
            }
            else {
                lane.deadLettered++;
            }
            Task ended = finish(task.ended(finalStatus, error, clock.instant()));
            failures.addFirst(ended);
            if (failures.size() > RECENT_FAILURES) {
                failures.removeLast();
            }
            return Optional.of(ended);
        });
    }

    @Override
    public void setPaused(String queue, boolean paused) {
        lane(queue);
        if (paused) {
            this.paused.add(queue);
        }
        else {
            this.paused.remove(queue);
        }
    }

    @Override
    public java.util.Set<String> pausedQueues() {
        return java.util.Set.copyOf(paused);
    }

    @Override
    public void setPoolBounds(String queue, @Nullable PoolBounds bounds) {
        lane(queue);
        if (bounds == null) {
            poolBounds.remove(queue);
        }
        else {
            poolBounds.put(queue, bounds);
        }
    }

    @Override
    public java.util.Map<String, PoolBounds> poolBounds() {
        return java.util.Map.copyOf(poolBounds);
    }

    @Override
    public List<Task> recentFailures(int limit) {
        return locked(() -> failures.stream().limit(Math.max(0, limit)).toList());
    }

    @Override
    public Optional<Cancellation> cancel(TaskId id) {
        return locked(() -> {
            Task task = held(id);
            if (task == null) {
                return Optional.empty();
            }
            if (task.status().isTerminal()) {
                return Optional.of(new Cancellation(task, false));
            }
            Lane lane = lane(task.queue());
            if (task.status() == TaskStatus.RUNNING) {
                lane.running--;
            }
            else if (!lane.ready.remove(id) && task.nextAttemptAt() != null) {
                lane.waiting.remove(new Due(task.nextAttemptAt(), id));
            }
            lane.cancelled++;
            return Optional.of(new Cancellation(finish(task.ended(TaskStatus.CANCELLED, null, clock.instant())), true));
        });
    }

    /** Forgets the tasks kept for the result TTL; one JVM has no other replica to watch. */
    @Override
    public int housekeep() {
        return locked(() -> {
            Instant now = clock.instant();
            int expired = 0;
            while (!finished.isEmpty() && isExpired(finished.peek().at, now)) {
                forget(finished.poll().id);
                expired++;
            }
            return expired;
        });
    }

    /** Only this process, always live and always its own housekeeper. */
    @Override
    public List<Replica> replicas() {
        ProcessHandle self = ProcessHandle.current();
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        return List.of(new Replica("local", host, self.pid(), startedAt, clock.instant(), true, true, load));
    }

    @Override
    public void reportLoad(ReplicaLoad load) {
        this.load = load;
    }

    @Override
    public QueueStats stats(String queue) {
        return locked(() -> {
            Lane lane = lane(queue);
            return new QueueStats(lane.name, lane.depth(), lane.ready(clock.instant()), lane.running, lane.completed,
                    lane.failed, lane.retried, lane.deadLettered, lane.cancelled);
        });
    }

    @Override
    public Subscription subscribe(Consumer<Task> listener) {
        return changes.subscribe(listener);
    }

    private Lane lane(String queue) {
        Lane lane = lanes.get(queue);
        if (lane == null) {
            throw new IllegalArgumentException("no queue named '" + queue + "'; the queues are " + lanes.keySet());
        }
        return lane;
    }

    /** Runs {@code action} holding the queue's one lock: every state change is a single critical section. */
    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        }
        finally {
            lock.unlock();
        }
    }

    /** The task unless it has expired, in which case it is forgotten now. */
    private @Nullable Task held(TaskId id) {
        Task task = tasks.get(id);
        if (task != null && task.finishedAt() != null && isExpired(task.finishedAt(), clock.instant())) {
            forget(id);
            return null;
        }
        return task;
    }

    private @Nullable Task runningAttempt(TaskId id, int attempt) {
        Task task = held(id);
        return task != null && task.status() == TaskStatus.RUNNING && task.attempts() == attempt ? task : null;
    }

    private boolean isExpired(Instant finishedAt, Instant now) {
        return !now.isBefore(finishedAt.plus(resultTtl));
    }

    private void forget(TaskId id) {
        Task task = tasks.remove(id);
        if (task != null && task.idempotencyKey() != null) {
            idempotencyKeys.remove(new IdempotencyKey(task.tenant(), task.idempotencyKey()), id);
        }
        // Its entry in the expiry order, if still there, finds no task later and is skipped.
    }

    private Task finish(Task task) {
        finished.add(new Due(task.finishedAt(), task.id()));
        Task changed = change(task);
        while (finished.size() > maxFinished) {
            // Oldest first, as expiry would; an entry whose task was already forgotten costs nothing.
            TaskId oldest = finished.poll().id();
            Task held = tasks.get(oldest);
            if (held != null && held.finishedAt() != null) {
                forget(oldest);
                if (forgottenEarly++ == 0) {
                    log.warn("The in-memory queues hold {} finished tasks, their most ({}); from now on the oldest "
                            + "are forgotten before their result TTL ({}), counted by meridian.tasks.forgotten",
                            maxFinished, "meridian.tasks.max-finished-in-memory", resultTtl);
                }
            }
        }
        return changed;
    }

    /**
     * How many finished tasks were forgotten before their result TTL because the bound on finished
     * tasks was reached.
     *
     * @return the count since this backend was made
     */
    long forgottenEarly() {
        return locked(() -> forgottenEarly);
    }

    private Task change(Task task) {
        tasks.put(task.id(), task);
        publish(task);
        return task;
    }

    private void publish(Task task) {
        changes.publish(task);
    }

    /** A task due at a time: its retry time in a queue, or its finish time in the expiry order. */
    private record Due(Instant at, TaskId id) {

        static final Comparator<Due> ORDER = Comparator.comparing(Due::at)
                .thenComparing(due -> due.id().toString());
    }

    /** One queue's share of the state. Guarded by the queue's lock. */
    private static final class Lane {

        final String name;

        final int maxDepth;

        final LinkedHashSet<TaskId> ready = new LinkedHashSet<>();

        final TreeSet<Due> waiting = new TreeSet<>(Due.ORDER);

        int running;

        long completed;

        long failed;

        long retried;

        long deadLettered;

        long cancelled;

        Lane(String name, int maxDepth) {
            this.name = name;
            this.maxDepth = maxDepth;
        }

        int depth() {
            return ready.size() + waiting.size();
        }

        int ready(Instant now) {
            int due = 0;
            for (Due retry : waiting) {
                if (retry.at().isAfter(now)) {
                    break;
                }
                due++;
            }
            return ready.size() + due;
        }

        void promoteDue(Instant now) {
            while (!waiting.isEmpty() && !waiting.first().at().isAfter(now)) {
                ready.add(waiting.pollFirst().id());
            }
        }
    }

    /** A client's idempotency key within its tenant's keys. */
    private record IdempotencyKey(String tenant, String key) {
    }
}
