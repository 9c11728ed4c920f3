package io.meridian.taskserver.queue.redis;

import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.web.TenantHeaders;

/**
 * The one description of every key the Redis backend uses; every class of the backend names its
 * keys through this one.
 *
 * <p>All keys sit under the region's namespace, {@code <prefix>:{<region>}}, whose hash tag keeps
 * them in one slot of a Redis Cluster (the scripts touch several at once):
 * <ul>
 *   <li>{@code :stream:<queue>}, a stream read by the consumer group {@value #GROUP}: one entry per
 *       attempt that may start ({@code id=<task id>}); an entry is acknowledged and deleted when its
 *       attempt ends, so the stream holds only waiting and running work. An entry stays pending
 *       with the consumer that read it until its attempt ends; the consumer's heartbeats re-own it;
 *   <li>{@code :stream:<queue>:dead}, the dead-letter stream ({@code id}, {@code task} as the
 *       {@link TaskDocument}), capped near 10,000 entries;
 *   <li>{@code :retry:<queue>}, a sorted set of tasks waiting for a retry, scored by due time (ms);
 *   <li>{@code :stats:<queue>}, a hash of counters, one field per {@link Counter};
 *   <li>{@code :task:<id>}, a hash: {@code json}, the {@link TaskDocument}; {@code version}, the
 *       task's version that a commit compares; {@code entry}, the stream entry whose delivery may
 *       run it. It expires at the result TTL once the task is final;
 *   <li>{@code :idem:<key>} for the anonymous tenant, {@code :idem@<tenant>:<key>} for any other,
 *       the task id held under a tenant's idempotency key ({@code SET} in the submit script, so two
 *       replicas never create two tasks; expires with the task). The anonymous tenant keeps the
 *       name keys had before tasks had tenants, so a key stored then still finds its task (which
 *       reads back as the anonymous tenant's); a tenant's name has no {@code :} and keys of the
 *       two forms differ at {@code idem:} / {@code idem@}, so no two tenants' keys share a name;
 *   <li>{@code :finished}, a sorted set of final tasks by finish time (ms, the injected clock), for
 *       housekeeping to forget them after the result TTL;
 *   <li>{@code :failures}, a list of the region's latest failed and dead-lettered tasks (documents),
 *       newest first, capped at {@link io.meridian.taskserver.queue.TaskQueue#RECENT_FAILURES};
 *   <li>{@code :paused}, the set of the region's paused queues, read by every replica once per tick;
 *   <li>{@code :bounds}, a hash: queue name to the worker bounds set for every replica's pool,
 *       {@code <min> <max>}, read by every replica once per tick; a queue absent has its configured
 *       bounds;
 *   <li>{@code :events}, the pub/sub channel on which every status change is announced as
 *       {@code <consumer>\n<document>}, so subscribers on every replica (cancellation, awaiting
 *       clients, load release) see it and a replica skips its own;
 *   <li>{@code :replicas}, a hash: replica name to its description (host, pid, start time, and its
 *       load, {@code inFlight} and {@code capacity}, rewritten with every heartbeat);
 *   <li>{@code :seen}, a sorted set: replica name scored by its last heartbeat, in Redis's time;
 *   <li>{@code :lease}, the housekeeping lease, {@code <token>/<holder>}, expiring after half the
 *       replica timeout unless renewed;
 *   <li>{@code :fence}, the counter that numbers leases: a new holder always gets a larger token;
 *   <li>{@code :epoch}, the region's store epoch, {@code <epoch> <start ms>} ({@link RedisEpoch}),
 *       made once with {@code SET NX} and never expiring.
 * </ul>
 */
final class RedisKeys {

    /** The consumer group of every queue's stream. */
    static final String GROUP = "workers";

    private final String namespace;

    /**
     * @param namespace the prefix of every key, e.g. {@code meridian:{us-east}}
     */
    RedisKeys(String namespace) {
        this.namespace = namespace;
    }

    /** The namespace every key starts with. */
    String namespace() {
        return namespace;
    }

    /** One queue's keys. */
    QueueKeys queue(String name) {
        String stream = namespace + ":stream:" + name;
        return new QueueKeys(name, stream, stream + ":dead", namespace + ":retry:" + name,
                namespace + ":stats:" + name);
    }

    String task(TaskId id) {
        return task(id.toString());
    }

    String task(String id) {
        return taskPrefix() + id;
    }

    /** What a task's key is its id prefixed with, for scripts that build task keys from ids. */
    String taskPrefix() {
        return namespace + ":task:";
    }

    String idempotency(String tenant, String key) {
        return TenantHeaders.ANONYMOUS.equals(tenant) ? namespace + ":idem:" + key
                : namespace + ":idem@" + tenant + ":" + key;
    }

    String finished() {
        return namespace + ":finished";
    }

    String failures() {
        return namespace + ":failures";
    }

    String paused() {
        return namespace + ":paused";
    }

    String bounds() {
        return namespace + ":bounds";
    }

    String events() {
        return namespace + ":events";
    }

    String replicas() {
        return namespace + ":replicas";
    }

    String seen() {
        return namespace + ":seen";
    }

    String lease() {
        return namespace + ":lease";
    }

    String fence() {
        return namespace + ":fence";
    }

    String epoch() {
        return namespace + ":epoch";
    }

    /**
     * One queue's keys (see {@link RedisKeys}).
     *
     * @param name        the queue's name
     * @param stream      its stream of attempts
     * @param deadLetters its dead-letter stream
     * @param retries     its retry set
     * @param stats       its counters
     */
    record QueueKeys(String name, String stream, String deadLetters, String retries, String stats) {
    }
}
