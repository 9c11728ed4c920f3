package io.meridian.gateway.health;

import io.meridian.protocol.ReadinessDetails;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a task server said about its load in its last readiness answer. Every field is optional:
 * an older task server, or any service with a plain Spring Boot readiness probe, reports none.
 * What it reads is what a task server writes: the protocol's {@link ReadinessDetails}.
 *
 * @param inFlight   requests the region is working on
 * @param capacity   requests it accepts before it is full
 * @param queueDepth requests waiting in its queues
 * @param version    the task server's version
 * @param protocol   the major version of the gateway-to-region API it speaks
 * @param limits     how long it may take to answer and how long its tasks live
 *                   ({@link ReadinessDetails.Limits#NONE} when it did not say)
 */
public record LoadReport(@Nullable Integer inFlight, @Nullable Integer capacity, @Nullable Integer queueDepth,
        @Nullable String version, @Nullable Integer protocol, ReadinessDetails.Limits limits) {

    /** A report that says nothing. */
    public static final LoadReport NONE = new LoadReport(null, null, null, null, null);

    public LoadReport {
        limits = limits == null ? ReadinessDetails.Limits.NONE : limits;
    }

    /** A report without limits (a task server older than them, or a test). */
    public LoadReport(@Nullable Integer inFlight, @Nullable Integer capacity, @Nullable Integer queueDepth,
            @Nullable String version, @Nullable Integer protocol) {
        this(inFlight, capacity, queueDepth, version, protocol, ReadinessDetails.Limits.NONE);
    }

    /** A report without a protocol version (a task server older than the check, or a test). */
    public LoadReport(@Nullable Integer inFlight, @Nullable Integer capacity, @Nullable Integer queueDepth,
            @Nullable String version) {
        this(inFlight, capacity, queueDepth, version, null);
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Reads {@code components.region.details} of a Spring Boot health document, the protocol's
     * {@link ReadinessDetails}; anything missing or of the wrong type is left out, and text that is
     * not JSON yields {@link #NONE}.
     */
    public static LoadReport parse(String body) {
        JsonNode details;
        try {
            details = JSON.readTree(body).path("components").path(ReadinessDetails.COMPONENT).path("details");
        } catch (RuntimeException ex) {
            return NONE;
        }
        if (!details.isObject()) {
            return NONE;
        }
        Map<String, @Nullable Object> values = new HashMap<>();
        for (Map.Entry<String, JsonNode> member : details.properties()) {
            JsonNode node = member.getValue();
            if (node.isString()) {
                values.put(member.getKey(), node.asString());
            } else if (node.isIntegralNumber() && node.canConvertToLong()) {
                values.put(member.getKey(), node.asLong());
            }
        }
        ReadinessDetails read = ReadinessDetails.fromMap(values);
        return new LoadReport(read.inFlight(), read.capacity(), read.queueDepth(), read.version(),
                read.protocolMajor().orElse(null), read.limits());
    }

    /** Whether the report shows the region at or over its own capacity. */
    public boolean full() {
        return inFlight != null && capacity != null && inFlight >= capacity;
    }
}
