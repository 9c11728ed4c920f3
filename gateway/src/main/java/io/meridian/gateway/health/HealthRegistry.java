package io.meridian.gateway.health;

import io.meridian.protocol.ReadinessDetails;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The gateway's current view of every region endpoint: up or down, and its last load report.
 *
 * <p>Design note: an endpoint starts up (a gateway that has not checked yet must still route) and
 * changes state only after {@code unhealthyThreshold} consecutive failed checks, or
 * {@code healthyThreshold} consecutive good ones, so one lost probe does not flap a region. A
 * connection refused on live traffic is different: it is certain, so {@link #markDown(URI)} takes the
 * endpoint down at once, and only the active checks bring it back. Load reports carry a time and
 * are ignored once older than {@code staleAfter}: a region that stopped answering its probes must
 * not keep looking empty (or full) forever. Reads are lock-free (volatile fields per endpoint);
 * writers are the single check loop and passive detection, and a lost race between them only
 * delays a transition by one check.
 *
 * <p>Taking an endpoint down also releases whatever waits on it: {@link #whenDown(URI)} gives a
 * signal that completes when the endpoint is next taken down (threshold reached, a refused
 * connection, an incompatible protocol), so an attempt held by a frozen region ends then rather
 * than at its deadline. Each endpoint keeps one {@link Sinks.Empty} per spell of being up; going
 * down completes it and puts a fresh one in its place (under the endpoint's lock: transitions are
 * rare, reads of the current sink are not locked).
 *
 * <p>A check that timed out is weaker evidence than one that was refused or answered not ready: a
 * region whose CPU is saturated (a burst, a busy machine) answers its probes late while it still
 * answers live traffic, and taking it down would release calls it is about to answer. So timed-out
 * checks ({@link #recordCheckTimeout(URI)}) take an endpoint down only once live traffic has been
 * silent too: no attempt there has had its answer ({@link #answered(URI)}) for {@code silentAfter},
 * the time {@code unhealthyThreshold} checks take. A frozen or partitioned region answers nothing,
 * so it still goes down after about that long; a busy one stays up.
 */
public final class HealthRegistry {

    private final Map<URI, EndpointState> endpoints;
    private final int healthyThreshold;
    private final int unhealthyThreshold;
    private final Duration staleAfter;
    private final long silentAfterMillis;
    private final Clock clock;
    private final boolean enabled;

    public HealthRegistry(RegionCatalog catalog, HealthProperties properties, Clock clock) {
        Map<URI, EndpointState> states = new LinkedHashMap<>();
        for (Region region : catalog.regions()) {
            for (URI endpoint : region.endpoints()) {
                states.put(endpoint, new EndpointState());
            }
        }
        this.endpoints = Map.copyOf(states);
        this.healthyThreshold = properties.healthyThreshold();
        this.unhealthyThreshold = properties.unhealthyThreshold();
        Duration interval = properties.interval().isZero() ? properties.timeout() : properties.interval();
        this.staleAfter = interval.plus(properties.timeout()).multipliedBy(3);
        this.silentAfterMillis = interval.plus(properties.timeout()).multipliedBy(unhealthyThreshold).toMillis();
        this.clock = clock;
        this.enabled = properties.enabled();
    }

    /** Whether the endpoint counts as up; unknown endpoints and a disabled registry say yes. */
    public boolean isHealthy(URI endpoint) {
        EndpointState state = endpoints.get(endpoint);
        return !enabled || state == null || state.healthy;
    }

    /** Whether at least one of the region's endpoints is up. */
    public boolean isHealthy(Region region) {
        for (URI endpoint : region.endpoints()) {
            if (isHealthy(endpoint)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The region's load as its endpoints last reported it: in-flight and queue depth summed over the
     * endpoints with a fresh report, capacity likewise; {@link LoadReport#NONE} when none is fresh.
     */
    public LoadReport load(Region region) {
        Instant now = clock.instant();
        Integer inFlight = null;
        Integer capacity = null;
        Integer queueDepth = null;
        String version = null;
        for (URI endpoint : region.endpoints()) {
            EndpointState state = endpoints.get(endpoint);
            Report report = state == null ? null : state.report;
            if (report == null || report.at.plus(staleAfter).isBefore(now)) {
                continue;
            }
            LoadReport load = report.load;
            inFlight = add(inFlight, load.inFlight());
            capacity = add(capacity, load.capacity());
            queueDepth = add(queueDepth, load.queueDepth());
            version = version == null ? load.version() : version;
        }
        return new LoadReport(inFlight, capacity, queueDepth, version);
    }

    private static @Nullable Integer add(@Nullable Integer sum, @Nullable Integer value) {
        if (value == null) {
            return sum;
        }
        return sum == null ? value : sum + value;
    }

    /**
     * The limits the endpoint gave in its last fresh readiness report: how long it may take to
     * answer, and its task store's epoch; {@link ReadinessDetails.Limits#NONE} when it has given
     * none lately.
     */
    public ReadinessDetails.Limits limits(URI endpoint) {
        EndpointState state = endpoints.get(endpoint);
        Report report = state == null ? null : state.report;
        if (report == null || report.at.plus(staleAfter).isBefore(clock.instant())) {
            return ReadinessDetails.Limits.NONE;
        }
        return report.load.limits();
    }

    /** Records one active check: {@code load} is the endpoint's report when it answered ready. */
    public void recordCheck(URI endpoint, boolean up, @Nullable LoadReport load) {
        EndpointState state = endpoints.get(endpoint);
        if (state == null) {
            return;
        }
        if (load != null) {
            state.report = new Report(load, clock.instant());
            state.incompatibleProtocol = RegionProtocol.compatible(load.protocol()) ? null : load.protocol();
        }
        if (up && state.incompatibleProtocol != null) {
            // Certain, like a refused connection: no threshold to wait for.
            state.successes = 0;
            takeDown(state);
            return;
        }
        if (up) {
            state.failures = 0;
            state.successes++;
            if (!state.healthy && state.successes >= healthyThreshold) {
                state.healthy = true;
            }
        } else {
            failed(state, false);
        }
    }

    /**
     * Records one active check that got no answer within the health timeout: a failure, which takes
     * the endpoint down at the threshold only if live traffic there has been silent as long.
     *
     * @return whether the endpoint was kept up only because live traffic still gets answers there
     */
    public boolean recordCheckTimeout(URI endpoint) {
        EndpointState state = endpoints.get(endpoint);
        return state != null && failed(state, true);
    }

    /** An attempt at {@code endpoint} got its answer (headers or a first byte): the region is not frozen. */
    public void answered(URI endpoint) {
        EndpointState state = endpoints.get(endpoint);
        if (state != null) {
            state.lastAnswerMillis = clock.millis();
        }
    }

    /** Counts a failed check; returns whether a timed-out one reached the threshold and was excused by live answers. */
    private boolean failed(EndpointState state, boolean timedOut) {
        state.successes = 0;
        state.failures++;
        if (!state.healthy || state.failures < unhealthyThreshold) {
            return false;
        }
        if (timedOut && clock.millis() - state.lastAnswerMillis < silentAfterMillis) {
            return true;
        }
        takeDown(state);
        return false;
    }

    /**
     * The major protocol version the region's endpoints last reported when it differs from this
     * gateway's (the region is then unusable until they agree), else {@code null}.
     */
    public @Nullable Integer incompatibleProtocol(Region region) {
        for (URI endpoint : region.endpoints()) {
            EndpointState state = endpoints.get(endpoint);
            if (state != null && state.incompatibleProtocol != null) {
                return state.incompatibleProtocol;
            }
        }
        return null;
    }

    /** Live traffic could not connect to the endpoint: it is down until active checks say otherwise. */
    public void markDown(URI endpoint) {
        EndpointState state = endpoints.get(endpoint);
        if (state != null && enabled) {
            state.successes = 0;
            takeDown(state);
        }
    }

    /**
     * Completes the next time {@code endpoint} goes from up to down; never for an unknown endpoint or
     * a disabled registry. Cheap: an attempt subscribes while it
     * waits for its answer and cancels when it has it.
     */
    public Mono<Void> whenDown(URI endpoint) {
        EndpointState state = endpoints.get(endpoint);
        if (state == null || !enabled) {
            return Mono.never();
        }
        return state.down.asMono();
    }

    private static void takeDown(EndpointState state) {
        Sinks.Empty<Void> fired;
        synchronized (state) {
            if (!state.healthy) {
                return;
            }
            state.healthy = false;
            fired = state.down;
            state.down = Sinks.empty();
        }
        fired.tryEmitEmpty();
    }

    /** Whether health is tracked at all. */
    public boolean enabled() {
        return enabled;
    }

    private record Report(LoadReport load, Instant at) {
    }

    private static final class EndpointState {
        volatile boolean healthy = true;
        volatile int successes;
        volatile int failures;
        volatile @Nullable Report report;
        volatile @Nullable Integer incompatibleProtocol;
        volatile Sinks.Empty<Void> down = Sinks.empty();
        /** When an attempt last had its answer here; far in the past until one has. */
        volatile long lastAnswerMillis = Long.MIN_VALUE / 2;
    }
}
