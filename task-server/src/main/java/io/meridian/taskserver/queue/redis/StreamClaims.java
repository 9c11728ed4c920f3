package io.meridian.taskserver.queue.redis;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.meridian.taskserver.queue.redis.CommitTemplate.Decision;
import io.meridian.taskserver.queue.redis.RedisKeys.QueueKeys;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskError;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claiming from a queue's stream: moving due retries in, reading new entries with their tasks and
 * starting their attempts, on the worker pools' own connection.
 *
 * <p>Design note. A claim reads up to {@code max} entries with one {@code XREADGROUP} (while the
 * due retries are looked up in the same round trip), their tasks in the same script, and starts
 * them with pipelined transitions: three round trips per batch. An entry whose task moved on
 * meanwhile (cancelled while queued, expired, or re-queued under a newer entry) is dropped, and
 * more are read in its place. A task that is still running when its entry is read again was
 * taken back from a lost worker: it starts its next attempt, or is dead-lettered if its attempts
 * are used up, so a task that kills its worker cannot go round forever. Due retries are moved by
 * whichever replica claims first; that needs no lease, because the move is one script that only
 * the replica removing the retry from its set performs.
 */
final class StreamClaims {

    private static final Logger log = LoggerFactory.getLogger(StreamClaims.class);

    private static final int MAX_SKIPPED_ENTRIES = 32;

    private static final int PROMOTE_BATCH = 100;

    private final RedisCommands<String, String> redis;

    private final RedisScripts scripts;

    private final RedisScripts claimScripts;

    private final RedisAsyncCommands<String, String> async;

    private final Duration commandTimeout;

    private final RedisTaskStore store;

    private final RedisKeys keys;

    private final String consumer;

    /**
     * @param redis          the commands connection, for groups and dropped entries
     * @param scripts        scripts on it, pipelining on the workers' connection
     * @param claimScripts   scripts on the workers' connection
     * @param async          the workers' connection
     * @param commandTimeout how long a pipelined answer is awaited
     * @param store          the tasks
     * @param keys           the key schema
     * @param consumer       this replica's consumer name
     */
    StreamClaims(RedisCommands<String, String> redis, RedisScripts scripts, RedisScripts claimScripts,
            RedisAsyncCommands<String, String> async, Duration commandTimeout, RedisTaskStore store, RedisKeys keys,
            String consumer) {
        this.redis = redis;
        this.scripts = scripts;
        this.claimScripts = claimScripts;
        this.async = async;
        this.commandTimeout = commandTimeout;
        this.store = store;
        this.keys = keys;
        this.consumer = consumer;
    }

