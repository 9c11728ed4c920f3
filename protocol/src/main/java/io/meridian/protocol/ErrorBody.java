package io.meridian.protocol;

import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The body of every error answer, from the gateway and from a task server alike, so a client
 * handles one format whoever answered:
 * {@code {"error":"query_too_long","message":"query must be at most 32000 characters, but had
 * 40000","field":"query","status":400}}. {@code field} is always present, {@code null} when the
 * fault is not in one field. A stack trace or an exception class name never appears.
 *
 * <p>{@link #toJson} writes it by hand: it is four fields, and the error path must not depend on
 * object-mapper configuration that might itself be what failed. Every string goes through
 * {@link Json#quote}, so a message that echoes client input cannot break out of its string.
 *
 * <p>On OpenAI's endpoints the same four members travel in OpenAI's shape instead
 * ({@link OpenAiErrors}), on Ollama's in Ollama's ({@link OllamaErrors}): {@link #toJson(String)}
 * picks the shape by the request's path, and every side that answers an error writes it so.
 *
 * @param error   machine-readable code, one of {@link ErrorCodes}
 * @param message what was wrong, for a human
 * @param field   the request field or header at fault, or {@code null}
 * @param status  the HTTP status of the answer, 400 to 599
 */
public record ErrorBody(String error, String message, @Nullable String field, int status) {

    /**
     * The document as text.
     *
     * @return {@code {"error":…,"message":…,"field":…|null,"status":…}}
     */
    public String toJson() {
        StringBuilder out = new StringBuilder(64 + error.length() + message.length());
        out.append("{\"error\":");
        Json.quote(out, error);
        out.append(",\"message\":");
        Json.quote(out, message);
        out.append(",\"field\":");
        if (field == null) {
            out.append("null");
        } else {
            Json.quote(out, field);
        }
        return out.append(",\"status\":").append(status).append('}').toString();
    }

    /**
     * The document as the request at {@code path} answers it: in OpenAI's shape on OpenAI's
     * endpoints ({@link OpenAiErrors#isOpenAiPath}), in Ollama's on Ollama's
     * ({@link OllamaErrors#isOllamaPath}), else Meridian's.
     *
     * @param path the request's path, canonical or as the client wrote it
     * @return {@link OpenAiErrors#toJson}, {@link OllamaErrors#toJson} or {@link #toJson()}
     */
    public String toJson(String path) {
        if (OpenAiErrors.isOpenAiPath(path)) {
            return OpenAiErrors.toJson(this);
        }
        return OllamaErrors.isOllamaPath(path) ? OllamaErrors.toJson(this) : toJson();
    }

    /**
     * Reads an error document, as a gateway or client receives it; members other than the four are
     * skipped.
     *
     * @param json the body
     * @return the error, or empty when {@code json} is not an error document
     */
    public static Optional<ErrorBody> parse(String json) {
        return Json.readFlatObject(json).flatMap(ErrorBody::of);
    }

    private static Optional<ErrorBody> of(Map<String, Optional<Object>> members) {
        Optional<Object> error = members.getOrDefault("error", Optional.empty());
        Optional<Object> message = members.getOrDefault("message", Optional.empty());
        Optional<Object> field = members.getOrDefault("field", Optional.empty());
        Optional<Object> status = members.getOrDefault("status", Optional.empty());
        if (!(error.orElse(null) instanceof String code) || !(message.orElse(null) instanceof String text)
                || field.isPresent() && !(field.get() instanceof String)
                || !(status.orElse(null) instanceof Long number) || number < 100 || number > 599) {
            return Optional.empty();
        }
        return Optional.of(new ErrorBody(code, text, (String) field.orElse(null), number.intValue()));
    }
}
