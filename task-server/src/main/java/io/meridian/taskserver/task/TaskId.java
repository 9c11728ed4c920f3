package io.meridian.taskserver.task;

import io.meridian.taskserver.TaskServerProperties;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A task's id, {@code <region>.<token>}, e.g. {@code us-east.01JDQ3W5ZK8Y4T6V0A7M2N9PQR}.
 *
 * <p>The task server's view of {@link io.meridian.protocol.TaskId}, whose rules it applies. The
 * part before the first dot is the region that holds the task: the gateway routes
 * {@code /v1/tasks/{id}} by it, wherever the client now is. The token is what {@link #next} makes:
 * 128 bits, a 48-bit millisecond timestamp followed by 80 random bits, in Crockford base32
 * (26 characters), so ids sort by creation time. Other tokens matching {@value #TOKEN_PATTERN} are
 * accepted, so that another backend may mint its own. A token this server mints ends with the
 * epoch of the region's task store, {@code _<epoch>} ({@link #next(String, Instant, RandomGenerator,
 * String)}, {@link #epoch()}), so that a task of an earlier epoch is known to be lost.
 *
 * <p>Security: the id is the only thing a client needs to read a task's query and answer, so the
 * random part must come from a cryptographically strong generator; a predictable one would let a
 * client read other clients' tasks.
 *
 * @param region the region id, as in {@link TaskServerProperties#region()}
 * @param token  the opaque part, unique within the region
 */
public record TaskId(String region, String token) {

    /** What the opaque part looks like. */
    public static final String TOKEN_PATTERN = io.meridian.protocol.TaskId.TOKEN_PATTERN;

    /**
     * Checks both parts.
     *
     * @throws IllegalArgumentException naming the rule and the value, if a part is malformed
     */
    public TaskId {
        new io.meridian.protocol.TaskId(region, token); // the protocol's checks and message
    }

    /**
     * Reads an id as clients send it.
     *
     * @param text {@code <region>.<token>}
     * @return the id
     * @throws IllegalArgumentException with a message fit for a client, if {@code text} is not an id
     */
    public static TaskId parse(String text) {
        io.meridian.protocol.TaskId id = io.meridian.protocol.TaskId.parse(text);
        return new TaskId(id.region(), id.token());
    }

    /**
     * Mints a new id.
     *
     * @param region the region that will hold the task
     * @param now    the creation time, which leads the token so that ids sort by it
     * @param random the source of the 80 random bits; a strong one (see the class comment)
     * @return a fresh id
     */
    public static TaskId next(String region, Instant now, RandomGenerator random) {
        io.meridian.protocol.TaskId minted = io.meridian.protocol.TaskId.next(region, now, random);
        return new TaskId(minted.region(), minted.token());
    }

    /**
     * Mints a new id that names the epoch of the store that will hold it.
     *
     * @param region the region that will hold the task
     * @param now    the creation time, which leads the token so that ids sort by it
     * @param random the source of the 80 random bits; a strong one (see the class comment)
     * @param epoch  the store's epoch
     * @return a fresh id whose token ends with {@code _<epoch>}
     */
    public static TaskId next(String region, Instant now, RandomGenerator random, String epoch) {
        io.meridian.protocol.TaskId minted = io.meridian.protocol.TaskId.next(region, now, random, epoch);
        return new TaskId(minted.region(), minted.token());
    }

    /**
     * The epoch of the store that minted this id.
     *
     * @return the epoch, or empty for a token without one
     */
    public Optional<String> epoch() {
        return new io.meridian.protocol.TaskId(region, token).epoch();
    }

    /**
     * The id as clients see it.
     *
     * @return {@code <region>.<token>}
     */
    @Override
    public String toString() {
        return region + "." + token;
    }
}
