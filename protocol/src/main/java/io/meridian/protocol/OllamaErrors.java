package io.meridian.protocol;

/**
 * Which paths speak Ollama's API, and the error document they answer with, for the gateway and
 * the task servers alike: on {@code /api/chat}, {@code /api/generate}, {@code /api/tags},
 * {@code /api/version} (and anything else under {@code /api/}) an error is
 * {@code {"error":"<message>"}}, the one string Ollama's clients read (Spring AI's
 * {@code OllamaApi}, LangChain's {@code ChatOllama}, the {@code ollama} Python package raise it as
 * the exception's text). Everywhere else it is Meridian's flat {@link ErrorBody}.
 *
 * <p>Design note: Ollama's shape has room for one string, so Meridian's code and field would be
 * lost; the string is {@code "<message> (<code>, field <field>)"}, which keeps the message first
 * for a human and the code for a script that greps it. The status is the HTTP status, as Ollama's
 * own errors have it. Inside a streamed answer (NDJSON) the same object is a line of its own, as
 * Ollama ends a stream that failed.
 *
 * <p>The route rule reads the path by its segments like {@link OpenAiErrors}, so that a path
 * refused before it could be made canonical ({@code /api//chat}, {@code /api/chat;x}) gets the
 * same verdict. It decides only the shape of an error, never what a request may do.
 */
public final class OllamaErrors {

    /**
     * The Ollama release whose API Meridian's Ollama-compatible endpoints follow, which
     * {@code GET /api/version} reports (on the gateway and on a region alike), so that a client that
     * checks for a feature's release (structured outputs came in 0.5) finds it.
     */
    public static final String API_VERSION = "0.9.0";

    private OllamaErrors() {
    }

    /**
     * Whether a path is one of Ollama's endpoints, whose errors take Ollama's shape.
     *
     * @param path a request path without its query, canonical or as the client wrote it
     * @return {@code true} for anything under {@code /api/}
     */
    public static boolean isOllamaPath(String path) {
        String[] segments = OpenAiErrors.segments(path, 2);
        return segments.length == 2 && segments[0].equals("api");
    }

    /**
     * The text of an error in Ollama's shape.
     *
     * @param error the error
     * @return its message, then its code and field: {@code "<message> (<code>)"} or
     *         {@code "<message> (<code>, field <field>)"}
     */
    public static String message(ErrorBody error) {
        return error.message() + " (" + error.error() + (error.field() == null ? "" : ", field " + error.field()) + ")";
    }

    /**
     * An error in Ollama's shape.
     *
     * @param error the error
     * @return {@code {"error":"<message> (<code>, field <field>)"}}
     */
    public static String toJson(ErrorBody error) {
        String text = message(error);
        StringBuilder out = new StringBuilder(16 + text.length());
        out.append("{\"error\":");
        Json.quote(out, text);
        return out.append('}').toString();
    }
}
