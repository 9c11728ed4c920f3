package io.meridian.gateway.routing;

import io.meridian.protocol.TaskId;
import io.meridian.region.RankedRegion;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;

/**
 * Sends requests about an existing task to the region that holds it.
 *
 * <p>Design note: a task id names its region, {@code <regionId>.<opaque>} (for example
 * {@code eu-central.01JD3X9K2M}), so the gateway needs no lookup table and no shared state to
 * find a task, wherever its client has moved since creating it. {@code GET} and {@code DELETE
 * /v1/tasks/{id}} and {@code GET /v1/tasks/{id}/events} have a single candidate region; failover
 * may move between that region's replicas but never to another region, which could only answer
 * "no such task". The id is checked strictly, by the protocol's {@link TaskId} rule (a region id,
 * a dot, a token of 6 to 64 of {@code [A-Za-z0-9_-]}): it reaches a region's URL, so nothing that
 * needs escaping gets through.
 */
final class TaskAffinity {

    private static final Pattern TASK_PATH = Pattern.compile("/v1/tasks/([^/]+)(/events)?/?");

    private final RegionCatalog catalog;

    TaskAffinity(RegionCatalog catalog) {
        this.catalog = catalog;
    }

    /** What a request path means for task affinity. */
    public sealed interface Target {
    }

    /** Not a request about one task: route by the client's location. */
    public record AnyRegion() implements Target {
    }

    /** A request about a task held in {@code region}. */
    public record TaskRegion(Region region) implements Target {

        public List<RankedRegion> candidates() {
            return List.of(new RankedRegion(region, Double.NaN, Double.NaN));
        }
    }

    /** The id is not a task id. */
    public record MalformedId(String id) implements Target {
    }

    /** The id names a region this gateway does not know. */
    public record UnknownRegion(String id, String regionId) implements Target {
    }

    /** Classifies a request by its method and raw path. */
    public Target target(@Nullable HttpMethod method, String rawPath) {
        Matcher path = TASK_PATH.matcher(rawPath);
        if (!path.matches()) {
            return new AnyRegion();
        }
        boolean events = path.group(2) != null;
        boolean affine = events ? method == HttpMethod.GET : method == HttpMethod.GET || method == HttpMethod.DELETE;
        if (!affine) {
            return new AnyRegion();
        }
        String id = path.group(1);
        Optional<TaskId> taskId = TaskId.tryParse(id);
        if (taskId.isEmpty()) {
            return new MalformedId(id);
        }
        String regionId = taskId.get().region();
        Optional<Region> region = catalog.find(regionId);
        return region.<Target>map(TaskRegion::new).orElseGet(() -> new UnknownRegion(id, regionId));
    }
}
