package io.meridian.gateway.dashboard;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.meridian.protocol.QueueSnapshot;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything the dashboard page shows, as {@code GET /dashboard/api/state} answers it and the
 * event stream pushes it.
 *
 * <p>The state anyone may read (the page is public) holds no task ids and nothing of any tenant:
 * regions, their queues' figures and requests by country, with {@code failures} empty. Asked with
 * the admin token it lists the latest failed tasks too, with their ids and tenants.
 *
 * @param at             when it was assembled, epoch milliseconds
 * @param pollMillis     time between two polls of the regions
 * @param regions        one entry per region of the catalog, in catalog order
 * @param countries      requests per client country since the gateway started, largest first
 * @param failures       the latest failed and dead-lettered tasks across all regions, newest first;
 *                       empty unless asked with the admin token
 * @param shared         whether the counts (countries, requests, failovers, duplicates) are every
 *                       gateway's on the shared Redis (true) or this gateway's alone (false: no
 *                       shared Redis, or it is unreachable); latencies are always this gateway's
 * @param spend          the deployment's spend rate against its ceiling; {@code null} unless asked
 *                       with the admin token and a ceiling is set ({@code meridian.pricing.ceiling.*})
 */
public record DashboardState(long at, long pollMillis, List<RegionState> regions, List<CountryCount> countries,
        List<RegionFailure> failures, boolean shared, @Nullable Spend spend) {

    /** Before the first poll. */
    static DashboardState empty(long pollMillis) {
        return new DashboardState(0, pollMillis, List.of(), List.of(), List.of(), false, null);
    }

    /** The same state listing these failed tasks and this spend rate, for an operator. */
    DashboardState withFailures(List<RegionFailure> failed, @Nullable Spend spend) {
        return new DashboardState(at, pollMillis, regions, countries, failed, shared, spend);
    }

    /**
     * The deployment's spend rate against its ceiling.
     *
     * @param currency       what the amounts are in
     * @param perHour        spent over the last window, projected to an hour
     * @param ceilingPerHour the ceiling
     * @param state          {@code under}, {@code hold} (pools stop growing) or {@code over} (low-priority
     *                       tenants refused too)
     * @param shared         whether the figure is every gateway's (read from the shared Redis)
     */
    public record Spend(String currency, java.math.BigDecimal perHour, java.math.BigDecimal ceilingPerHour, String state,
            boolean shared) {
    }

    /**
     * One region as the gateway sees it and as it reports itself.
     *
     * @param id                 the region's id
     * @param name               its display name
     * @param latitude           where it is
     * @param longitude          where it is
     * @param status             {@code healthy}, {@code degraded} (circuit half-open, or queues near their bound),
     *                           {@code drained} (an operator stopped new work to it) or {@code down}
     *                           (unreachable, unhealthy or circuit open)
     * @param drained            whether an operator drained it on this gateway
     * @param reachable          whether the last poll of its queues was answered
     * @param unreachableSince   epoch milliseconds of the first failed poll in the current run of failures
     * @param error              why the last poll failed
     * @param healthy            the active health checks' verdict
     * @param circuit            its circuit breaker's state ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, ...)
     * @param inFlight           requests the gateway has in flight to it
     * @param version            the version its readiness reports
     * @param requestsPerSecond  requests it answered per second over the last poll interval
     * @param p50Millis          median attempt latency, recent window
     * @param p99Millis          99th percentile attempt latency, recent window
     * @param failoversOut       times the gateway moved past it to another region since start
     * @param failoversIn        requests it served after another region was passed over, since start
     * @param duplicatesOut      keyed requests sent on to another region after it, owning their key and
     *                           maybe having run them, was gone: possible second executions, since start
     * @param duplicatesIn       keyed requests sent to it after their key's owner was gone, since start
     * @param queues             its queues, last known values (kept while it is unreachable)
     * @param incompatibleProtocol the major protocol version it reports when this gateway cannot speak
     *                           it (the region is then unusable), else {@code null}
     */
    public record RegionState(String id, String name, double latitude, double longitude, String status,
            boolean drained, boolean reachable, @Nullable Long unreachableSince, @Nullable String error, boolean healthy,
            String circuit, int inFlight, @Nullable String version, double requestsPerSecond,
            @Nullable Double p50Millis, @Nullable Double p99Millis, long failoversOut, long failoversIn,
            long duplicatesOut, long duplicatesIn, List<QueueState> queues,
            @Nullable Integer incompatibleProtocol) {
    }

    /**
     * One queue, its latest sample and its history.
     *
     * @param sample  the latest values (the page draws its own rates from the history)
     * @param history the last minutes, oldest first
     */
    public record QueueState(@JsonIgnoreProperties("rates") QueueSnapshot sample, QueueHistory.Series history) {
    }

    /**
     * Requests from one country.
     *
     * @param code      ISO 3166-1 alpha-2 code, or {@code unknown}
     * @param latitude  the country's reference point, absent for {@code unknown}
     * @param longitude the country's reference point
     * @param requests  requests since the gateway started
     */
    public record CountryCount(String code, @Nullable Double latitude, @Nullable Double longitude, long requests) {
    }
}
