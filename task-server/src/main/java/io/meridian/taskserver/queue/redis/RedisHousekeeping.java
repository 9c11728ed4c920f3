package io.meridian.taskserver.queue.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XPendingArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.PendingMessage;
import io.meridian.taskserver.queue.RegionLoad;
import io.meridian.taskserver.queue.Replica;
import io.meridian.taskserver.queue.ReplicaLoad;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What keeps a region's Redis queues in order across its replicas: heartbeats, the housekeeping
 * lease with its fencing token, taking back the attempts of lost replicas, and forgetting them.
 *
 * <p>Design note. Its keys, {@code :replicas}, {@code :seen}, {@code :lease} and {@code :fence},
 * are described with every other key in {@link RedisKeys}.
 *
 * <p>Every tick each replica runs one script, {@link LuaScript#BEAT}: it records the heartbeat by Redis's
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
 * {@link LuaScript#REQUEUE} re-checks the idle time atomically ({@code XCLAIM} with a minimum idle time), so
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
 *
 * <p>Seeing the region whole: each beat rewrites this replica's description with its load
 * ({@link #reportLoad}) and returns the other live replicas' loads summed, so that the readiness
 * report of any replica, whichever one a Service hands the gateway's health check, carries the
 * whole region's in-flight tasks and capacity ({@link #regionLoad}) at no extra round trip.
 *
 * <p>Time: everything shared between replicas (heartbeats, the lease, idle times, the scan
 * cadence) runs on Redis's clock, so skew between replicas' clocks cannot make one replica think
 * another lost; the injected clock only stamps this replica's own start time in its description.
 */
final class RedisHousekeeping {

    private static final Logger log = LoggerFactory.getLogger(RedisHousekeeping.class);

    /** Replica timeouts of silence, with nothing pending, after which a lost replica is forgotten. */
    static final int FORGET_AFTER = 6;

    private static final int SCAN_BATCH = 100;

    private final RedisCommands<String, String> redis;

    private final RedisScripts scripts;

    private final JsonMapper json;

    private final RedisKeys keys;

    private final String name;

    /** The fixed part of this replica's description: host, pid, start time. */
    private final Map<String, Object> about;

    private volatile @Nullable ReplicaLoad load;

    /** The other live replicas' in-flight tasks and capacity, summed, at the last {@link #beat()}. */
    private volatile ReplicaLoad others = new ReplicaLoad(0, 0);

    private final Duration replicaTimeout;

    private final List<Backlog> backlogs;

    private volatile int liveReplicas = 1;

    /** Redis's time (ms) at the last {@link #beat()}. */
    private volatile long lastBeat = Long.MIN_VALUE;

    /** Redis's time (ms) from which the next scan is due. */
    private long nextScan = Long.MIN_VALUE;

    /**
     * One queue's stream, as housekeeping sees it.
     *
     * @param stream      the stream's key
     * @param reclaimIdle how long an entry of a live consumer must be idle before it is taken back
     */
    record Backlog(String stream, Duration reclaimIdle) {
    }

    /**
     * @param redis          the commands connection
     * @param scripts        scripts on it
     * @param json           reads and writes replicas' descriptions
     * @param keys           the key schema
     * @param name           this replica's consumer name
     * @param replicaTimeout how long a replica may miss its heartbeats before it is lost
     * @param backlogs       every queue's stream
     * @param clock          stamps this replica's start time
     */
    RedisHousekeeping(RedisCommands<String, String> redis, RedisScripts scripts, JsonMapper json, RedisKeys keys,
            String name, Duration replicaTimeout, List<Backlog> backlogs, Clock clock) {
        this.redis = redis;
        this.scripts = scripts;
        this.json = json;
        this.keys = keys;
        this.name = name;
        this.replicaTimeout = replicaTimeout;
        this.backlogs = List.copyOf(backlogs);
        this.about = Map.of(
                "host", System.getenv().getOrDefault("HOSTNAME", "localhost"),
                "pid", ProcessHandle.current().pid(),
                "startedAt", clock.instant().toEpochMilli());
    }

    /**
     * Reports this replica alive and renews or takes the lease.
     *
     * @return the lease ({@code <token>/<name>}) if this replica holds it now, else {@code null}
     */
    @Nullable String beat() {
        List<Object> reply = scripts.run(LuaScript.BEAT, ScriptOutputType.MULTI,
                new String[] {keys.replicas(), keys.seen(), keys.lease(), keys.fence()}, name, description(),
                Long.toString(leaseTtl().toMillis()), Long.toString(replicaTimeout.toMillis()));
        lastBeat = (Long) reply.get(0);
        liveReplicas = Math.max(1, ((Long) reply.get(2)).intValue());
        others = new ReplicaLoad(((Long) reply.get(3)).intValue(), ((Long) reply.get(4)).intValue());
        String lease = (String) reply.get(1);
        return lease.isEmpty() ? null : lease;
    }

    /**
     * Whether the scans for lost work are due: every tenth of the replica timeout (every second by
     * default), not on every tick, since nothing is lost sooner than a replica timeout anyway.
     * Measured on Redis's clock, at the last {@link #beat()}.
     *
     * @return {@code true} at most once per interval
     */
    boolean scanDue() {
        return scanDue(lastBeat);
    }

    /**
     * {@link #scanDue()} at a given time.
     *
     * @param redisMillis Redis's time, ms
     * @return {@code true} if no scan was due within the interval before it
     */
    synchronized boolean scanDue(long redisMillis) {
        if (redisMillis < nextScan) {
            return false;
        }
        nextScan = redisMillis + Math.max(1, replicaTimeout.toMillis() / 10);
        return true;
    }

    /**
     * Requeues the attempts of lost replicas and the entries idle past their reclaim time.
     *
     * @param lease the lease {@link #beat()} returned
     * @return how many entries were requeued
     */
    int takeBack(String lease) {
        Set<String> live = liveNames();
        int requeued = 0;
        for (Backlog backlog : backlogs) {
            List<PendingMessage> idle = redis.xpending(backlog.stream(), new XPendingArgs<String>()
                    .group(RedisKeys.GROUP).range(Range.unbounded()).limit(Limit.from(SCAN_BATCH)).idle(replicaTimeout));
            for (PendingMessage entry : idle) {
                boolean lost = !live.contains(entry.getConsumer());
                if (!lost && entry.getMsSinceLastDelivery() < backlog.reclaimIdle().toMillis()) {
                    continue;
                }
                Duration minIdle = lost ? replicaTimeout : backlog.reclaimIdle();
                String taskId = taskIdOf(backlog.stream(), entry.getId());
                Long outcome = scripts.run(LuaScript.REQUEUE, ScriptOutputType.INTEGER,
                        new String[] {keys.lease(), backlog.stream(), keys.task(taskId)}, lease, RedisKeys.GROUP, name,
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
        List<String> silent = redis.zrangebyscore(keys.seen(), Range.create(Long.MIN_VALUE, before),
                Limit.from(SCAN_BATCH));
        String[] keys = new String[3 + backlogs.size()];
        keys[0] = this.keys.lease();
        keys[1] = this.keys.replicas();
        keys[2] = this.keys.seen();
        for (int i = 0; i < backlogs.size(); i++) {
            keys[3 + i] = backlogs.get(i).stream();
        }
        int forgotten = 0;
        for (String replica : silent) {
            Long outcome = scripts.run(LuaScript.FORGET_REPLICA, ScriptOutputType.INTEGER, keys, lease, RedisKeys.GROUP,
                    replica);
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

    /**
     * This replica's load, sent with its next {@link #beat()}.
     *
     * @param load its load now
     */
    void reportLoad(ReplicaLoad load) {
        this.load = load;
    }

    /**
     * The region's load: this replica's now and the others' at the last {@link #beat()}.
     *
     * @param self this replica's load now
     * @return the sums and the live replicas
     */
    RegionLoad regionLoad(ReplicaLoad self) {
        ReplicaLoad rest = others;
        return new RegionLoad(self.inFlight() + rest.inFlight(), self.capacity() + rest.capacity(), liveReplicas);
    }

    private String description() {
        ReplicaLoad now = load;
        if (now == null) {
            return json.writeValueAsString(about);
        }
        Map<String, Object> described = new java.util.LinkedHashMap<>(about);
        described.put("inFlight", now.inFlight());
        described.put("capacity", now.capacity());
        return json.writeValueAsString(described);
    }

    /** The live replicas at the last {@link #beat()}, at least one (this one). */
    int liveReplicas() {
        return liveReplicas;
    }

    /** Every replica listed in the region, live first, then by name. */
    List<Replica> replicas() {
        long now = redisMillis();
        Map<String, String> described = redis.hgetall(keys.replicas());
        String lease = redis.get(keys.lease());
        String holder = lease == null ? null : lease.substring(lease.indexOf('/') + 1);
        List<Replica> replicas = new ArrayList<>();
        for (ScoredValue<String> seen : redis.zrangeWithScores(keys.seen(), 0, -1)) {
            String replica = seen.getValue();
            long lastSeen = (long) seen.getScore();
            JsonNode about = json.readTree(described.getOrDefault(replica, "{}"));
            ReplicaLoad load = about.has("capacity")
                    ? new ReplicaLoad(about.path("inFlight").asInt(0), about.path("capacity").asInt(0)) : null;
            replicas.add(new Replica(replica, about.path("host").asString("unknown"), about.path("pid").asLong(0),
                    Instant.ofEpochMilli(about.path("startedAt").asLong(0)), Instant.ofEpochMilli(lastSeen),
                    now - lastSeen <= replicaTimeout.toMillis(), replica.equals(holder), load));
        }
        replicas.sort(Comparator.comparing(Replica::live).reversed().thenComparing(Replica::name));
        return replicas;
    }

    private Duration leaseTtl() {
        return replicaTimeout.dividedBy(2);
    }

    private Set<String> liveNames() {
        long since = redisMillis() - replicaTimeout.toMillis();
        return new HashSet<>(redis.zrangebyscore(keys.seen(), Range.create(since, Long.MAX_VALUE)));
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
