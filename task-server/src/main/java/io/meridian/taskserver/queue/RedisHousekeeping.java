package io.meridian.taskserver.queue;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XPendingArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.PendingMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What keeps a region's Redis queues in order across its replicas: heartbeats, the housekeeping
 * lease with its fencing token, taking back the attempts of lost replicas, and forgetting them.
 *
 * <p>Design note. Keys, under the region's namespace:
 * <ul>
 *   <li>{@code :replicas}, a hash: replica name to its description (host, pid, start time);
 *   <li>{@code :seen}, a sorted set: replica name scored by its last heartbeat, in Redis's time;
 *   <li>{@code :lease}, the housekeeping lease, {@code <token>/<holder>}, expiring after half the
 *       replica timeout unless renewed;
 *   <li>{@code :fence}, the counter that numbers leases: a new holder always gets a larger token.
 * </ul>
 *
 * <p>Every tick each replica runs one script, {@code BEAT}: it records the heartbeat by Redis's
 * own clock ({@code TIME}), so skew between replicas' clocks is harmless; it renews the lease if
 * this replica holds it, or takes it if nobody does; and it counts the live replicas. The holder
 * then does the region's housekeeping. Each step that changes shared state on the region's behalf
 * is one script whose first command compares the lease with the holder's {@code <token>/<name>}:
 * a holder that paused past the lease's expiry (a long GC, a network partition) finds another
 * token there and changes nothing. The check and the write are one atomic step in the store
 * itself, so two replicas that lost touch with each other never both act; a lease held by a
 * replica that died simply expires, and the next replica to beat takes over.
 *
 * <p>Taking back: an attempt's stream entry stays pending with the consumer that read it, and a
 * live worker re-owns it on every task heartbeat, which resets its idle time. The holder lists
 * entries idle for at least the replica timeout ({@code XPENDING ... IDLE}) and takes back those
 * whose consumer is lost (no heartbeat within the replica timeout: a killed process is noticed
 * within seconds, not after the task timeout) or that have been idle past their queue's task
 * timeout plus margin (a consumer that is alive but lost the attempt, or never said it was alive).
 * {@code REQUEUE} re-checks the idle time atomically ({@code XCLAIM} with a minimum idle time), so
 * an entry re-owned a moment ago stays where it is; otherwise it removes the entry and adds a new
 * one for the same task, which any replica then reads: it starts the next attempt, or
 * dead-letters a task whose last attempt was lost, and the attempt numbers fence out anything
 * the lost attempt might still say.
 *
 * <p>A lost replica stays listed (as lost) until it has no pending entries and has been silent
 * for {@value #FORGET_AFTER} replica timeouts; then its consumer is deleted from every group, so
 * dead workers do not pile up in the group or in the dashboard.
 *
 * <p>Sharing the work: the live count that {@code BEAT} returns is the same for every replica (one
 * sorted set, one clock), so each pool sizes itself for an equal part of the backlog instead of
 * every replica scaling to all of it.
 */
final class RedisHousekeeping {

    private static final Logger log = LoggerFactory.getLogger(RedisHousekeeping.class);

    /** Replica timeouts of silence, with nothing pending, after which a lost replica is forgotten. */
    static final int FORGET_AFTER = 6;

    private static final int SCAN_BATCH = 100;

    /**
     * Heartbeat, lease and live count. KEYS: replicas, seen, lease, fence; ARGV: name, description,
     * lease TTL (ms), replica timeout (ms). Returns Redis's time (ms), the lease held ('' if none)
     * and the live replicas.
     */
    private static final String BEAT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('ZADD', KEYS[2], now, ARGV[1])
            local held = redis.call('GET', KEYS[3])
            local mine = ''
            if not held then
              mine = redis.call('INCR', KEYS[4]) .. '/' .. ARGV[1]
              redis.call('SET', KEYS[3], mine, 'PX', ARGV[3])
            elseif string.match(held, '^%d+/(.*)$') == ARGV[1] then
              mine = held
              redis.call('PEXPIRE', KEYS[3], ARGV[3])
            end
            return {now, mine, redis.call('ZCOUNT', KEYS[2], now - tonumber(ARGV[4]), '+inf')}
            """;

    /**
     * Takes back one pending entry under the lease. KEYS: lease, stream, task hash; ARGV: lease,
     * group, holder, entry, task id, minimum idle time (ms). Returns -1 if the lease is not held,
     * 0 if the entry is no longer idle or pending, 1 if requeued, 2 if dropped (its task moved on).
     */
    private static final String REQUEUE = """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
            if #redis.call('XCLAIM', KEYS[2], ARGV[2], ARGV[3], ARGV[6], ARGV[4], 'JUSTID') == 0 then return 0 end
            redis.call('XACK', KEYS[2], ARGV[2], ARGV[4])
            redis.call('XDEL', KEYS[2], ARGV[4])
            if redis.call('HGET', KEYS[3], 'entry') ~= ARGV[4] then return 2 end
            local entry = redis.call('XADD', KEYS[2], '*', 'id', ARGV[5])
            redis.call('HSET', KEYS[3], 'entry', entry)
            return 1
            """;

    /**
     * Forgets a lost replica with nothing pending, under the lease. KEYS: lease, replicas, seen,
     * then every stream; ARGV: lease, group, replica. Returns -1 if the lease is not held, 0 if
     * the replica still has pending entries, 1 if forgotten.
     */
    private static final String FORGET_REPLICA = """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
            for i = 4, #KEYS do
              local pending = redis.pcall('XPENDING', KEYS[i], ARGV[2], '-', '+', 1, ARGV[3])
              if type(pending) == 'table' and pending.err == nil and #pending > 0 then return 0 end
            end
            for i = 4, #KEYS do
              redis.pcall('XGROUP', 'DELCONSUMER', KEYS[i], ARGV[2], ARGV[3])
            end
            redis.call('HDEL', KEYS[2], ARGV[3])
            redis.call('ZREM', KEYS[3], ARGV[3])
            return 1
            """;

    private final RedisCommands<String, String> redis;

    private final RedisScripts scripts;

    private final JsonMapper json;

    private final String name;

    private final String group;

    private final String description;

    private final Duration replicaTimeout;

    private final List<Backlog> backlogs;

    private final String replicasKey;

    private final String seenKey;

    private final String leaseKey;

    private final String fenceKey;

    private volatile int liveReplicas = 1;

    private long nextScan = System.nanoTime();

    /**
     * One queue's stream, as housekeeping sees it.
     *
     * @param stream      the stream's key
     * @param reclaimIdle how long an entry of a live consumer must be idle before it is taken back
     */
    record Backlog(String stream, Duration reclaimIdle) {
    }

    RedisHousekeeping(RedisCommands<String, String> redis, RedisScripts scripts, JsonMapper json, String namespace,
            String name, String group, Duration replicaTimeout, List<Backlog> backlogs) {
        this.redis = redis;
        this.scripts = scripts;
        this.json = json;
        this.name = name;
        this.group = group;
        this.replicaTimeout = replicaTimeout;
        this.backlogs = List.copyOf(backlogs);
        this.replicasKey = namespace + ":replicas";
        this.seenKey = namespace + ":seen";
        this.leaseKey = namespace + ":lease";
        this.fenceKey = namespace + ":fence";
        this.description = json.writeValueAsString(Map.of(
                "host", System.getenv().getOrDefault("HOSTNAME", "localhost"),
                "pid", ProcessHandle.current().pid(),
                "startedAt", Instant.now().toEpochMilli()));
    }

    /**
     * Reports this replica alive and renews or takes the lease.
     *
     * @return the lease ({@code <token>/<name>}) if this replica holds it now, else {@code null}
     */
    @Nullable String beat() {
        List<Object> reply = scripts.run(BEAT, ScriptOutputType.MULTI,
                new String[] {replicasKey, seenKey, leaseKey, fenceKey}, name, description,
                Long.toString(leaseTtl().toMillis()), Long.toString(replicaTimeout.toMillis()));
        liveReplicas = Math.max(1, ((Long) reply.get(2)).intValue());
        String lease = (String) reply.get(1);
        return lease.isEmpty() ? null : lease;
    }

    /**
     * Whether the scans for lost work are due: every tenth of the replica timeout (every second by
     * default), not on every tick, since nothing is lost sooner than a replica timeout anyway.
     *
     * @return {@code true} at most once per interval
     */
    synchronized boolean scanDue() {
        long now = System.nanoTime();
        if (now - nextScan < 0) {
            return false;
        }
        nextScan = now + replicaTimeout.toNanos() / 10;
        return true;
    }

    /**
     * Requeues the attempts of lost replicas and the entries idle past their reclaim time.
     *
     * @param lease   the lease {@link #beat()} returned
     * @param taskKey the key of a task's hash, from its id
     * @return how many entries were requeued
     */
    int takeBack(String lease, Function<String, String> taskKey) {
        Set<String> live = liveNames();
        int requeued = 0;
        for (Backlog backlog : backlogs) {
            List<PendingMessage> idle = redis.xpending(backlog.stream(), new XPendingArgs<String>().group(group)
                    .range(Range.unbounded()).limit(Limit.from(SCAN_BATCH)).idle(replicaTimeout));
            for (PendingMessage entry : idle) {
                boolean lost = !live.contains(entry.getConsumer());
                if (!lost && entry.getMsSinceLastDelivery() < backlog.reclaimIdle().toMillis()) {
                    continue;
                }
                Duration minIdle = lost ? replicaTimeout : backlog.reclaimIdle();
                String taskId = taskIdOf(backlog.stream(), entry.getId());
                Long outcome = scripts.run(REQUEUE, ScriptOutputType.INTEGER,
                        new String[] {leaseKey, backlog.stream(), taskKey.apply(taskId)}, lease, group, name,
                        entry.getId(), taskId, Long.toString(minIdle.toMillis()));
                if (outcome == -1L) {
                    return requeued;
                }
                if (outcome == 1L) {
                    requeued++;
                    log.warn("Task {} taken back from {} replica {} (entry idle {} ms); another worker will run it",
                            taskId, lost ? "lost" : "silent", entry.getConsumer(), entry.getMsSinceLastDelivery());
                }
            }
        }
        return requeued;
    }

    /**
     * Forgets the lost replicas that have nothing pending and have been silent long enough.
     *
     * @param lease the lease {@link #beat()} returned
     * @return how many were forgotten
     */
    int forgetLostReplicas(String lease) {
        long before = redisMillis() - replicaTimeout.multipliedBy(FORGET_AFTER).toMillis();
        List<String> silent = redis.zrangebyscore(seenKey, Range.create(Long.MIN_VALUE, before),
                Limit.from(SCAN_BATCH));
        String[] keys = new String[3 + backlogs.size()];
        keys[0] = leaseKey;
        keys[1] = replicasKey;
        keys[2] = seenKey;
        for (int i = 0; i < backlogs.size(); i++) {
            keys[3 + i] = backlogs.get(i).stream();
        }
        int forgotten = 0;
        for (String replica : silent) {
            Long outcome = scripts.run(FORGET_REPLICA, ScriptOutputType.INTEGER, keys, lease, group, replica);
            if (outcome == -1L) {
                break;
            }
            if (outcome == 1L) {
                forgotten++;
                log.info("Forgot lost replica {}: silent for over {} s with nothing pending", replica,
                        replicaTimeout.multipliedBy(FORGET_AFTER).toSeconds());
            }
        }
        return forgotten;
    }

    /** The live replicas at the last {@link #beat()}, at least one (this one). */
    int liveReplicas() {
        return liveReplicas;
    }

    /** The lease key, which fenced scripts elsewhere check too. */
    String leaseKey() {
        return leaseKey;
    }

    /** Every replica listed in the region, live first, then by name. */
    List<Replica> replicas() {
        long now = redisMillis();
        Map<String, String> described = redis.hgetall(replicasKey);
        String lease = redis.get(leaseKey);
        String holder = lease == null ? null : lease.substring(lease.indexOf('/') + 1);
        List<Replica> replicas = new ArrayList<>();
        for (ScoredValue<String> seen : redis.zrangeWithScores(seenKey, 0, -1)) {
            String replica = seen.getValue();
            long lastSeen = (long) seen.getScore();
            JsonNode about = json.readTree(described.getOrDefault(replica, "{}"));
            replicas.add(new Replica(replica, about.path("host").asString("unknown"), about.path("pid").asLong(0),
                    Instant.ofEpochMilli(about.path("startedAt").asLong(0)), Instant.ofEpochMilli(lastSeen),
                    now - lastSeen <= replicaTimeout.toMillis(), replica.equals(holder)));
        }
        replicas.sort(Comparator.comparing(Replica::live).reversed().thenComparing(Replica::name));
        return replicas;
    }

    private Duration leaseTtl() {
        return replicaTimeout.dividedBy(2);
    }

    private Set<String> liveNames() {
        long since = redisMillis() - replicaTimeout.toMillis();
        return new HashSet<>(redis.zrangebyscore(seenKey, Range.create(since, Long.MAX_VALUE)));
    }

    private long redisMillis() {
        List<String> time = redis.time();
        return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    }

    /** The task an entry is for, or "" if the entry is gone from the stream (it is then only dropped). */
    private String taskIdOf(String stream, String entry) {
        List<StreamMessage<String, String>> found = redis.xrange(stream, Range.create(entry, entry));
        return found.isEmpty() ? "" : found.getFirst().getBody().getOrDefault("id", "");
    }
}
