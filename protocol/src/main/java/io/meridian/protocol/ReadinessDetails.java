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
 * @param limits          how long the region may take to answer, and whether its tasks outlive it
 */
public record ReadinessDetails(@Nullable String region, @Nullable String backend, @Nullable String model,
        @Nullable String version, @Nullable ProtocolVersion protocolVersion, @Nullable Integer inFlight,
        @Nullable Integer capacity, @Nullable Integer queueDepth, Limits limits) {

    /**
     * What a region promises about time and about its tasks' survival: the gateway sizes its
     * deadlines by the first two and judges a lost idempotency key by the last two. Every member is
     * optional, as for the details themselves.
     *
     * @param syncWaitMillis     how long a non-streamed call ({@code POST /process}, a plain chat
     *                           completion) may wait for its task before the region answers
     *                           (with the answer, or {@code 202} and the task's id)
     * @param modelTimeoutMillis the longest one model call may take in any of its queues
     * @param epoch              names the region's task store's life: it changes when the store
     *                           starts empty (an in-memory store's process start, a Redis store
     *                           created anew), so a task or key from another epoch is lost, not unknown
     * @param store              where its tasks live, {@value #STORE_MEMORY} (lost when the process
     *                           ends) or {@value #STORE_REDIS} (outlives it)
     */
    public record Limits(@Nullable Long syncWaitMillis, @Nullable Long modelTimeoutMillis, @Nullable String epoch,
            @Nullable String store) {

        /** Nothing said. */
        public static final Limits NONE = new Limits(null, null, null, null);
    }

    /** The details without {@link Limits}, as a task server older than them wrote. */
    public ReadinessDetails(@Nullable String region, @Nullable String backend, @Nullable String model,
            @Nullable String version, @Nullable ProtocolVersion protocolVersion, @Nullable Integer inFlight,
            @Nullable Integer capacity, @Nullable Integer queueDepth) {
        this(region, backend, model, version, protocolVersion, inFlight, capacity, queueDepth, Limits.NONE);
    }

    public ReadinessDetails {
        limits = limits == null ? Limits.NONE : limits;
    }

    /** {@link Limits#store()} of a store whose tasks end with the process. */
    public static final String STORE_MEMORY = "memory";

    /** {@link Limits#store()} of a store whose tasks outlive the process. */
    public static final String STORE_REDIS = "redis";

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

    /** Key of {@link Limits#syncWaitMillis()}. */
    public static final String SYNC_WAIT_MILLIS = "syncWaitMillis";

    /** Key of {@link Limits#modelTimeoutMillis()}. */
    public static final String MODEL_TIMEOUT_MILLIS = "modelTimeoutMillis";

    /** Key of {@link Limits#epoch()}. */
    public static final String EPOCH = "epoch";

    /** Key of {@link Limits#store()}. */
    public static final String STORE = "store";

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
        put(details, SYNC_WAIT_MILLIS, limits.syncWaitMillis());
        put(details, MODEL_TIMEOUT_MILLIS, limits.modelTimeoutMillis());
        put(details, EPOCH, limits.epoch());
        put(details, STORE, limits.store());
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
                integer(details.get(IN_FLIGHT)), integer(details.get(CAPACITY)), integer(details.get(QUEUE_DEPTH)),
                new Limits(millis(details.get(SYNC_WAIT_MILLIS)), millis(details.get(MODEL_TIMEOUT_MILLIS)),
                        string(details.get(EPOCH)), string(details.get(STORE))));
    }

    /** A whole, non-negative number of milliseconds; anything else is left out. */
    private static @Nullable Long millis(@Nullable Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            long number = ((Number) value).longValue();
            return number >= 0 ? number : null;
        }
        return null;
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
