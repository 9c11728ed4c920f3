package io.meridian.gateway.tenant;

/**
 * Reads the token usage a region reports: the {@value #HEADER} header
 * ({@code prompt=<n>, completion=<n>}) of an answer with a finished result, or the SSE comment
 * {@code : meridian-usage prompt=<n> completion=<n>} at the end of a streamed answer.
 */
public final class TokenUsageReport {

    /** The response header. */
    public static final String HEADER = "X-Meridian-Usage";

    /** What starts the SSE comment line. */
    public static final String COMMENT = ": meridian-usage ";

    private TokenUsageReport() {
    }

    /** Prompt plus completion tokens in a header value or comment; 0 when none can be read. */
    public static long total(CharSequence report) {
        long total = 0;
        int length = report.length();
        for (int i = 0; i < length; i++) {
            if (report.charAt(i) == '=') {
                long value = 0;
                int digits = 0;
                int j = i + 1;
                while (j < length && digits < 12 && Character.isDigit(report.charAt(j))) {
                    value = value * 10 + (report.charAt(j) - '0');
                    digits++;
                    j++;
                }
                total += value;
                i = j - 1;
            }
        }
        return total;
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

    /** The usage in a chunk of an event stream, or -1 when the chunk holds no usage comment. */
    public static long inStreamChunk(String chunk) {
        int at = chunk.indexOf(COMMENT);
        if (at < 0) {
            return -1;
        }
        int end = chunk.indexOf('\n', at);
        return total(chunk.substring(at + COMMENT.length(), end < 0 ? chunk.length() : end));
    }
}
