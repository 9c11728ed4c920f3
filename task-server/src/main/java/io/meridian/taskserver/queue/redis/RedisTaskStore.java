package io.meridian.taskserver.queue.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import io.meridian.taskserver.queue.TaskChangeFeed;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.queue.redis.CommitTemplate.Decision;
import io.meridian.taskserver.queue.redis.RedisKeys.QueueKeys;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.task.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The region's tasks in their hashes: reading them (expired ones are forgotten on the way), the
 * transitions that end them, and every update through the one {@link CommitTemplate}. A commit
 * that publishes its change passes it to this replica's subscribers at once, and remembers what
 * this replica committed for the attempts it runs, so that their heartbeats and outcomes compare
 * against it without reading the task first; a commit that finds the task changed (cancelled,
 * say) reads it and tries again as usual.
 */
final class RedisTaskStore {

    private static final Logger log = LoggerFactory.getLogger(RedisTaskStore.class);

    private final RedisCommands<String, String> redis;

    private final RedisScripts scripts;

    private final RedisKeys keys;

    private final TaskDocument documents;

    private final Clock clock;

    private final Duration resultTtl;

    private final String consumer;

    private final TaskChangeFeed feed;

    /** {@code <consumer>\n}, how this replica's own announcements start. */
    private final byte[] ownPrefix;

    private final CommitTemplate template = new CommitTemplate(this::commit, this::committed);

    /** What this replica last committed for each attempt it runs. */
    private final Map<TaskId, StoredTask> ownAttempts = new ConcurrentHashMap<>();

