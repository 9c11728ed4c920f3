package io.meridian.protocol;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a task server says about itself in its readiness answer, the details of its {@code region}
 * health component ({@code components.region.details} of {@code /actuator/health/readiness}), and
 * what the gateway's health checks read from it to route.
 *
 * <p>The task server writes all of them ({@link #toMap}); the gateway reads them with
 * {@link #fromMap}, where every member is optional: an older task server, or any service with a
 * plain Spring Boot readiness probe, reports none, and a member of the wrong type is left out.
 *
 * @param region          the region id
 * @param backend         the model backend's name
 * @param model           the backend's default model
 * @param version         the task server's build version, when known
 * @param protocolVersion the {@link ProtocolVersion} it speaks
 * @param inFlight        tasks accepted and not finished
 * @param capacity        tasks it holds at once before it refuses with {@code 503 overloaded}
 * @param queueDepth      tasks waiting in all its queues, retries included
 */
public record ReadinessDetails(@Nullable String region, @Nullable String backend, @Nullable String model,
        @Nullable String version, @Nullable ProtocolVersion protocolVersion, @Nullable Integer inFlight,
        @Nullable Integer capacity, @Nullable Integer queueDepth) {

    /** The name of the health component that holds these details. */
    public static final String COMPONENT = "region";

    /** Key of {@link #region()}. */
    public static final String REGION = "region";

    /** Key of {@link #backend()}. */
    public static final String BACKEND = "backend";

    /** Key of {@link #model()}. */
    public static final String MODEL = "model";

    /** Key of {@link #version()}. */
    public static final String VERSION = "version";

    /** Key of {@link #protocolVersion()}: a string {@code <major>.<minor>}; a bare integer is read as a major. */
    public static final String PROTOCOL_VERSION = "protocolVersion";

    /** Key of {@link #inFlight()}. */
    public static final String IN_FLIGHT = "inFlight";

    /** Key of {@link #capacity()}. */
    public static final String CAPACITY = "capacity";

    /** Key of {@link #queueDepth()}. */
    public static final String QUEUE_DEPTH = "queueDepth";

    /**
     * The details in the order a task server writes them, leaving out what is {@code null}.
     *
     * @return key to value: strings, integers, and the protocol version as {@code <major>.<minor>}
     */
    public Map<String, Object> toMap() {
        Map<String, Object> details = new LinkedHashMap<>();
        put(details, REGION, region);
        put(details, BACKEND, backend);
        put(details, MODEL, model);
        put(details, PROTOCOL_VERSION, protocolVersion == null ? null : protocolVersion.toString());
        put(details, IN_FLIGHT, inFlight);
        put(details, CAPACITY, capacity);
        put(details, QUEUE_DEPTH, queueDepth);
        put(details, VERSION, version);
        return details;
    }

    private static void put(Map<String, Object> details, String key, @Nullable Object value) {
        if (value != null) {
            details.put(key, value);
        }
    }

    /**
     * Reads the details as a JSON reader gives them: strings, numbers; anything else, or a number
     * that is not a whole {@code int}, is left out.
     *
     * @param details key to value
     * @return what could be read
     */
    public static ReadinessDetails fromMap(Map<String, ? extends @Nullable Object> details) {
        return new ReadinessDetails(string(details.get(REGION)), string(details.get(BACKEND)),
                string(details.get(MODEL)), string(details.get(VERSION)), protocol(details.get(PROTOCOL_VERSION)),
                integer(details.get(IN_FLIGHT)), integer(details.get(CAPACITY)), integer(details.get(QUEUE_DEPTH)));
    }

    private static @Nullable String string(@Nullable Object value) {
        return value instanceof String text ? text : null;
    }

    private static @Nullable Integer integer(@Nullable Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            long number = ((Number) value).longValue();
            return number >= Integer.MIN_VALUE && number <= Integer.MAX_VALUE ? (int) number : null;
        }
        return null;
    }

    /** {@code "1.0"}, {@code "1"} or {@code 1}; {@code null} when absent or not a version. */
    private static @Nullable ProtocolVersion protocol(@Nullable Object value) {
        if (value instanceof String text) {
            return ProtocolVersion.parse(text).orElse(null);
        }
        Integer major = integer(value);
        return major != null && major >= 0 && major <= 9999 ? new ProtocolVersion(major, 0) : null;
    }

    /**
     * The protocol version's major, for a reader that only compares majors.
     *
     * @return the major, or empty when none was reported
     */
    public Optional<Integer> protocolMajor() {
        return protocolVersion == null ? Optional.empty() : Optional.of(protocolVersion.major());
    }
}
