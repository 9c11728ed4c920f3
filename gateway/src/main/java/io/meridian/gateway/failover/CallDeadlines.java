package io.meridian.gateway.failover;

import io.meridian.gateway.forwarding.CallKind;
import io.meridian.gateway.forwarding.Deadline;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.protocol.ReadinessDetails;
import io.meridian.region.Region;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works out an attempt's {@link Deadline} from its kind of call, the configured
 * {@link FailoverProperties.Deadlines} and what its region says it may take.
 *
 * <p>Design note. A non-streamed model call ({@link CallKind#SYNC}, {@link CallKind#CHAT}) is
 * answered by the region within its own sync wait (with the result, or 202 and the task's id), so
 * the gateway waits that long plus a grace, at least the kind's minimum and at most its ceiling;
 * a region that has not reported its limits gets {@code default-answer}. A region whose sync wait
 * exceeds the ceiling is not refused (its calls that finish within the ceiling still succeed): the
 * gateway warns once per endpoint, kind and value, naming both properties, and ends such calls at
 * the ceiling. Reads get a fixed answer deadline; streams get {@code take} to their first byte and
 * then only the idle limit. A call counts as slow for its region's circuit breaker past
 * {@code slowShare} of its answer deadline.
 */
final class CallDeadlines {

    private static final Logger log = LoggerFactory.getLogger(CallDeadlines.class);

    private final FailoverProperties.Deadlines deadlines;
    private final HealthRegistry health;
    private final double slowShare;
    private final Map<String, Long> warned = new ConcurrentHashMap<>();

    CallDeadlines(FailoverProperties.Deadlines deadlines, HealthRegistry health, double slowShare) {
        this.deadlines = deadlines;
        this.health = health;
        this.slowShare = slowShare;
    }

    /** The deadlines of an attempt of a {@code kind} call at {@code endpoint} of {@code region}. */
    Deadline of(CallKind kind, Region region, URI endpoint) {
        Duration take = deadlines.take();
        Duration idle = deadlines.stream().idle();
        return switch (kind) {
            case CHAT_STREAM, EVENTS -> new Deadline(kind, take, take, idle);
            case READ -> new Deadline(kind, take, deadlines.read().answer(), idle);
            case SYNC -> new Deadline(kind, take, answer(kind, "sync", deadlines.sync(), region, endpoint), idle);
            case CHAT -> new Deadline(kind, take, answer(kind, "chat", deadlines.chat(), region, endpoint), idle);
        };
    }

    /** The deadlines of a {@code kind} call when no region is known: what a region without limits gets. */
    Deadline fallback(CallKind kind) {
        Duration take = deadlines.take();
        Duration idle = deadlines.stream().idle();
        return switch (kind) {
            case CHAT_STREAM, EVENTS -> new Deadline(kind, take, take, idle);
            case READ -> new Deadline(kind, take, deadlines.read().answer(), idle);
            case SYNC -> new Deadline(kind, take, clamp(deadlines.defaultAnswer(), deadlines.sync()), idle);
            case CHAT -> new Deadline(kind, take, clamp(deadlines.defaultAnswer(), deadlines.chat()), idle);
        };
    }

    /** After how many milliseconds an attempt under {@code deadline} counts as slow. */
    long slowAfterMillis(Deadline deadline) {
        return (long) (deadline.answer().toMillis() * slowShare);
    }

    private Duration answer(CallKind kind, String name, FailoverProperties.Answer bounds, Region region, URI endpoint) {
        ReadinessDetails.Limits limits = health.limits(endpoint);
        Long syncWait = limits.syncWaitMillis();
        if (syncWait == null) {
            return clamp(deadlines.defaultAnswer(), bounds);
        }
        Duration wanted = Duration.ofMillis(syncWait).plus(deadlines.grace());
        if (wanted.compareTo(bounds.ceiling()) > 0) {
            warnOnce(kind, name, bounds, region, endpoint, syncWait);
        }
        return clamp(wanted, bounds);
    }

    private static Duration clamp(Duration wanted, FailoverProperties.Answer bounds) {
        if (wanted.compareTo(bounds.minimum()) < 0) {
            return bounds.minimum();
        }
        return wanted.compareTo(bounds.ceiling()) > 0 ? bounds.ceiling() : wanted;
    }

    private void warnOnce(CallKind kind, String name, FailoverProperties.Answer bounds, Region region, URI endpoint,
            long syncWait) {
        Long before = warned.put(endpoint + " " + kind.tag, syncWait);
        if (before == null || before != syncWait) {
            log.warn("Region '{}' ({}) may wait {} for a non-streamed call (its meridian.tasks.sync-wait), longer than "
                    + "this gateway's {}.{}.ceiling ({}) with {}.grace ({}): the gateway ends its {} calls at the "
                    + "ceiling, so those the region answers later fail; raise the ceiling or lower the region's sync wait",
                    region.id(), endpoint, Duration.ofMillis(syncWait), FailoverProperties.Deadlines.PREFIX, name,
                    bounds.ceiling(), FailoverProperties.Deadlines.PREFIX, deadlines.grace(), kind.tag);
        }
    }
}
