package io.meridian.taskserver.queue.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import io.meridian.taskserver.queue.PoolBounds;
import io.meridian.taskserver.queue.QueueFullException;
import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.QueueStats;
import io.meridian.taskserver.queue.Queues;
import io.meridian.taskserver.queue.RegionLoad;
import io.meridian.taskserver.queue.Replica;
import io.meridian.taskserver.queue.ReplicaLoad;
import io.meridian.taskserver.queue.StoreEpoch;
import io.meridian.taskserver.queue.TaskChangeFeed;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.queue.redis.CommitTemplate.Decision;
import io.meridian.taskserver.queue.redis.RedisKeys.QueueKeys;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskError;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.task.TaskResult;
import io.meridian.taskserver.task.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The distributed {@link TaskQueue}: the region's queues and tasks in Redis, shared by every
 * replica of the region's task server. This class connects and says what each operation of the
 * contract does; its parts hold the ideas: the keys ({@link RedisKeys}), the stored document
 * ({@link TaskDocument}), the one compare-and-set loop ({@link CommitTemplate}) through which every
 * change is made with its side effects ({@link Transition}), claiming ({@link StreamClaims}) and
 * the region's housekeeping ({@link RedisHousekeeping}).
 *
 * <p>Design note. A task's state lives in its hash and changes only by compare-and-set: a replica
 * reads the task, computes the next one in {@link Task}, and commits it together with the
 * transition's side effects (acknowledge the entry, schedule a retry, write the dead letter
 * before the acknowledgement, count, set the expiry, publish the change) in one script; a lost
 * race is read again and decided again; the attempt number fences outcomes as the contract says.
 *
 * <p>Reclaiming: an entry delivered to a consumer stays pending until its attempt ends. A replica
 * that dies leaves its entries pending; {@link #housekeep}, on the replica that holds the
 * housekeeping lease, puts them back in the stream once the replica has missed its heartbeats,
 * and whoever reads them starts a new attempt (or dead-letters the task if its attempts are used
 * up). A live worker never loses its task: its {@link #heartbeat} re-owns the entry, which resets
 * the entry's idle time, and an attempt is stopped at the task timeout anyway; should a paused
 * replica wake up after all, its attempt number no longer matches and its outcome is discarded.
 * Idle time is measured by Redis's clock, so replicas' clock skew is harmless.
 *
 * <p>Trade-offs: every operation is a few blocking round trips (callers run on worker threads,
 * never on an event loop); a claim polls ({@code XREADGROUP} without {@code BLOCK}) because the
 * worker pools already claim on every tick and on every announced submit. Lettuce reconnects by
 * itself and re-subscribes the channel; a call made while Redis is away fails after the command
 * timeout, and the pools' next tick tries again, so consumption never stops silently. State
 * written to a Redis that loses its data (no persistence, failover to a lagging replica) is lost
 * with it: run Redis with AOF.
 */
final class RedisStreamsTaskQueue implements TaskQueue, AutoCloseable {

    /** The consumer group of every queue's stream. */
    static final String GROUP = RedisKeys.GROUP;

    private static final int MAX_SUBMIT_RACES = CommitTemplate.MAX_RACES;

    private static final int EXPIRE_BATCH = 500;

    private final RedisConnections connections;

    private final RedisCommands<String, String> redis;

    private final RedisKeys keys;

    private final TaskDocument documents = new TaskDocument();

    private final String consumer;

    private final Duration resultTtl;

    private final Clock clock;

    private final Map<String, Lane> lanes = new LinkedHashMap<>();

    private final TaskChangeFeed feed = new TaskChangeFeed();

    private final RedisScripts scripts;

    private final RedisTaskStore store;

    private final StreamClaims streams;

    private final RedisHousekeeping housekeeping;

    private final RedisEpoch epoch;

    /**
     * Connects to Redis, creates the queues' consumer groups if missing and subscribes to the
     * region's changes.
     *
     * @param uri            the Redis server, with its command timeout
     * @param namespace      the prefix of every key, e.g. {@code meridian:{us-east}}
     * @param queues         the queues it holds
     * @param resultTtl      how long a finished task is kept
     * @param reclaimMargin  added to a queue's task timeout: how long an entry of a live consumer
     *                       must be idle before it is taken back
     * @param replicaTimeout how long a replica may miss its heartbeats before it is lost and its
     *                       attempts are taken back
     * @param consumer       this replica's consumer name, unique in the region
     * @param clock          the clock of task times, retry times and expiry
     */
    RedisStreamsTaskQueue(RedisURI uri, String namespace, Queues queues, Duration resultTtl, Duration reclaimMargin,
            Duration replicaTimeout, String consumer, Clock clock) {
        this.keys = new RedisKeys(namespace);
        this.consumer = consumer;
        this.resultTtl = resultTtl;
        this.clock = clock;
        for (QueueSettings queue : queues.all()) {
            lanes.put(queue.name(), new Lane(queue, keys.queue(queue.name()), queue.taskTimeout().plus(reclaimMargin)));
        }
        this.connections = new RedisConnections(uri, consumer);
        this.redis = connections.commands();
        this.scripts = new RedisScripts(redis, connections.pipeline(), connections.commandTimeout());
        this.store = new RedisTaskStore(redis, scripts, keys, documents, clock, resultTtl, consumer, feed);
        this.streams = new StreamClaims(redis, scripts, new RedisScripts(connections.claims()),
                connections.pipeline(), connections.commandTimeout(), store, keys, consumer);
        this.housekeeping = new RedisHousekeeping(redis, scripts, documents.mapper(), keys, consumer, replicaTimeout,
                lanes.values().stream().map(lane -> new RedisHousekeeping.Backlog(lane.keys().stream(),
                        lane.reclaimIdle())).toList(), clock);
        connections.subscribe(keys.events(), store::heard);
        lanes.values().forEach(lane -> streams.createGroup(lane.keys()));
        this.epoch = new RedisEpoch(redis, keys.epoch(), clock, new SplittableRandom());
    }

    /** The region's epoch in Redis, as this replica last read it (see {@link RedisEpoch}). */
    @Override
    public StoreEpoch epoch() {
        return epoch.current();
    }

    @Override
    public Submission submit(Task task) {
        if (task.status() != TaskStatus.QUEUED || task.attempts() != 0) {
            throw new IllegalArgumentException("only a newly accepted task can be submitted, but " + task.id()
                    + " was " + task.status() + " after " + task.attempts() + " attempts");
        }
        Lane lane = lane(task.queue());
        QueueKeys queue = lane.keys();
        String key = task.idempotencyKey() != null ? keys.idempotency(task.tenant(), task.idempotencyKey()) : null;
        String body = store.write(task);
        for (int race = 0; race < MAX_SUBMIT_RACES; race++) {
            List<String> outcome = scripts.run(LuaScript.SUBMIT, ScriptOutputType.MULTI,
                    new String[] {keys.task(task.id()), key != null ? key : keys.task(task.id()), queue.stream(),
                            queue.stats()},
                    task.id().toString(), body, Long.toString(task.version()),
                    Integer.toString(lane.settings().maxDepth()),
                    key != null ? "1" : "0", keys.events(), store.message(body));
            switch (outcome.getFirst()) {
                case "created" -> {
                    store.publishLocally(task);
                    return new Submission(task, true);
                }
                case "full" -> throw new QueueFullException(lane.settings().name(), lane.settings().maxDepth());
                case "exists" -> throw new IllegalArgumentException("task " + task.id() + " was already submitted");
                default -> {
                    Optional<Task> held = find(TaskId.parse(outcome.get(1)));
                    if (held.isPresent()) {
                        return new Submission(held.get(), false);
                    }
                    // The key outlived its task (expired meanwhile): drop it and submit again.
                    redis.del(key);
                }
            }
        }
        throw new IllegalStateException("could not submit " + task.id() + ": its idempotency key kept changing");
    }

    @Override
    public void setPaused(String queue, boolean paused) {
        lane(queue);
        if (paused) {
            redis.sadd(keys.paused(), queue);
        }
        else {
            redis.srem(keys.paused(), queue);
        }
    }

    @Override
    public Set<String> pausedQueues() {
        return Set.copyOf(redis.smembers(keys.paused()));
    }

    @Override
    public void setPoolBounds(String queue, @Nullable PoolBounds bounds) {
        lane(queue);
        SharedPoolBounds.set(redis, keys.bounds(), queue, bounds);
    }

    @Override
    public Map<String, PoolBounds> poolBounds() {
        return SharedPoolBounds.read(redis, keys.bounds());
    }

    @Override
    public void reportLoad(ReplicaLoad load) {
        housekeeping.reportLoad(load);
    }

    @Override
    public RegionLoad regionLoad(ReplicaLoad self) {
        return housekeeping.regionLoad(self);
    }

    @Override
    public List<Task> recentFailures(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return redis.lrange(keys.failures(), 0, Math.min(limit, RECENT_FAILURES) - 1).stream().map(store::read)
                .toList();
    }

    @Override
    public Optional<Task> find(TaskId id) {
        return Optional.ofNullable(store.held(id)).map(StoredTask::task);
    }

    @Override
    public Optional<Task> findByIdempotencyKey(String tenant, String idempotencyKey) {
        String id = redis.get(keys.idempotency(tenant, idempotencyKey));
        // The task's own tenant is checked too, whatever the key's name promised.
        return id == null ? Optional.empty() : find(TaskId.parse(id)).filter(task -> task.tenant().equals(tenant));
    }

    @Override
    public Optional<Task> claim(String queue) {
        List<Task> claimed = claim(queue, 1);
        return claimed.isEmpty() ? Optional.empty() : Optional.of(claimed.getFirst());
    }

    /** Three round trips per batch (see {@link StreamClaims}). */
    @Override
    public List<Task> claim(String queue, int max) {
        return streams.claim(lane(queue), max, clock.instant());
    }

    @Override
    public Optional<Task> heartbeat(TaskId id, int attempt) {
        return store.updateAttempt(id, attempt, before -> {
            Task alive = before.task().heartbeat(clock.instant());
            // Re-owning the entry resets its idle time: no other replica reclaims a live attempt.
            QueueKeys queue = lane(before.task().queue()).keys();
            return Decision.commit(alive, store.transition(alive).own(queue, consumer, before.entry()), alive);
        });
    }

    @Override
    public Optional<Task> succeed(TaskId id, int attempt, TaskResult result) {
        return store.updateAttempt(id, attempt, before -> {
            Task done = before.task().succeeded(result, clock.instant());
            QueueKeys queue = lane(done.queue()).keys();
            return Decision.commit(done, store.announce(store.finishing(done, queue, before.entry(),
                    Counter.COMPLETED)), done);
        });
    }

    @Override
    public Optional<Task> retry(TaskId id, int attempt, TaskError error, Instant retryAt) {
        return store.updateAttempt(id, attempt, before -> {
            Task queued = before.task().retrying(error, retryAt, clock.instant());
            QueueKeys queue = lane(queued.queue()).keys();
            Transition transition = store.transition(queued)
                    .acknowledge(queue, before.entry())
                    .scheduleRetry(queue, id, retryAt)
                    .count(queue, Counter.RUNNING, -1)
                    .count(queue, Counter.QUEUED, 1)
                    .count(queue, Counter.RETRIED, 1);
            return Decision.commit(queued, store.announce(transition), queued);
        });
    }

    @Override
    public Optional<Task> fail(TaskId id, int attempt, TaskStatus finalStatus, TaskError error) {
        if (finalStatus != TaskStatus.FAILED && finalStatus != TaskStatus.DEAD_LETTERED) {
            throw new IllegalArgumentException("a failed task ends FAILED or DEAD_LETTERED, not " + finalStatus);
        }
        return store.updateAttempt(id, attempt, before -> {
            Task ended = before.task().ended(finalStatus, error, clock.instant());
            QueueKeys queue = lane(ended.queue()).keys();
            return Decision.commit(ended, store.announce(store.ending(ended, queue, before.entry())), ended);
        });
    }

    @Override
    public Optional<Cancellation> cancel(TaskId id) {
        return store.update(id, race -> store.held(id), before -> {
            if (before.task().status().isTerminal()) {
                return Decision.answer(new Cancellation(before.task(), false));
            }
            Task cancelled = before.task().ended(TaskStatus.CANCELLED, null, clock.instant());
            QueueKeys queue = lane(cancelled.queue()).keys();
            Transition transition;
            if (before.task().status() == TaskStatus.RUNNING) {
                transition = store.finishing(cancelled, queue, before.entry(), Counter.CANCELLED);
            }
            else {
                // A queued entry stays in the stream; whoever reads it finds the task final and drops it.
                transition = store.finishing(cancelled, queue, null, Counter.CANCELLED)
                        .unscheduleRetry(queue, id)
                        .count(queue, Counter.QUEUED, -1);
            }
            return Decision.commit(cancelled, store.announce(transition), new Cancellation(cancelled, true));
        });
    }

    /**
     * Reports this replica alive; on the replica that holds the housekeeping lease, also forgets
     * expired tasks, takes back the attempts of lost replicas and forgets those replicas, each step
     * fenced by the lease (see {@link RedisHousekeeping}). Reads the region's epoch again first,
     * so that a replica learns at its next tick that Redis lost the region's data, and then makes
     * the queues' consumer groups again.
     */
    @Override
    public int housekeep() {
        StoreEpoch before = epoch.current();
        if (!epoch.refresh().equals(before)) {
            // Redis lost the region's data, consumer groups included: without them no claim works.
            lanes.values().forEach(lane -> streams.createGroup(lane.keys()));
        }
        String lease = housekeeping.beat();
        if (lease == null) {
            return 0;
        }
        List<String> due = redis.zrangebyscore(keys.finished(),
                Range.create(Long.MIN_VALUE, clock.instant().minus(resultTtl).toEpochMilli()),
                Limit.create(0, EXPIRE_BATCH));
        int done = 0;
        for (String id : due) {
            done += store.forget(TaskId.parse(id), null, lease);
        }
        if (housekeeping.scanDue()) {
            done += housekeeping.takeBack(lease);
            housekeeping.forgetLostReplicas(lease);
        }
        return done;
    }

    @Override
    public List<Replica> replicas() {
        return housekeeping.replicas();
    }

    /** An equal part of the ready tasks for each live replica, rounded up. */
    @Override
    public int readyShare(QueueStats stats) {
        int live = housekeeping.liveReplicas();
        return (stats.ready() + live - 1) / live;
    }

    @Override
    public QueueStats stats(String queue) {
        QueueKeys of = lane(queue).keys();
        RedisFuture<Map<String, String>> read = connections.pipeline().hgetall(of.stats());
        long notYet = connections.claims().zcount(of.retries(), Range.from(
                Range.Boundary.excluding(clock.instant().toEpochMilli()), Range.Boundary.unbounded()));
        Map<String, String> counts = connections.await(read);
        int depth = (int) Counter.QUEUED.in(counts);
        return new QueueStats(queue, depth, (int) Math.max(0, depth - notYet), (int) Counter.RUNNING.in(counts),
                Counter.COMPLETED.in(counts), Counter.FAILED.in(counts), Counter.RETRIED.in(counts),
                Counter.DEAD_LETTERED.in(counts), Counter.CANCELLED.in(counts));
    }

    @Override
    public Subscription subscribe(Consumer<Task> listener) {
        return feed.subscribe(listener);
    }

    /** Every call is a network round trip. */
    @Override
    public boolean blocking() {
        return true;
    }

    /** Closes the connections; the consumer's pending entries stay for other replicas to reclaim. */
    @Override
    public void close() {
        connections.close();
    }

    /** This replica's consumer name in every queue's group. */
    String consumer() {
        return consumer;
    }

    private Lane lane(String queue) {
        Lane lane = lanes.get(queue);
        if (lane == null) {
            throw new IllegalArgumentException("no queue named '" + queue + "'; the queues are " + lanes.keySet());
        }
        return lane;
    }
}