    /** Starts up to {@code max} attempts of the lane's oldest ready tasks at {@code now}. */
    List<Task> claim(Lane lane, int max, Instant now) {
        QueueKeys queue = lane.keys();
        RedisFuture<List<String>> due = async.zrangebyscore(queue.retries(),
                Range.create(Long.MIN_VALUE, now.toEpochMilli()), Limit.create(0, PROMOTE_BATCH));
        List<Delivery> entries = new ArrayList<>(readNew(queue, max));
        List<String> dueIds = LettuceFutures.awaitOrCancel(due, commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
        if (!dueIds.isEmpty()) {
            promote(queue, dueIds);
            if (entries.size() < max) {
                entries.addAll(readNew(queue, max - entries.size()));
            }
        }
        List<Task> started = new ArrayList<>();
        for (int round = 1; !entries.isEmpty(); round++) {
            int wanted = max - started.size();
            started.addAll(startAll(queue, entries, now));
            // Read again only if the stream had enough and some were dropped.
            if (entries.size() < wanted || started.size() >= max || round >= MAX_SKIPPED_ENTRIES) {
                break;
            }
            entries = readNew(queue, max - started.size());
        }
        return started;
    }

    /** Creates the queue's consumer group (and stream) unless it exists. */
    void createGroup(QueueKeys queue) {
        try {
            redis.xgroupCreate(XReadArgs.StreamOffset.from(queue.stream(), "0"), RedisKeys.GROUP,
                    XGroupCreateArgs.Builder.mkstream());
        }
        catch (RedisCommandExecutionException failure) {
            if (failure.getMessage() == null || !failure.getMessage().startsWith("BUSYGROUP")) {
                throw failure;
            }
        }
    }

    /** Starts a batch of entries read with their tasks, every first commit in flight together. */
    private List<Task> startAll(QueueKeys queue, List<Delivery> entries, Instant now) {
        List<Task> started = new ArrayList<>(entries.size());
        List<Attempted> attempts = new ArrayList<>(entries.size());
        for (Delivery entry : entries) {
            StoredTask before = entry.taskId.isEmpty() ? null : store.stored(TaskId.parse(entry.taskId), entry.task);
            if (before == null || !entry.id.equals(before.entry()) || before.task().status().isTerminal()
                    || before.task().status() == TaskStatus.RUNNING) {
                // Dropped, or a task whose worker was lost: the careful path, one at a time.
                start(queue, entry, now).ifPresent(started::add);
                continue;
            }
            Task running = before.task().started(now);
            Transition transition = store.announce(starting(store.transition(running), queue));
            attempts.add(new Attempted(entry, before, running, transition, store.send(before, running, transition)));
        }
        for (Attempted attempt : attempts) {
            Long done = attempt.commit.await();
            if (done != null && done == 1L) {
                store.committed(attempt.before, attempt.running, attempt.transition);
                started.add(attempt.running);
            }
            else {
                // Changed since it was read (cancelled, say): read it again.
                start(queue, attempt.entry, now).ifPresent(started::add);
            }
        }
        return started;
    }

    /** Starts one entry's task through the commit template, or drops the entry. */
    private Optional<Task> start(QueueKeys queue, Delivery entry, Instant now) {
        if (entry.taskId.isEmpty()) {
            drop(queue, entry.id);
            return Optional.empty();
        }
        TaskId id = TaskId.parse(entry.taskId);
        return store.update(id, race -> {
            StoredTask before = store.held(id);
            if (before == null || !entry.id.equals(before.entry()) || before.task().status().isTerminal()) {
                // Cancelled while queued, expired, or an entry its task no longer answers to.
                drop(queue, entry.id);
                return null;
            }
            return before;
        }, before -> {
            Task task = before.task();
            if (task.status() == TaskStatus.RUNNING && task.attempts() >= task.maxAttempts()) {
                // Its last attempt died with its replica: a task that kills workers must not go round forever.
                Task dead = task.ended(TaskStatus.DEAD_LETTERED, new TaskError(TaskError.INTERNAL_ERROR,
                        "the worker running the task's last attempt stopped"), now);
                return Decision.commit(dead, store.announce(store.ending(dead, queue, before.entry())), null,
                        () -> log.warn("Task {} dead-lettered: its worker was lost on its last attempt", task.id()));
            }
            Task running = task.started(now);
            Transition transition = store.transition(running);
            if (task.status() == TaskStatus.QUEUED) {
                starting(transition, queue);
            }
            else {
                log.info("Task {} reclaimed from a lost worker; starting attempt {}", task.id(), running.attempts());
            }
            return Decision.commit(running, store.announce(transition), running);
        });
    }

    /** The counters of a queued task's attempt starting. */
    private static Transition starting(Transition transition, QueueKeys queue) {
        return transition.count(queue, Counter.QUEUED, -1).count(queue, Counter.RUNNING, 1);
    }

    /** Moves due retries into the stream, all scripts in flight together. */
    private void promote(QueueKeys queue, List<String> due) {
        List<RedisScripts.Sent<Long>> sent = new ArrayList<>(due.size());
        for (String id : due) {
            sent.add(scripts.send(LuaScript.PROMOTE, ScriptOutputType.INTEGER,
                    new String[] {queue.retries(), queue.stream(), keys.task(id)}, id));
        }
        sent.forEach(RedisScripts.Sent::await);
    }

    /** Up to {@code max} new entries for this consumer, with their tasks, in one round trip. */
    private List<Delivery> readNew(QueueKeys queue, int max) {
        List<Object> reply = withGroup(queue, () -> claimScripts.run(LuaScript.READ, ScriptOutputType.MULTI,
                new String[] {queue.stream()}, RedisKeys.GROUP, consumer, Integer.toString(max), keys.taskPrefix()));
        List<Delivery> read = new ArrayList<>(reply.size() / 3);
        for (int i = 0; i + 2 < reply.size(); i += 3) {
            @SuppressWarnings("unchecked")
            List<Object> flat = (List<Object>) reply.get(i + 2);
            Map<String, String> task = new HashMap<>();
            for (int j = 0; j + 1 < flat.size(); j += 2) {
                task.put((String) flat.get(j), (String) flat.get(j + 1));
            }
            read.add(new Delivery((String) reply.get(i), (String) reply.get(i + 1), task));
        }
        return read;
    }

    /** Runs a group command, creating the group first if Redis lost it (a restart without persistence). */
    private <T> T withGroup(QueueKeys queue, Supplier<T> command) {
        try {
            return command.get();
        }
        catch (RedisCommandExecutionException failure) {
            if (failure.getMessage() == null || !failure.getMessage().contains("NOGROUP")) {
                throw failure;
            }
            createGroup(queue);
            return command.get();
        }
    }

    private void drop(QueueKeys queue, String entry) {
        redis.xack(queue.stream(), RedisKeys.GROUP, entry);
        redis.xdel(queue.stream(), entry);
    }

    /** An entry whose start was sent, with the task it would start. */
    private record Attempted(Delivery entry, StoredTask before, Task running, Transition transition,
            RedisScripts.Sent<Long> commit) {
    }

    /** A stream entry delivered to this consumer: its id, its task's id ("" if none) and the task's hash. */
    private record Delivery(String id, String taskId, Map<String, String> task) {
    }
}
