package io.meridian.taskserver.web;

import java.math.BigInteger;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * Integer fields read from a request body's JSON tree, refused with {@code 400 invalid_request}
 * naming the field whatever the client wrote instead: a number that only a double holds
 * ({@code 1e400}, which parses as infinity), a fraction ({@code 1.5}, {@code 1.0}) or a string
 * ({@code "12"}). Integers of any size ({@code 9223372036854775808}) are returned as
 * {@link BigInteger}s for the caller to check against the field's range, so no number converts
 * lossily and none throws.
 *
 * <p>Why by hand: Jackson's tree gives such numbers as {@code BigIntegerNode}s or infinite
 * {@code DoubleNode}s whose {@code asLong()} throws, which reached clients as a 500 with a stack
 * trace in the log.
 */
public final class JsonNumbers {

    private static final int MAX_ECHOED_LENGTH = 40;

    private JsonNumbers() {
    }

    /**
     * The integer a node holds, of any size: the caller checks its range (and may answer "too large"
     * with a code of its own).
     *
     * @param node  the field's value, present and not JSON {@code null}
     * @param field the field's name as the API documents it, e.g. {@code max_tokens}
     * @param min   the smallest value the field accepts, for the message
     * @param max   the largest value the field accepts, for the message
     * @return the value
     * @throws InvalidRequestException {@code 400 invalid_request} naming {@code field}, when the node is
     *         not a JSON integer
     */
    public static BigInteger integralValue(JsonNode node, String field, long min, long max) {
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue();
        }
        String range = " within [" + min + ", " + max + "]";
        if (node.isNumber()) {
            String shown = Double.isFinite(node.doubleValue()) ? echo(node)
                    : "a number beyond the range of any integer";
            throw new InvalidRequestException(ApiError.INVALID_REQUEST, field + " must be an integer" + range
                    + " (no fraction or exponent), but was " + shown, field);
        }
        throw new InvalidRequestException(ApiError.INVALID_REQUEST, field + " must be an integer" + range
                + ", but was " + describe(node), field);
    }

    /**
     * An integer as an error message shows it: in full within the 64-bit range, else described, so
     * that a thousand-digit number is not echoed back.
     */
    public static String shown(BigInteger value) {
        return value.bitLength() < 64 ? value.toString()
                : "a number beyond the 64-bit range (" + value.toString().length() + " digits)";
    }

    private static String echo(JsonNode node) {
        String text = node.toString();
        return text.length() <= MAX_ECHOED_LENGTH ? text : text.substring(0, MAX_ECHOED_LENGTH) + "... ("
                + text.length() + " characters)";
    }

    private static String describe(JsonNode node) {
        String type = node.getNodeType().name().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "array", "object" -> "an " + type;
            default -> "a " + type;
        };
    }
}
