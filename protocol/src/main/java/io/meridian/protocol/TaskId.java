package io.meridian.protocol;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A task's id, {@code <region>.<token>}, e.g. {@code us-east.01JDQ3W5ZK8Y4T6V0A7M2N9PQR}.
 *
 * <p>The part before the first dot is the {@link RegionId} of the region that holds the task: the
 * gateway routes {@code /v1/tasks/{id}} by it, wherever the client now is, with no lookup table.
 * The token is what {@link #next} makes: 128 bits, a 48-bit millisecond timestamp followed by 80
 * random bits, in Crockford base32 (26 characters), so ids sort by creation time. Other tokens
 * matching {@value #TOKEN_PATTERN} are accepted, so that another backend may mint its own. Both
 * parts are checked strictly: the id reaches a region's URL, so nothing that needs escaping passes.
 *
 * <p>Epoch. A token may end with the <em>epoch</em> of the task store that minted it, the life of
 * the region's store (it changes when the store starts empty: an in-memory store's process start,
 * a Redis store whose data was lost): {@code _} and {@value #EPOCH_LENGTH} Crockford base32
 * characters, e.g. {@code us-east.01JDQ3W5ZK8Y4T6V0A7M2N9PQR_K3F9QZ} ({@link #next(String, Instant,
 * RandomGenerator, String)}). A region that is asked for a task of another epoch knows it lost the
 * task, rather than that the task never existed; the region's readiness details name its current
 * epoch ({@link ReadinessDetails.Limits#epoch()}). The epoch is part of the token, so the id's form,
 * {@value #TOKEN_PATTERN} after the region, and routing by the region are unchanged; a token without
 * one (minted before epochs, or by another backend) has no {@link #epoch()} and is looked up as
 * before.
 *
 * <p>Security: the id is the only thing a client needs to read a task's query and answer, so the
 * random part must come from a cryptographically strong generator; a predictable one would let a
 * client read other clients' tasks.
 *
 * @param region the region id
 * @param token  the opaque part, unique within the region
 */
public record TaskId(String region, String token) {

    /** What the opaque part looks like. */
    public static final String TOKEN_PATTERN = "[A-Za-z0-9_-]{6,64}";

    private static final int MIN_TOKEN = 6;

    private static final int MAX_TOKEN = 64;

    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private static final int MAX_SHOWN = 80;

    /** How many characters an epoch has. */
    public static final int EPOCH_LENGTH = 6;

    /** What separates the epoch from the rest of a token. */
    public static final char EPOCH_SEPARATOR = '_';

    private static final int ULID_LENGTH = 26;

    /**
     * Checks both parts.
     *
     * @throws IllegalArgumentException naming the rule and the value, if a part is malformed
     */
    public TaskId {
        if (!RegionId.isValid(region) || !isToken(token)) {
            throw new IllegalArgumentException(malformed(region + "." + token));
        }
    }

    /**
     * Reads an id as clients send it.
     *
     * @param text {@code <region>.<token>}
     * @return the id
     * @throws IllegalArgumentException with a message fit for a client, if {@code text} is not an id
     */
    public static TaskId parse(String text) {
        int dot = text.indexOf('.');
        if (dot <= 0) {
            throw new IllegalArgumentException(malformed(text));
        }
        return new TaskId(text.substring(0, dot), text.substring(dot + 1));
    }

    /**
     * Reads an id without throwing, for a caller that answers a malformed id its own way.
     *
     * @param text any text
     * @return the id, or empty when {@code text} is not one
     */
    public static Optional<TaskId> tryParse(String text) {
        int dot = text.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String region = text.substring(0, dot);
        String token = text.substring(dot + 1);
        return RegionId.isValid(region) && isToken(token) ? Optional.of(new TaskId(region, token)) : Optional.empty();
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
        return new TaskId(region, ulid(now, random));
    }

    /**
     * Mints a new id that names the epoch of the store that will hold it.
     *
     * @param region the region that will hold the task
     * @param now    the creation time, which leads the token so that ids sort by it
     * @param random the source of the 80 random bits; a strong one (see the class comment)
     * @param epoch  the store's epoch, as {@link #newEpoch} made it
     * @return a fresh id whose token ends with {@code _<epoch>}
     * @throws IllegalArgumentException if {@code epoch} is not an epoch
     */
    public static TaskId next(String region, Instant now, RandomGenerator random, String epoch) {
        if (!isEpoch(epoch)) {
            throw new IllegalArgumentException("epoch must be " + EPOCH_LENGTH
                    + " Crockford base32 characters (0-9 and A-Z without I, L, O, U), but was '" + epoch + "'");
        }
        return new TaskId(region, ulid(now, random) + EPOCH_SEPARATOR + epoch);
    }

    /**
     * Makes a new epoch: {@value #EPOCH_LENGTH} random Crockford base32 characters (30 bits). An
     * epoch only has to differ from the store's earlier ones, so it needs no strong generator.
     *
     * @param random the source of the characters
     * @return the epoch, e.g. {@code K3F9QZ}
     */
    public static String newEpoch(RandomGenerator random) {
        char[] epoch = new char[EPOCH_LENGTH];
        for (int i = 0; i < epoch.length; i++) {
            epoch[i] = CROCKFORD[random.nextInt(CROCKFORD.length)];
        }
        return new String(epoch);
    }

    /**
     * Whether {@code text} is an epoch.
     *
     * @param text any text
     * @return {@code true} when it is {@value #EPOCH_LENGTH} upper-case Crockford base32 characters
     */
    public static boolean isEpoch(CharSequence text) {
        if (text.length() != EPOCH_LENGTH) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (Arrays.binarySearch(CROCKFORD, text.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The epoch of the store that minted this id, when its token names one: a token of 26
     * characters, {@code _} and an epoch.
     *
     * @return the epoch, or empty for a token without one
     */
    public Optional<String> epoch() {
        int separator = token.length() - EPOCH_LENGTH - 1;
        if (separator != ULID_LENGTH || token.charAt(separator) != EPOCH_SEPARATOR) {
            return Optional.empty();
        }
        String epoch = token.substring(separator + 1);
        return isEpoch(epoch) ? Optional.of(epoch) : Optional.empty();
    }

    private static String ulid(Instant now, RandomGenerator random) {
        long high = (now.toEpochMilli() << 16) | (random.nextLong() & 0xFFFFL);
        long low = random.nextLong();
        char[] token = new char[26];
        for (int i = token.length - 1; i >= 0; i--) {
            token[i] = CROCKFORD[(int) (low & 31)];
            low = (low >>> 5) | (high << 59);
            high >>>= 5;
        }
        return new String(token);
    }

    /**
     * Whether {@code text} is a token.
     *
     * @param text any text
     * @return {@code true} when it matches {@value #TOKEN_PATTERN}
     */
    public static boolean isToken(CharSequence text) {
        if (text.length() < MIN_TOKEN || text.length() > MAX_TOKEN) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static String malformed(String text) {
        String shown = text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "..." : text;
        return "id must be '<region>.<token>' with a region such as 'us-east' and a token of 6 to 64 letters, "
                + "digits, '_' or '-', but was '" + shown + "'";
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
