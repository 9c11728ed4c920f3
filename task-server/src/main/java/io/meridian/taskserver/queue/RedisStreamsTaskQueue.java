package io.meridian.taskserver.queue;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskError;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.task.TaskResult;
import io.meridian.taskserver.task.TaskStatus;
import io.meridian.taskserver.web.TenantHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The distributed {@link TaskQueue}: the region's queues and tasks in Redis, shared by every
 * replica of the region's task server.
 *
 * <p>Design note. Keys, all under {@code <prefix>:{<region>}} so that a Redis Cluster keeps them in
 * one slot:
 * <ul>
 *   <li>{@code :stream:<queue>}, a stream read by the consumer group {@value #GROUP}: one entry per
 *       attempt that may start ({@code id=<task id>}); an entry is acknowledged and deleted when its
 *       attempt ends, so the stream holds only waiting and running work;
 *   <li>{@code :stream:<queue>:dead}, the dead-letter stream ({@code id}, {@code task} as JSON);
 *   <li>{@code :retry:<queue>}, a sorted set of tasks waiting for a retry, scored by due time;
 *   <li>{@code :stats:<queue>}, a hash of counters ({@code queued}, {@code running}, outcomes);
 *   <li>{@code :task:<id>}, a hash: the task as JSON, its {@code version}, and the {@code entry}
 *       whose delivery may run it; it expires at the result TTL once the task is final;
 *   <li>{@code :idem:<key>} for the anonymous tenant, {@code :idem@<tenant>:<key>} for any other,
 *       the task id held under a tenant's idempotency key ({@code SET} in the submit script, so two
 *       replicas never create two tasks; expires with the task). The anonymous tenant keeps the
 *       name keys had before tasks had tenants, so a key stored then still finds its task (which
 *       reads back as the anonymous tenant's); a tenant's name has no {@code :} and keys of the
 *       two forms differ at {@code idem:} / {@code idem@}, so no two tenants' keys share a name;
 *   <li>{@code :finished}, a sorted set of final tasks by finish time, for {@link #housekeep()} on the
 *       injected clock;
 *   <li>{@code :events}, the pub/sub channel on which every status change is announced, so
 *       subscribers on every replica (cancellation, awaiting clients, load release) see it.
 * </ul>
 *
 * <p>Transitions stay in {@link Task}: a replica reads the task hash, computes the next task, and
 * commits it with one Lua script that checks the version it read (compare-and-set) and performs
 * the transition's side effects in the same atomic step: acknowledge the entry, schedule a retry,
 * write the dead letter (before the acknowledgement), count, set the expiry, publish the change.
 * A lost race is read again and retried; the attempt number fences outcomes as the contract says.
 *
 * <p>Reclaiming: an entry delivered to a consumer stays pending until its attempt ends. A replica
 * that dies leaves its entries pending; {@link #housekeep}, on the replica that holds the
 * housekeeping lease, puts them back in the stream once the replica has missed its heartbeats
 * (see {@link RedisHousekeeping}), and whoever reads them starts a new attempt (or dead-letters
 * the task if its attempts are used up, so a task that kills its worker cannot go round forever).
 * A live worker never loses its task: its {@link #heartbeat} re-claims the entry ({@code XCLAIM
 * ... JUSTID}), which resets the entry's idle time, and an attempt is stopped at the task timeout
 * anyway; should a paused replica wake up after all, its attempt number no longer matches and its
 * outcome is discarded. Idle time is measured by Redis's clock, so replicas' clock skew is harmless.
 * Due retries are moved into the stream by whichever replica claims first; that needs no lease,
 * because the move is one script that only the replica removing the retry from its set performs.
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
    static final String GROUP = "workers";

    private static final Logger log = LoggerFactory.getLogger(RedisStreamsTaskQueue.class);

    private static final int MAX_RACES = 100;

    private static final int MAX_SKIPPED_ENTRIES = 32;

    private static final int PROMOTE_BATCH = 100;

    private static final int EXPIRE_BATCH = 500;

    /**
     * Compare-and-set of a task, then its side effects. KEYS[1] is the task's hash, the other keys
     * are named by index; ARGV: expected version, new version, new JSON, then steps of five: verb,
     * key index, three arguments.
     */
    private static final String TRANSITION = """
            if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
            redis.call('HSET', KEYS[1], 'version', ARGV[2], 'json', ARGV[3])
            for i = 4, #ARGV, 5 do
              local verb, key, a, b, c = ARGV[i], KEYS[tonumber(ARGV[i + 1])], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
              if verb == 'ack' then
                redis.call('XACK', key, a, b)
                redis.call('XDEL', key, b)
              elseif verb == 'dead' then
                redis.call('XADD', key, 'MAXLEN', '~', '10000', '*', 'id', a, 'task', b)
              elseif verb == 'failure' then
                redis.call('LPUSH', key, a)
                redis.call('LTRIM', key, 0, tonumber(b) - 1)
              elseif verb == 'own' then
                redis.call('XCLAIM', key, a, b, 0, c, 'JUSTID')
              elseif verb == 'zadd' then
                redis.call('ZADD', key, a, b)
              elseif verb == 'zrem' then
                redis.call('ZREM', key, a)
              elseif verb == 'incr' then
                redis.call('HINCRBY', key, a, b)
              elseif verb == 'hset' then
                redis.call('HSET', key, a, b)
              elseif verb == 'ttl' then
                redis.call('PEXPIRE', key, a)
              elseif verb == 'publish' then
                redis.call('PUBLISH', a, b)
              end
            end
            return 1
            """;

    /**
     * Adds a new task. KEYS: task hash, idempotency key, stream, stats; ARGV: task id, JSON,
     * version, max depth, whether there is a key (1/0), channel, message.
     */
    private static final String SUBMIT = """
            if ARGV[5] == '1' then
              local held = redis.call('GET', KEYS[2])
              if held then return {'held', held} end
            end
            if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists', ''} end
            local queued = tonumber(redis.call('HGET', KEYS[4], 'queued') or '0')
            if queued >= tonumber(ARGV[4]) then return {'full', ''} end
            if ARGV[5] == '1' then redis.call('SET', KEYS[2], ARGV[1]) end
            local entry = redis.call('XADD', KEYS[3], '*', 'id', ARGV[1])
            redis.call('HSET', KEYS[1], 'json', ARGV[2], 'version', ARGV[3], 'entry', entry)
            redis.call('HINCRBY', KEYS[4], 'queued', 1)
            redis.call('PUBLISH', ARGV[6], ARGV[7])
            return {'created', entry}
            """;

    /**
     * Reads a consumer's new entries and each one's task in one step. KEYS: stream; ARGV: group,
     * consumer, count, task key prefix. Returns entry id, task id ('' if none) and the task hash
     * (flat) for each entry. The task keys share the stream's hash tag, so a Redis Cluster holds
     * them in the stream's slot.
     */
    private static final String READ = """
            local read = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>')
            local out = {}
            if not read then return out end
            for _, entry in ipairs(read[1][2]) do
              local fields, id = entry[2], ''
              for i = 1, #fields, 2 do
                if fields[i] == 'id' then id = fields[i + 1] end
              end
              out[#out + 1] = entry[1]
              out[#out + 1] = id
              out[#out + 1] = id == '' and {} or redis.call('HGETALL', ARGV[4] .. id)
            end
            return out
            """;

    /** Moves one due retry into the stream. KEYS: retry set, stream, task hash; ARGV: task id. */
    private static final String PROMOTE = """
            if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
            if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
            local entry = redis.call('XADD', KEYS[2], '*', 'id', ARGV[1])
            redis.call('HSET', KEYS[3], 'entry', entry)
            return 1
            """;

    /**
     * Forgets an expired task. KEYS: task hash, idempotency key, finished set, lease; ARGV: task
     * id, the lease the caller holds ('' when a lookup found the task expired, which needs none).
     */
    private static final String FORGET = """
            if ARGV[2] ~= '' and redis.call('GET', KEYS[4]) ~= ARGV[2] then return 0 end
            redis.call('ZREM', KEYS[3], ARGV[1])
            if KEYS[2] ~= KEYS[1] and redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
            return redis.call('DEL', KEYS[1])
            """;

    private final RedisClient client;

    private final StatefulRedisConnection<String, String> connection;

    private final RedisCommands<String, String> redis;

    /**
     * The worker pools' own connection, for claiming and the figures they size by: its commands do
     * not queue behind the workers' and clients' on the shared one.
     */
    private final StatefulRedisConnection<String, String> dispatching;

    private final RedisCommands<String, String> claims;

    private final RedisAsyncCommands<String, String> async;

    private final Duration commandTimeout;

    private final StatefulRedisPubSubConnection<byte[], byte[]> events;

    /** {@code <consumer>\n}, how this replica's own announcements start. */
    private final byte[] ownPrefix;

    private final JsonMapper json = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final String namespace;

    private final String channel;

    private final String consumer;

    private final Duration resultTtl;

    private final Clock clock;

    private final Map<String, Lane> lanes = new LinkedHashMap<>();

    private final List<java.util.function.Consumer<Task>> listeners = new CopyOnWriteArrayList<>();

    private final RedisScripts scripts;

    /** {@link #scripts} on the worker pools' connection. */
    private final RedisScripts claimScripts;

    /**
     * What this replica last committed for each attempt it runs, so that the attempt's heartbeats
     * and outcome compare-and-set against it without reading the task first; a commit that finds
     * the task changed (cancelled, say) reads it and tries again as usual.
     */
    private final Map<TaskId, Snapshot> ownAttempts = new ConcurrentHashMap<>();

    private final RedisHousekeeping housekeeping;

    /**
     * Connects to Redis, creates the queues' consumer groups if missing and subscribes to the
     * region's changes.
     *
     * @param uri           the Redis server, with its command timeout
     * @param namespace     the prefix of every key, e.g. {@code meridian:{us-east}}
     * @param queues        the queues it holds
     * @param resultTtl     how long a finished task is kept
     * @param reclaimMargin  added to a queue's task timeout: how long an entry of a live consumer
     *                       must be idle before it is taken back
     * @param replicaTimeout how long a replica may miss its heartbeats before it is lost and its
     *                       attempts are taken back
     * @param consumer       this replica's consumer name, unique in the region
     * @param clock          the clock of task times, retry times and expiry
     */
    RedisStreamsTaskQueue(RedisURI uri, String namespace, Queues queues, Duration resultTtl, Duration reclaimMargin,
            Duration replicaTimeout, String consumer, Clock clock) {
        this.namespace = namespace;
        this.channel = namespace + ":events";
        this.consumer = consumer;
        this.resultTtl = resultTtl;
        this.clock = clock;
        for (QueueSettings queue : queues.all()) {
            lanes.put(queue.name(), new Lane(queue, namespace, queue.taskTimeout().plus(reclaimMargin)));
        }
        RedisURI named = RedisURI.builder(uri).withClientName("meridian-" + consumer).build();
        this.client = RedisClient.create(named);
        StatefulRedisConnection<String, String> opened = null;
        StatefulRedisConnection<String, String> forClaims = null;
        StatefulRedisPubSubConnection<byte[], byte[]> subscribed = null;
        this.ownPrefix = (consumer + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            opened = client.connect(StringCodec.UTF8);
            forClaims = client.connect(StringCodec.UTF8);
            // Bytes, so that this replica's own announcements are recognised and skipped undecoded.
            subscribed = client.connectPubSub(ByteArrayCodec.INSTANCE);
            subscribed.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] from, byte[] message) {
                    onRemoteChange(message);
                }
            });
            subscribed.sync().subscribe(channel.getBytes(StandardCharsets.UTF_8));
        }
        catch (RuntimeException failure) {
            if (opened != null) {
                opened.close();
            }
            if (forClaims != null) {
                forClaims.close();
            }
            client.shutdown();
            throw failure;
        }
        this.connection = opened;
        this.redis = opened.sync();
        this.dispatching = forClaims;
        this.claims = forClaims.sync();
        this.async = forClaims.async();
        this.commandTimeout = uri.getTimeout();
        this.events = subscribed;
        this.scripts = new RedisScripts(redis, async, commandTimeout);
        this.claimScripts = new RedisScripts(claims);
        this.housekeeping = new RedisHousekeeping(redis, scripts, json, namespace, consumer, GROUP, replicaTimeout,
                lanes.values().stream().map(lane -> new RedisHousekeeping.Backlog(lane.stream, lane.reclaimIdle))
                        .toList());
        lanes.values().forEach(this::createGroup);
    }

    @Override
    public Submission submit(Task task) {
        if (task.status() != TaskStatus.QUEUED || task.attempts() != 0) {
            throw new IllegalArgumentException("only a newly accepted task can be submitted, but " + task.id()
                    + " was " + task.status() + " after " + task.attempts() + " attempts");
        }
        Lane lane = lane(task.queue());
        String key = task.idempotencyKey() != null ? idemKey(task.tenant(), task.idempotencyKey()) : null;
        String body = write(task);
        for (int race = 0; race < MAX_RACES; race++) {
            List<String> outcome = scripts.run(SUBMIT, ScriptOutputType.MULTI,
                    new String[] {taskKey(task.id()), key != null ? key : taskKey(task.id()), lane.stream,
                            lane.stats},
                    task.id().toString(), body, Long.toString(task.version()), Integer.toString(lane.settings.maxDepth()),
                    key != null ? "1" : "0", channel, message(body));
            switch (outcome.getFirst()) {
                case "created" -> {
                    publishLocally(task);
                    return new Submission(task, true);
                }
                case "full" -> throw new QueueFullException(lane.settings.name(), lane.settings.maxDepth());
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
            redis.sadd(pausedKey(), queue);
        }
        else {
            redis.srem(pausedKey(), queue);
        }
    }

    @Override
    public java.util.Set<String> pausedQueues() {
        return java.util.Set.copyOf(redis.smembers(pausedKey()));
    }

    /** The set of the region's paused queues, read by every replica once per tick. */
    private String pausedKey() {
        return namespace + ":paused";
    }

    @Override
    public List<Task> recentFailures(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return redis.lrange(failuresKey(), 0, Math.min(limit, RECENT_FAILURES) - 1).stream().map(this::read).toList();
    }

    /** The list of the region's latest failed and dead-lettered tasks (their JSON), newest first. */
    private String failuresKey() {
        return namespace + ":failures";
    }

    @Override
    public Optional<Task> find(TaskId id) {
        return Optional.ofNullable(held(id)).map(Snapshot::task);
    }

    @Override
    public Optional<Task> findByIdempotencyKey(String tenant, String idempotencyKey) {
        String id = redis.get(idemKey(tenant, idempotencyKey));
        // The task's own tenant is checked too, whatever the key's name promised.
        return id == null ? Optional.empty() : find(TaskId.parse(id)).filter(task -> task.tenant().equals(tenant));
    }

    @Override
    public Optional<Task> claim(String queue) {
        List<Task> claimed = claim(queue, 1);
        return claimed.isEmpty() ? Optional.empty() : Optional.of(claimed.getFirst());
    }

    /**
     * Reads up to {@code max} entries with one {@code XREADGROUP} (while the due retries are looked
     * up in the same round trip), their tasks with pipelined {@code HGETALL}s, and starts them with
     * pipelined transitions: three round trips per batch. Entries whose tasks moved on meanwhile
     * are dropped, and more are read in their place.
     */
    @Override
    public List<Task> claim(String queue, int max) {
        Lane lane = lane(queue);
        Instant now = clock.instant();
        RedisFuture<List<String>> due = async.zrangebyscore(lane.retry,
                Range.create(Long.MIN_VALUE, now.toEpochMilli()), Limit.create(0, PROMOTE_BATCH));
        List<Delivery> entries = new ArrayList<>(readNew(lane, max));
        List<String> dueIds = awaited(due);
        if (!dueIds.isEmpty()) {
            promote(lane, dueIds);
            if (entries.size() < max) {
                entries.addAll(readNew(lane, max - entries.size()));
            }
        }
        List<Task> started = new ArrayList<>();
        for (int round = 1; !entries.isEmpty(); round++) {
            int wanted = max - started.size();
            started.addAll(startAll(lane, entries, now));
            // Read again only if the stream had enough and some were dropped.
            if (entries.size() < wanted || started.size() >= max || round >= MAX_SKIPPED_ENTRIES) {
                break;
            }
            entries = readNew(lane, max - started.size());
        }
        return started;
    }

    @Override
    public Optional<Task> heartbeat(TaskId id, int attempt) {
        for (int race = 0; race < MAX_RACES; race++) {
            Snapshot before = runningAttempt(id, attempt, race == 0);
            if (before == null) {
                return Optional.empty();
            }
            Lane lane = lane(before.task.queue());
            Task alive = before.task.heartbeat(clock.instant());
            // Re-owning the entry resets its idle time: no other replica reclaims a live attempt.
            Steps steps = new Steps(taskKey(id)).step("own", lane.stream, GROUP, consumer, before.entry);
            if (commit(before, alive, steps)) {
                own(alive, before.entry);
                return Optional.of(alive);
            }
        }
        throw contended(id);
    }

    @Override
    public Optional<Task> succeed(TaskId id, int attempt, TaskResult result) {
        for (int race = 0; race < MAX_RACES; race++) {
            Snapshot before = runningAttempt(id, attempt, race == 0);
            if (before == null) {
                return Optional.empty();
            }
            Lane lane = lane(before.task.queue());
            Task done = before.task.succeeded(result, clock.instant());
            Steps steps = finishing(done, lane, before.entry, "completed");
            if (commit(before, done, announcing(steps, done))) {
                publishLocally(done);
                return Optional.of(done);
            }
        }
        throw contended(id);
    }

    @Override
    public Optional<Task> retry(TaskId id, int attempt, TaskError error, Instant retryAt) {
        for (int race = 0; race < MAX_RACES; race++) {
            Snapshot before = runningAttempt(id, attempt, race == 0);
            if (before == null) {
                return Optional.empty();
            }
            Lane lane = lane(before.task.queue());
            Task queued = before.task.retrying(error, retryAt, clock.instant());
            Steps steps = new Steps(taskKey(id))
                    .step("ack", lane.stream, GROUP, before.entry, "")
                    .step("zadd", lane.retry, Long.toString(retryAt.toEpochMilli()), id.toString(), "")
                    .step("incr", lane.stats, "running", "-1", "")
                    .step("incr", lane.stats, "queued", "1", "")
                    .step("incr", lane.stats, "retried", "1", "");
            if (commit(before, queued, announcing(steps, queued))) {
                publishLocally(queued);
                return Optional.of(queued);
            }
        }
        throw contended(id);
    }

    @Override
    public Optional<Task> fail(TaskId id, int attempt, TaskStatus finalStatus, TaskError error) {
        if (finalStatus != TaskStatus.FAILED && finalStatus != TaskStatus.DEAD_LETTERED) {
            throw new IllegalArgumentException("a failed task ends FAILED or DEAD_LETTERED, not " + finalStatus);
        }
        for (int race = 0; race < MAX_RACES; race++) {
            Snapshot before = runningAttempt(id, attempt, race == 0);
            if (before == null) {
                return Optional.empty();
            }
            Task ended = before.task.ended(finalStatus, error, clock.instant());
            Steps steps = ending(ended, lane(before.task.queue()), before.entry);
            if (commit(before, ended, announcing(steps, ended))) {
                publishLocally(ended);
                return Optional.of(ended);
            }
        }
        throw contended(id);
    }

    @Override
    public Optional<Cancellation> cancel(TaskId id) {
        for (int race = 0; race < MAX_RACES; race++) {
            Snapshot before = held(id);
            if (before == null) {
                return Optional.empty();
            }
            if (before.task.status().isTerminal()) {
                return Optional.of(new Cancellation(before.task, false));
            }
            Lane lane = lane(before.task.queue());
            Task cancelled = before.task.ended(TaskStatus.CANCELLED, null, clock.instant());
            Steps steps;
            if (before.task.status() == TaskStatus.RUNNING) {
                steps = finishing(cancelled, lane, before.entry, "cancelled");
            }
            else {
                // A queued entry stays in the stream; whoever reads it finds the task final and drops it.
                steps = finishing(cancelled, lane, null, "cancelled")
                        .step("zrem", lane.retry, id.toString(), "", "")
                        .step("incr", lane.stats, "queued", "-1", "");
            }
            if (commit(before, cancelled, announcing(steps, cancelled))) {
                publishLocally(cancelled);
                return Optional.of(new Cancellation(cancelled, true));
            }
        }
        throw contended(id);
    }

    /**
     * Reports this replica alive; on the replica that holds the housekeeping lease, also forgets
     * expired tasks, takes back the attempts of lost replicas and forgets those replicas, each step
     * fenced by the lease (see {@link RedisHousekeeping}).
     */
    @Override
    public int housekeep() {
        String lease = housekeeping.beat();
        if (lease == null) {
            return 0;
        }
        List<String> due = redis.zrangebyscore(finishedKey(),
                Range.create(Long.MIN_VALUE, clock.instant().minus(resultTtl).toEpochMilli()),
                Limit.create(0, EXPIRE_BATCH));
        int done = 0;
        for (String id : due) {
            done += forget(TaskId.parse(id), null, lease);
        }
        if (housekeeping.scanDue()) {
            done += housekeeping.takeBack(lease, this::taskKey);
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
        Lane lane = lane(queue);
        RedisFuture<Map<String, String>> read = async.hgetall(lane.stats);
        long notYet = claims.zcount(lane.retry, Range.from(
                Range.Boundary.excluding(clock.instant().toEpochMilli()), Range.Boundary.unbounded()));
        Map<String, String> counts = awaited(read);
        int depth = (int) count(counts, "queued");
        return new QueueStats(queue, depth, (int) Math.max(0, depth - notYet), (int) count(counts, "running"),
                count(counts, "completed"), count(counts, "failed"), count(counts, "retried"),
                count(counts, "deadLettered"), count(counts, "cancelled"));
    }

    @Override
    public Subscription subscribe(java.util.function.Consumer<Task> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Every call is a network round trip. */
    @Override
    public boolean blocking() {
        return true;
    }

    /** Closes the connections; the consumer's pending entries stay for other replicas to reclaim. */
    @Override
    public void close() {
        events.close();
        dispatching.close();
        connection.close();
        client.shutdown();
    }

    /** This replica's consumer name in every queue's group. */
    String consumer() {
        return consumer;
    }

    /** Starts a batch of entries read with their tasks, every first commit in flight together. */
    private List<Task> startAll(Lane lane, List<Delivery> entries, Instant now) {
        List<Task> started = new ArrayList<>(entries.size());
        List<Attempted> attempts = new ArrayList<>(entries.size());
        for (Delivery entry : entries) {
            Snapshot before = entry.taskId.isEmpty() ? null : snapshot(TaskId.parse(entry.taskId), entry.task);
            if (before == null || !entry.id.equals(before.entry) || before.task.status().isTerminal()
                    || before.task.status() == TaskStatus.RUNNING) {
                // Dropped, or a task whose worker was lost: the careful path, one at a time.
                start(lane, entry, now).ifPresent(started::add);
                continue;
            }
            Task running = before.task.started(now);
            Steps steps = new Steps(taskKey(running.id()))
                    .step("incr", lane.stats, "queued", "-1", "").step("incr", lane.stats, "running", "1", "");
            attempts.add(new Attempted(entry, running, send(before, running, announcing(steps, running))));
        }
        for (Attempted attempt : attempts) {
            Long done = attempt.commit.await();
            if (done != null && done == 1L) {
                own(attempt.running, attempt.entry.id);
                publishLocally(attempt.running);
                started.add(attempt.running);
            }
            else {
                // Changed since it was read (cancelled, say): read it again.
                start(lane, attempt.entry, now).ifPresent(started::add);
            }
        }
        return started;
    }

    private Optional<Task> start(Lane lane, Delivery entry, Instant now) {
        String id = entry.taskId;
        for (int race = 0; race < MAX_RACES; race++) {
            Snapshot before = id.isEmpty() ? null : held(TaskId.parse(id));
            if (before == null || !entry.id.equals(before.entry) || before.task.status().isTerminal()) {
                // Cancelled while queued, expired, or an entry its task no longer answers to.
                drop(lane, entry.id);
                return Optional.empty();
            }
            Task task = before.task;
            if (task.status() == TaskStatus.RUNNING && task.attempts() >= task.maxAttempts()) {
                // Its last attempt died with its replica: a task that kills workers must not go round forever.
                Task dead = task.ended(TaskStatus.DEAD_LETTERED, new TaskError(TaskError.INTERNAL_ERROR,
                        "the worker running the task's last attempt stopped"), now);
                Steps steps = ending(dead, lane, before.entry);
                if (commit(before, dead, announcing(steps, dead))) {
                    log.warn("Task {} dead-lettered: its worker was lost on its last attempt", task.id());
                    publishLocally(dead);
                    return Optional.empty();
                }
                continue;
            }
            Task running = task.started(now);
            Steps steps = new Steps(taskKey(task.id()));
            if (task.status() == TaskStatus.QUEUED) {
                steps.step("incr", lane.stats, "queued", "-1", "").step("incr", lane.stats, "running", "1", "");
            }
            else {
                log.info("Task {} reclaimed from a lost worker; starting attempt {}", task.id(), running.attempts());
            }
            if (commit(before, running, announcing(steps, running))) {
                own(running, before.entry);
                publishLocally(running);
                return Optional.of(running);
            }
        }
        throw contended(TaskId.parse(id));
    }

    /** The steps that end a task: counters, expiry of the task and its key, the finish index. */
    private Steps finishing(Task done, Lane lane, @Nullable String entry, String outcome) {
        Steps steps = new Steps(taskKey(done.id()));
        steps.json = write(done);
        if (entry != null) {
            steps.step("ack", lane.stream, GROUP, entry, "");
        }
        if (done.status() != TaskStatus.CANCELLED || entry != null) {
            steps.step("incr", lane.stats, "running", "-1", "");
        }
        String ttl = Long.toString(Math.max(1, resultTtl.toMillis()));
        steps.step("incr", lane.stats, outcome, "1", "")
                .step("ttl", taskKey(done.id()), ttl, "", "")
                .step("zadd", finishedKey(), Long.toString(done.finishedAt().toEpochMilli()), done.id().toString(), "");
        if (done.idempotencyKey() != null) {
            steps.step("ttl", idemKey(done.tenant(), done.idempotencyKey()), ttl, "", "");
        }
        return steps;
    }

    /** {@link #finishing} for a failure, with the dead letter written before the entry is acknowledged. */
    private Steps ending(Task ended, Lane lane, String entry) {
        Steps steps = new Steps(taskKey(ended.id()));
        String body = write(ended);
        if (ended.status() == TaskStatus.DEAD_LETTERED) {
            steps.step("dead", lane.dead, ended.id().toString(), body, "");
        }
        // The region's latest failures, for operators: capped, newest first, shared by the replicas.
        steps.step("failure", failuresKey(), body, Integer.toString(RECENT_FAILURES), "");
        Steps rest = finishing(ended, lane, entry,
                ended.status() == TaskStatus.DEAD_LETTERED ? "deadLettered" : "failed");
        steps.append(rest);
        steps.json = body;
        return steps;
    }

    /** Moves due retries into the stream, all scripts in flight together. */
    private void promote(Lane lane, List<String> due) {
        List<RedisScripts.Sent<Long>> sent = new ArrayList<>(due.size());
        for (String id : due) {
            sent.add(scripts.send(PROMOTE, ScriptOutputType.INTEGER, new String[] {lane.retry, lane.stream,
                    taskKey(id)}, id));
        }
        sent.forEach(RedisScripts.Sent::await);
    }

    /** Up to {@code max} new entries for this consumer, with their tasks, in one round trip. */
    private List<Delivery> readNew(Lane lane, int max) {
        List<Object> reply = withGroup(lane, () -> claimScripts.run(READ, ScriptOutputType.MULTI,
                new String[] {lane.stream}, GROUP, consumer, Integer.toString(max), namespace + ":task:"));
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
    private <T> T withGroup(Lane lane, Supplier<T> command) {
        try {
            return command.get();
        }
        catch (RedisCommandExecutionException failure) {
            if (failure.getMessage() == null || !failure.getMessage().contains("NOGROUP")) {
                throw failure;
            }
            createGroup(lane);
            return command.get();
        }
    }

    private void createGroup(Lane lane) {
        try {
            redis.xgroupCreate(XReadArgs.StreamOffset.from(lane.stream, "0"), GROUP,
                    XGroupCreateArgs.Builder.mkstream());
        }
        catch (RedisCommandExecutionException failure) {
            if (failure.getMessage() == null || !failure.getMessage().startsWith("BUSYGROUP")) {
                throw failure;
            }
        }
    }

    private void drop(Lane lane, String entry) {
        redis.xack(lane.stream, GROUP, entry);
        redis.xdel(lane.stream, entry);
    }

    /** The task if held and not expired by the injected clock (then it is forgotten now). */
    private @Nullable Snapshot held(TaskId id) {
        return snapshot(id, redis.hgetall(taskKey(id)));
    }

    /** {@link #held} from a task hash already read. */
    private @Nullable Snapshot snapshot(TaskId id, Map<String, String> hash) {
        String body = hash.get("json");
        if (body == null) {
            return null;
        }
        Task task = read(body);
        Instant finishedAt = task.finishedAt();
        if (finishedAt != null && !clock.instant().isBefore(finishedAt.plus(resultTtl))) {
            forget(id, task, "");
            return null;
        }
        return new Snapshot(task, hash.getOrDefault("version", ""), hash.getOrDefault("entry", ""));
    }

    /** Remembers what this replica just committed for an attempt it runs (see {@link #ownAttempts}). */
    private void own(Task running, String entry) {
        ownAttempts.put(running.id(), new Snapshot(running, Long.toString(running.version()), entry));
    }

    private @Nullable Snapshot runningAttempt(TaskId id, int attempt, boolean mayTrustOwn) {
        Snapshot own = mayTrustOwn ? ownAttempts.get(id) : null;
        if (own != null && own.task.attempts() == attempt) {
            return own;
        }
        Snapshot held = held(id);
        return held != null && held.task.status() == TaskStatus.RUNNING && held.task.attempts() == attempt
                ? held : null;
    }

    /** Forgets a task and its idempotency key; with a lease, only while it is held. */
    private int forget(TaskId id, @Nullable Task known, String lease) {
        Task task = known;
        if (task == null) {
            String body = redis.hget(taskKey(id), "json");
            task = body == null ? null : read(body);
        }
        String key = task != null && task.idempotencyKey() != null ? idemKey(task.tenant(), task.idempotencyKey())
                : taskKey(id);
        Long deleted = scripts.run(FORGET, ScriptOutputType.INTEGER,
                new String[] {taskKey(id), key, finishedKey(), housekeeping.leaseKey()}, id.toString(), lease);
        return deleted == null ? 0 : deleted.intValue();
    }

    /** Adds the announcement of {@code after} to the steps, serializing the task once for both. */
    private Steps announcing(Steps steps, Task after) {
        if (steps.json == null) {
            steps.json = write(after);
        }
        return steps.announce(channel, message(steps.json));
    }

    private boolean commit(Snapshot before, Task after, Steps steps) {
        Long done = scripts.run(TRANSITION, ScriptOutputType.INTEGER, steps.keys.toArray(String[]::new),
                transitionArgs(before, after, steps));
        return done != null && done == 1L;
    }

    /** {@link #commit} without waiting for the answer. */
    private RedisScripts.Sent<Long> send(Snapshot before, Task after, Steps steps) {
        return scripts.send(TRANSITION, ScriptOutputType.INTEGER, steps.keys.toArray(String[]::new),
                transitionArgs(before, after, steps));
    }

    private String[] transitionArgs(Snapshot before, Task after, Steps steps) {
        List<String> args = new ArrayList<>();
        args.add(before.version);
        args.add(Long.toString(after.version()));
        args.add(steps.json != null ? steps.json : write(after));
        args.addAll(steps.args);
        return args.toArray(String[]::new);
    }

    private <T> T awaited(RedisFuture<T> future) {
        return LettuceFutures.awaitOrCancel(future, commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void publishLocally(Task task) {
        if (task.status() != TaskStatus.RUNNING) {
            ownAttempts.remove(task.id());
        }
        for (java.util.function.Consumer<Task> listener : listeners) {
            try {
                listener.accept(task);
            }
            catch (RuntimeException failure) {
                // One broken subscriber must not stop a transition or the other subscribers.
                log.error("Task listener failed on {} ({})", task.id(), task.status(), failure);
            }
        }
    }

    /** A change announced on the channel: passed on unless this replica made it (and passed it on already). */
    private void onRemoteChange(byte[] message) {
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
            publishLocally(json.readValue(message, newline + 1, message.length - newline - 1, Task.class));
        }
        catch (RuntimeException unreadable) {
            log.warn("Ignoring an unreadable task change on {}: {}", channel, unreadable.toString());
        }
    }

    private String message(String body) {
        return consumer + "\n" + body;
    }

    private Lane lane(String queue) {
        Lane lane = lanes.get(queue);
        if (lane == null) {
            throw new IllegalArgumentException("no queue named '" + queue + "'; the queues are " + lanes.keySet());
        }
        return lane;
    }

    private String write(Task task) {
        return json.writeValueAsString(task);
    }

    private Task read(String body) {
        return json.readValue(body, Task.class);
    }

    private String taskKey(TaskId id) {
        return taskKey(id.toString());
    }

    private String taskKey(String id) {
        return namespace + ":task:" + id;
    }

    private String idemKey(String tenant, String key) {
        return TenantHeaders.ANONYMOUS.equals(tenant) ? namespace + ":idem:" + key
                : namespace + ":idem@" + tenant + ":" + key;
    }

    private String finishedKey() {
        return namespace + ":finished";
    }

    private static long count(Map<String, String> counts, String field) {
        String value = counts.get(field);
        return value == null ? 0 : Long.parseLong(value);
    }

    private static IllegalStateException contended(TaskId id) {
        return new IllegalStateException("task " + id + " changed " + MAX_RACES + " times while being updated");
    }

    /** An entry whose start was sent, with the task it would start. */
    private record Attempted(Delivery entry, Task running, RedisScripts.Sent<Long> commit) {
    }

    /** A stream entry delivered to this consumer: its id, its task's id ("" if none) and the task's hash. */
    private record Delivery(String id, String taskId, Map<String, String> task) {
    }

    /** A task as read, with the version and stream entry its commit must match. */
    private record Snapshot(Task task, String version, String entry) {
    }

    /** The keys and steps of one {@code TRANSITION}. */
    private static final class Steps {

        final List<String> keys = new ArrayList<>();

        final List<String> args = new ArrayList<>();

        @Nullable String json;

        Steps(String taskKey) {
            keys.add(taskKey);
        }

        Steps step(String verb, String key, String a, String b, String c) {
            int index = keys.indexOf(key);
            if (index < 0) {
                keys.add(key);
                index = keys.size() - 1;
            }
            args.addAll(List.of(verb, Integer.toString(index + 1), a, b, c));
            return this;
        }

        Steps announce(String channel, String message) {
            return step("publish", keys.getFirst(), channel, message, "");
        }

        void append(Steps other) {
            for (int i = 0; i < other.args.size(); i += 5) {
                step(other.args.get(i), other.keys.get(Integer.parseInt(other.args.get(i + 1)) - 1),
                        other.args.get(i + 2), other.args.get(i + 3), other.args.get(i + 4));
            }
        }
    }

    /** One queue's keys and reclaim time. */
    private static final class Lane {

        final QueueSettings settings;

        final String stream;

        final String dead;

        final String retry;

        final String stats;

        final Duration reclaimIdle;

        Lane(QueueSettings settings, String namespace, Duration reclaimIdle) {
            this.settings = settings;
            this.stream = namespace + ":stream:" + settings.name();
            this.dead = stream + ":dead";
            this.retry = namespace + ":retry:" + settings.name();
            this.stats = namespace + ":stats:" + settings.name();
            this.reclaimIdle = reclaimIdle;
        }
    }
}
