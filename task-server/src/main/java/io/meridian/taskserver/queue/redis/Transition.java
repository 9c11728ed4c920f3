package io.meridian.taskserver.queue.redis;

import io.meridian.taskserver.queue.redis.RedisKeys.QueueKeys;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One commit of a task and the side effects that go with it, built through typed steps and run
 * as one {@link LuaScript#TRANSITION} script: the task's new document is written only if its
 * version is still the one read, and then every step runs, in order, in the same atomic step.
 *
 * <p>The script receives the steps as groups of five arguments (verb, key index, three operands),
 * so that one cached script serves every transition; this class is the only code that writes
 * them, so a verb, an operand order or a counter name cannot be misspelt by a caller. Keys are
 * passed as script keys (the task's hash first), each once, so a Redis Cluster can check their
 * slot.
 */
final class Transition {

    /** A step of the transition script, by the verb the script dispatches on. */
    private enum Verb {
        /** {@code XACK} and {@code XDEL} of an entry. */
        ACK("ack"),
        /** {@code XADD} of a dead letter. */
        DEAD("dead"),
        /** {@code LPUSH} onto a capped list. */
        FAILURE("failure"),
        /** {@code XCLAIM ... JUSTID} of an entry for a consumer, resetting its idle time. */
        OWN("own"),
        /** {@code ZADD}. */
        ZADD("zadd"),
        /** {@code ZREM}. */
        ZREM("zrem"),
        /** {@code HINCRBY}. */
        INCR("incr"),
        /** {@code PEXPIRE}. */
        TTL("ttl"),
        /** {@code PUBLISH}. */
        PUBLISH("publish");

        private final String lua;

        Verb(String lua) {
            this.lua = lua;
        }
    }

    private final List<String> keys = new ArrayList<>();

    private final List<String> steps = new ArrayList<>();

    private final String document;

    private boolean announces;

    /**
     * @param taskKey  the task's hash, compared and written
     * @param document the task's new document
     */
    Transition(String taskKey, String document) {
        keys.add(taskKey);
        this.document = document;
    }

    /** Acknowledges and deletes a stream entry: its attempt has ended. */
    Transition acknowledge(QueueKeys queue, String entry) {
        return step(Verb.ACK, queue.stream(), RedisKeys.GROUP, entry, "");
    }

    /** Gives a pending entry to a consumer, which resets its idle time: nobody reclaims a live attempt. */
    Transition own(QueueKeys queue, String consumer, String entry) {
        return step(Verb.OWN, queue.stream(), RedisKeys.GROUP, consumer, entry);
    }

    /** Adds a counter to a queue's stats. */
    Transition count(QueueKeys queue, Counter counter, int delta) {
        return step(Verb.INCR, queue.stats(), counter.field(), Integer.toString(delta), "");
    }

    /** Puts a task in its queue's retry set, due at {@code at}. */
    Transition scheduleRetry(QueueKeys queue, TaskId id, Instant at) {
        return step(Verb.ZADD, queue.retries(), Long.toString(at.toEpochMilli()), id.toString(), "");
    }

    /** Takes a task out of its queue's retry set, if there. */
    Transition unscheduleRetry(QueueKeys queue, TaskId id) {
        return step(Verb.ZREM, queue.retries(), id.toString(), "", "");
    }

    /** Writes a dead letter to the queue's dead-letter stream. */
    Transition deadLetter(QueueKeys queue, TaskId id, String document) {
        return step(Verb.DEAD, queue.deadLetters(), id.toString(), document, "");
    }

    /** Pushes a document onto a list kept to its newest {@code cap} elements. */
    Transition pushCapped(String list, String document, int cap) {
        return step(Verb.FAILURE, list, document, Integer.toString(cap), "");
    }

    /** Adds a task to a sorted set scored by a time (the finish index). */
    Transition index(String sortedSet, TaskId id, Instant at) {
        return step(Verb.ZADD, sortedSet, Long.toString(at.toEpochMilli()), id.toString(), "");
    }

    /** Sets a key's expiry, at least a millisecond. */
    Transition expire(String key, Duration ttl) {
        return step(Verb.TTL, key, Long.toString(Math.max(1, ttl.toMillis())), "", "");
    }

    /** Publishes a message. */
    Transition publish(String channel, String message) {
        announces = true;
        // The channel is an operand, not a key: the task's key stands in for the step's key.
        return step(Verb.PUBLISH, keys.getFirst(), channel, message, "");
    }

    /** Whether the transition publishes the change. */
    boolean announces() {
        return announces;
    }

    /** The script's keys, the task's hash first. */
    String[] keys() {
        return keys.toArray(String[]::new);
    }

    /** The task's new document. */
    String document() {
        return document;
    }

    /** The script's arguments: the version expected, the new version, the new document, the steps. */
    String[] arguments(String expectedVersion, Task after) {
        List<String> args = new ArrayList<>(3 + steps.size());
        args.add(expectedVersion);
        args.add(Long.toString(after.version()));
        args.add(document);
        args.addAll(steps);
        return args.toArray(String[]::new);
    }

    /** The steps as the script reads them, groups of five; for tests. */
    List<String> steps() {
        return List.copyOf(steps);
    }

    private Transition step(Verb verb, String key, String a, String b, String c) {
        int index = keys.indexOf(key);
        if (index < 0) {
            keys.add(key);
            index = keys.size() - 1;
        }
        steps.addAll(List.of(verb.lua, Integer.toString(index + 1), a, b, c));
        return this;
    }
}
