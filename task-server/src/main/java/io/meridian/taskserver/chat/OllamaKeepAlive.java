package io.meridian.taskserver.chat;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Ollama's {@code keep_alive} on {@code /api/chat} and {@code /api/generate}: how long the model
 * server keeps the model loaded after the call. Read as Ollama reads it, and given back as the Go
 * duration an Ollama backend is sent.
 *
 * <p>Ollama takes a Go duration string ({@code "5m"}, {@code "1h30m"}, {@code "10s"}, {@code "0"})
 * or a JSON number of seconds; {@code 0} unloads the model at once and any negative value keeps it
 * loaded until Ollama stops. A string is passed on as the client wrote it, a number as that many
 * seconds ({@code 300} becomes {@code "300s"}), any negative value as {@code "-1s"} (the same
 * "forever" to Ollama, whose own parser would fail on a negative beyond Go's range). What Ollama
 * would refuse (a number without a unit as a string, an unknown unit, more than Go's longest
 * duration, about 292 years) is refused here, naming {@code keep_alive}, rather than failing at
 * the model server as a {@code 502}.
 */
final class OllamaKeepAlive {

    /** The request field. */
    static final String FIELD = "keep_alive";

    /** What a negative keep-alive is sent as: any negative duration is "until Ollama stops". */
    static final String FOREVER = "-1s";

    private static final Pattern DURATION = Pattern.compile(
            "[-+]?(?:0|(?:(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:ns|us|µs|μs|ms|s|m|h))+)");

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    private static final Map<String, BigDecimal> NANOS_PER_UNIT = Map.of(
            "ns", BigDecimal.ONE,
            "us", BigDecimal.valueOf(1_000L),
            "µs", BigDecimal.valueOf(1_000L),
            "μs", BigDecimal.valueOf(1_000L),
            "ms", BigDecimal.valueOf(1_000_000L),
            "s", BigDecimal.valueOf(1_000_000_000L),
            "m", BigDecimal.valueOf(60_000_000_000L),
            "h", BigDecimal.valueOf(3_600_000_000_000L));

    /** Go's longest duration, in nanoseconds. */
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

    private static final String EXAMPLES = "a duration such as \"5m\", \"1h30m\" or \"0\", or a number of seconds";

    private OllamaKeepAlive() {
    }

    /**
     * Reads a request's {@code keep_alive}.
     *
     * @param node the field's value, or {@code null} when absent
     * @return the Go duration to send, or {@code null} when the request set none (JSON {@code null}
     *         included): the region's setting applies
     * @throws io.meridian.taskserver.web.InvalidRequestException naming {@value #FIELD}, if Ollama
     *         would not read it
     */
    static @Nullable String read(@Nullable JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            BigDecimal seconds = node.decimalValue();
            if (seconds.signum() < 0) {
                return FOREVER;
            }
            checkRange(seconds.multiply(NANOS_PER_SECOND), seconds.toPlainString());
            return seconds.stripTrailingZeros().toPlainString() + "s";
        }
        if (!node.isString()) {
            throw ChatCompletionRequest.invalid(FIELD + " must be " + EXAMPLES + ", but was "
                    + ChatCompletionRequest.describe(node), FIELD);
        }
        String text = node.stringValue();
        if (!DURATION.matcher(text).matches()) {
            throw ChatCompletionRequest.invalid(FIELD + " must be " + EXAMPLES + ", but was '"
                    + ChatCompletionRequest.echo(text) + "'", FIELD);
        }
        if (text.startsWith("-") && nanos(text).signum() != 0) {
            return FOREVER;
        }
        checkRange(nanos(text), "'" + ChatCompletionRequest.echo(text) + "'");
        return text;
    }

    /** The nanoseconds of a duration of Go's grammar, whatever its sign. */
    private static BigDecimal nanos(String duration) {
        BigDecimal total = BigDecimal.ZERO;
        Matcher parts = PART.matcher(duration);
        while (parts.find()) {
            String number = parts.group(1);
            BigDecimal value = new BigDecimal(number.endsWith(".") ? number + "0" : number);
            total = total.add(value.multiply(NANOS_PER_UNIT.get(parts.group(2))));
        }
        return total.stripTrailingZeros();
    }

    private static void checkRange(BigDecimal nanos, String shown) {
        if (nanos.compareTo(MAX_NANOS) > 0) {
            throw ChatCompletionRequest.invalid(FIELD + " may be at most 2562047h47m16s (the longest duration "
                    + "Ollama reads), but was " + shown, FIELD);
        }
    }
}
