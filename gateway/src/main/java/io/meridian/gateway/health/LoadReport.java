package io.meridian.gateway.health;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a task server said about its load in its last readiness answer. Every field is optional:
 * an older task server, or any service with a plain Spring Boot readiness probe, reports none.
 *
 * @param inFlight   requests the region is working on
 * @param capacity   requests it accepts before it is full
 * @param queueDepth requests waiting in its queues
 * @param version    the task server's version
 */
public record LoadReport(@Nullable Integer inFlight, @Nullable Integer capacity, @Nullable Integer queueDepth,
        @Nullable String version) {

    /** A report that says nothing. */
    public static final LoadReport NONE = new LoadReport(null, null, null, null);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Reads {@code components.region.details} of a Spring Boot health document; anything missing or
     * not a number is left out, and text that is not JSON yields {@link #NONE}.
     */
    public static LoadReport parse(String body) {
        JsonNode details;
        try {
            details = JSON.readTree(body).path("components").path("region").path("details");
        } catch (RuntimeException ex) {
            return NONE;
        }
        if (!details.isObject()) {
            return NONE;
        }
        JsonNode version = details.path("version");
        return new LoadReport(integer(details.path("inFlight")), integer(details.path("capacity")),
                integer(details.path("queueDepth")), version.isString() ? version.asString() : null);
    }

    private static @Nullable Integer integer(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToInt() ? node.asInt() : null;
    }

    /** Whether the report shows the region at or over its own capacity. */
    public boolean full() {
        return inFlight != null && capacity != null && inFlight >= capacity;
    }
}