    /**
     * @param redis     the commands connection
     * @param scripts   scripts on it, pipelining on the workers' connection
     * @param keys      the key schema
     * @param documents the stored form of tasks
     * @param clock     the clock of task times and expiry
     * @param resultTtl how long a finished task is kept
     * @param consumer  this replica's consumer name, which its announcements start with
     * @param feed      this replica's subscribers
     */
    RedisTaskStore(RedisCommands<String, String> redis, RedisScripts scripts, RedisKeys keys, TaskDocument documents,
            Clock clock, Duration resultTtl, String consumer, TaskChangeFeed feed) {
        this.redis = redis;
        this.scripts = scripts;
        this.keys = keys;
        this.documents = documents;
        this.clock = clock;
        this.resultTtl = resultTtl;
        this.consumer = consumer;
        this.feed = feed;
        this.ownPrefix = (consumer + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The task if held and not expired by the injected clock (then it is forgotten now). */
    @Nullable StoredTask held(TaskId id) {
        return stored(id, redis.hgetall(keys.task(id)));
    }

    /** {@link #held} from a task hash already read. */
    @Nullable StoredTask stored(TaskId id, Map<String, String> hash) {
        String body = hash.get("json");
        if (body == null) {
            return null;
        }
        Task task = documents.read(body);
        Instant finishedAt = task.finishedAt();
        if (finishedAt != null && !clock.instant().isBefore(finishedAt.plus(resultTtl))) {
            forget(id, task, "");
            return null;
        }
        return new StoredTask(task, hash.getOrDefault("version", ""), hash.getOrDefault("entry", ""));
    }

    /**
     * The running attempt {@code attempt} of a task, or {@code null} if the task is not running it.
     *
     * @param mayTrustOwn whether what this replica committed last may stand in for a read
     */
    @Nullable StoredTask runningAttempt(TaskId id, int attempt, boolean mayTrustOwn) {
        StoredTask own = mayTrustOwn ? ownAttempts.get(id) : null;
        if (own != null && own.task().attempts() == attempt) {
            return own;
        }
        StoredTask held = held(id);
        return held != null && held.task().status() == TaskStatus.RUNNING && held.task().attempts() == attempt
                ? held : null;
    }

    /**
     * Updates a running attempt: the first race trusts what this replica committed for it.
     *
     * @return the decision's result, empty if the task is not running that attempt
     */
    <R> Optional<R> updateAttempt(TaskId id, int attempt, Function<StoredTask, Decision<R>> decide) {
        return update(id, race -> runningAttempt(id, attempt, race == 0), decide);
    }

    /** Updates a task through the commit template (see {@link CommitTemplate#update}). */
    <R> Optional<R> update(TaskId id, IntFunction<@Nullable StoredTask> read,
            Function<StoredTask, Decision<R>> decide) {
        return template.update(id, read, decide);
    }

    /** Forgets a task and its idempotency key; with a lease, only while it is held. */
    int forget(TaskId id, @Nullable Task known, String lease) {
        Task task = known;
        if (task == null) {
            String body = redis.hget(keys.task(id), "json");
            task = body == null ? null : documents.read(body);
        }
        String key = task != null && task.idempotencyKey() != null
                ? keys.idempotency(task.tenant(), task.idempotencyKey()) : keys.task(id);
        Long deleted = scripts.run(LuaScript.FORGET, ScriptOutputType.INTEGER,
                new String[] {keys.task(id), key, keys.finished(), keys.lease()}, id.toString(), lease);
        return deleted == null ? 0 : deleted.intValue();
    }

    /** A transition to {@code after}, not announced. */
    Transition transition(Task after) {
        return new Transition(keys.task(after.id()), documents.write(after));
    }

    /** A transition to {@code after} that announces it on the region's channel. */
    Transition announced(Task after) {
        Transition transition = transition(after);
        return announce(transition);
    }

    /** Adds the announcement of the transition's document. */
    Transition announce(Transition transition) {
        return transition.publish(keys.events(), message(transition.document()));
    }

    /**
     * The transition that ends a task, still to be announced: acknowledge its entry (if it has one running),
     * the counters, the expiry of the task and its key, the finish index.
     */
    Transition finishing(Task done, QueueKeys queue, @Nullable String entry, Counter outcome) {
        return finish(transition(done), done, queue, entry, outcome);
    }

    /**
     * {@link #finishing} for a failure: the dead letter (written before the entry is acknowledged,
     * so a crash between cannot lose it) and the region's recent failures first.
     */
    Transition ending(Task ended, QueueKeys queue, String entry) {
        Transition transition = transition(ended);
        boolean dead = ended.status() == TaskStatus.DEAD_LETTERED;
        if (dead) {
            transition.deadLetter(queue, ended.id(), transition.document());
        }
        // The region's latest failures, for operators: capped, newest first, shared by the replicas.
        transition.pushCapped(keys.failures(), transition.document(), TaskQueue.RECENT_FAILURES);
        return finish(transition, ended, queue, entry, dead ? Counter.DEAD_LETTERED : Counter.FAILED);
    }

    private Transition finish(Transition transition, Task done, QueueKeys queue, @Nullable String entry,
            Counter outcome) {
        if (entry != null) {
            transition.acknowledge(queue, entry);
        }
        if (done.status() != TaskStatus.CANCELLED || entry != null) {
            transition.count(queue, Counter.RUNNING, -1);
        }
        transition.count(queue, outcome, 1)
                .expire(keys.task(done.id()), resultTtl)
                .index(keys.finished(), done.id(), done.finishedAt());
        if (done.idempotencyKey() != null) {
            transition.expire(keys.idempotency(done.tenant(), done.idempotencyKey()), resultTtl);
        }
        return transition;
    }

    /** Commits a change if the task is still as read. */
    boolean commit(StoredTask before, Task after, Transition transition) {
        Long done = scripts.run(LuaScript.TRANSITION, ScriptOutputType.INTEGER, transition.keys(),
                transition.arguments(before.version(), after));
        return done != null && done == 1L;
    }

    /** {@link #commit} without waiting for the answer; {@link #committed} is the caller's once it holds. */
    RedisScripts.Sent<Long> send(StoredTask before, Task after, Transition transition) {
        return scripts.send(LuaScript.TRANSITION, ScriptOutputType.INTEGER, transition.keys(),
                transition.arguments(before.version(), after));
    }

    /** What follows a commit that held: remember a running attempt, pass an announced change on. */
    void committed(StoredTask before, Task after, Transition transition) {
        if (after.status() == TaskStatus.RUNNING) {
            ownAttempts.put(after.id(), new StoredTask(after, Long.toString(after.version()), before.entry()));
        }
        if (transition.announces()) {
            publishLocally(after);
        }
    }

    /** Passes a change to this replica's subscribers; an attempt that ended is no longer this replica's. */
    void publishLocally(Task task) {
        if (task.status() != TaskStatus.RUNNING) {
            ownAttempts.remove(task.id());
        }
        feed.publish(task);
    }

    /**
     * A change announced on the region's channel: passed to this replica's subscribers unless this
     * replica made it (and passed it on already).
     */
    void heard(byte[] message) {
        if (Arrays.equals(message, 0, Math.min(ownPrefix.length, message.length), ownPrefix, 0, ownPrefix.length)) {
            return;
        }
        int newline = 0;
        while (newline < message.length && message[newline] != '\n') {
            newline++;
        }
        if (newline == message.length) {
            return;
        }
        try {
            publishLocally(documents.read(message, newline + 1, message.length - newline - 1));
        }
        catch (RuntimeException unreadable) {
            log.warn("Ignoring an unreadable task change on {}: {}", keys.events(), unreadable.toString());
        }
    }

    /** An announcement: {@code <consumer>\n<document>}. */
    String message(String document) {
        return consumer + "\n" + document;
    }

    Task read(String document) {
        return documents.read(document);
    }

    String write(Task task) {
        return documents.write(task);
    }
}
