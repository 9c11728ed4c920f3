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
 * @param protocol   the major version of the gateway-to-region API it speaks
 */
public record LoadReport(@Nullable Integer inFlight, @Nullable Integer capacity, @Nullable Integer queueDepth,
        @Nullable String version, @Nullable Integer protocol) {

    /** A report that says nothing. */
    public static final LoadReport NONE = new LoadReport(null, null, null, null, null);

    /** A report without a protocol version (a task server older than the check, or a test). */
    public LoadReport(@Nullable Integer inFlight, @Nullable Integer capacity, @Nullable Integer queueDepth,
            @Nullable String version) {
        this(inFlight, capacity, queueDepth, version, null);
    }

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
                integer(details.path("queueDepth")), version.isString() ? version.asString() : null,
                major(details.path("protocolVersion")));
    }

    /** The major version of {@code 1}, {@code "1"} or {@code "1.0"}; {@code null} when absent or malformed. */
    private static @Nullable Integer major(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return node.asInt();
        }
        if (!node.isString()) {
            return null;
        }
        String text = node.asString();
        int dot = text.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? text : text.substring(0, dot));
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    private static @Nullable Integer integer(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToInt() ? node.asInt() : null;
    }

    /** Whether the report shows the region at or over its own capacity. */
    public boolean full() {
        return inFlight != null && capacity != null && inFlight >= capacity;
    }
}
