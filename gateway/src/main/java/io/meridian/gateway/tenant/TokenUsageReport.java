package io.meridian.gateway.tenant;

import io.meridian.protocol.MeridianHeaders;
import io.meridian.protocol.UsageReport;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the token usage a region reports, in the protocol's {@link UsageReport} format: the
 * {@value #HEADER} header ({@code prompt=<n>, completion=<n>}) of an answer with a finished result,
 * or the SSE comment line {@code :meridian-usage prompt=<n> completion=<n>} at the end of a
 * streamed answer; in an NDJSON stream (Ollama's API), which has no comments, the last line's
 * {@code prompt_eval_count} and {@code eval_count}, beside {@code "done": true}.
 */
public final class TokenUsageReport {

    /** The response header. */
    public static final String HEADER = MeridianHeaders.USAGE;

    private TokenUsageReport() {
    }

    /** Prompt plus completion tokens in a header value; 0 when it cannot be read. */
    public static long total(CharSequence report) {
        return UsageReport.parse(report).map(UsageReport::total).orElse(0L);
    }

    /**
     * The key under which a task's usage counts once: {@code task:<id>} for {@code /v1/tasks/<id>}
     * and {@code /v1/tasks/<id>/events}, else {@code null}.
     */
    public static @org.jspecify.annotations.Nullable String taskKey(String path) {
        if (!path.startsWith("/v1/tasks/")) {
            return null;
        }
        String rest = path.substring("/v1/tasks/".length());
        if (rest.endsWith("/events")) {
            rest = rest.substring(0, rest.length() - "/events".length());
        }
        return rest.isEmpty() || rest.indexOf('/') >= 0 ? null : "task:" + rest;
    }

    /**
     * The key of the task a {@code 202 Accepted} answer's {@code Location} names
     * ({@code /v1/tasks/<id>}, relative or absolute), or {@code null}.
     */
    public static @org.jspecify.annotations.Nullable String acceptedTaskKey(@org.jspecify.annotations.Nullable String location) {
        if (location == null) {
            return null;
        }
        try {
            String path = java.net.URI.create(location.strip()).getRawPath();
            return path == null ? null : taskKey(path);
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String DONE = "\"done\":true";

    /**
     * The usage in a chunk of a stream, or -1 when the chunk holds no readable usage: an event
     * stream's usage comment, or an NDJSON stream's done line.
     */
    public static long inStreamChunk(String chunk) {
        UsageReport report = reportInStreamChunk(chunk);
        return report == null ? -1 : report.total();
    }

    /** As {@link #inStreamChunk}, prompt and completion apart; {@code null} when the chunk holds no readable usage. */
    public static @org.jspecify.annotations.Nullable UsageReport reportInStreamChunk(String chunk) {
        UsageReport comment = UsageReport.inStream(chunk).orElse(null);
        return comment != null || !chunk.contains(DONE) ? comment : inDoneLine(chunk);
    }

    /** The counts of the first line of {@code chunk} that says it is done, or {@code null}. */
    private static @org.jspecify.annotations.Nullable UsageReport inDoneLine(String chunk) {
        for (String line : chunk.split("\n")) {
            if (!line.contains(DONE) || !line.startsWith("{")) {
                continue;
            }
            try {
                JsonNode done = JSON.readTree(line);
                JsonNode prompt = done.path("prompt_eval_count");
                JsonNode eval = done.path("eval_count");
                if (done.path("done").booleanValue() && prompt.canConvertToLong() && eval.canConvertToLong()
                        && prompt.isIntegralNumber() && eval.isIntegralNumber()
                        && prompt.longValue() >= 0 && eval.longValue() >= 0) {
                    return new UsageReport(prompt.longValue(), eval.longValue());
                }
            } catch (JacksonException notJson) {
                // Not a line of Ollama's: no usage in it.
            }
        }
        return null;
    }
}
