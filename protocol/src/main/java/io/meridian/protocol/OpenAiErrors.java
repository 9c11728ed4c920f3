package io.meridian.protocol;

import org.jspecify.annotations.Nullable;

/**
 * Which paths speak OpenAI's API, and the error document they answer with, for the gateway and
 * the task servers alike: on {@code /v1/chat/completions}, {@code /v1/embeddings}, {@code /v1/models}
 * and {@code /v1/models/<id>} an error is
 * {@code {"error":{"message":"…","type":"invalid_request_error","param":"messages[1].role","code":"invalid_request"}}},
 * the shape OpenAI's clients read (the Python SDK's {@code e.code}, {@code e.param} and {@code e.body},
 * the Node SDK's message); everywhere else it is Meridian's flat {@link ErrorBody}. {@code code} is
 * the {@link ErrorCodes} code and {@code param} the {@link ErrorBody#field()}, so a client branches on
 * the same codes whichever shape it reads.
 *
 * <p>Design note: {@code type} follows what OpenAI's API itself sends, not the SDKs' class names
 * (the SDKs pick their exception class from the HTTP status). OpenAI answers a bad API key
 * ({@code 401 invalid_api_key}), an unknown model ({@code 404 model_not_found}) and a malformed
 * request alike with {@code invalid_request_error}, so every 4xx but 429 does here; a 429 is
 * {@code insufficient_quota} when a budget that lasts a day or longer is spent (Meridian's
 * {@code limit_exceeded} on {@code tokens_per_day}, {@code tokens_per_month} and the deployment's
 * caps: retrying soon does not help) and {@code rate_limit_exceeded} otherwise (a rate or a
 * per-minute limit, a full queue); every 5xx is {@code server_error}.
 *
 * <p>The route rule reads a path by its segments, ignoring empty ones and anything from a
 * {@code ;} in each, so that it gives the same verdict for the canonical path (which has neither)
 * and for a path that was refused before it could be made canonical ({@code 400 invalid_path}):
 * a client of OpenAI's API gets OpenAI's shape for that refusal too. It decides only the shape of
 * an error, never what a request may do.
 */
public final class OpenAiErrors {

    /** {@code type} of a client error. */
    public static final String INVALID_REQUEST_ERROR = "invalid_request_error";

    /** {@code type} of a 429 that a later retry may pass. */
    public static final String RATE_LIMIT_EXCEEDED = "rate_limit_exceeded";

    /** {@code type} of a 429 whose budget stays spent until a day or a month ends. */
    public static final String INSUFFICIENT_QUOTA = "insufficient_quota";

    /** {@code type} of a server error. */
    public static final String SERVER_ERROR = "server_error";

    private OpenAiErrors() {
    }

    /**
     * Whether a path is one of OpenAI's endpoints, whose errors take OpenAI's shape.
     *
     * @param path a request path without its query, canonical or as the client wrote it
     * @return {@code true} for {@code /v1/chat/completions}, {@code /v1/embeddings}, {@code /v1/models}
     *         and anything under {@code /v1/models/}
     */
    public static boolean isOpenAiPath(String path) {
        String[] segments = segments(path, 4);
        if (segments.length < 2 || !segments[0].equals("v1")) {
            return false;
        }
        return switch (segments[1]) {
            case "chat" -> segments.length == 3 && segments[2].equals("completions");
            case "embeddings" -> segments.length == 2;
            case "models" -> true;
            default -> false;
        };
    }

    /**
     * OpenAI's {@code type} for an error.
     *
     * @param status the HTTP status, 400 to 599
     * @param code   the {@link ErrorCodes} code
     * @param field  the field at fault, or {@code null}
     * @return one of the {@code type} constants of this class
     */
    public static String type(int status, String code, @Nullable String field) {
        if (status >= 500) {
            return SERVER_ERROR;
        }
        if (status == 429) {
            boolean budget = ErrorCodes.LIMIT_EXCEEDED.equals(code) && field != null && !field.endsWith("_per_minute");
            return budget ? INSUFFICIENT_QUOTA : RATE_LIMIT_EXCEEDED;
        }
        return INVALID_REQUEST_ERROR;
    }

    /**
     * An error in OpenAI's shape.
     *
     * @param error the error
     * @return {@code {"error":{"message":…,"type":…,"param":…|null,"code":…}}}
     */
    public static String toJson(ErrorBody error) {
        StringBuilder out = new StringBuilder(96 + error.error().length() + error.message().length());
        out.append("{\"error\":{\"message\":");
        Json.quote(out, error.message());
        out.append(",\"type\":");
        Json.quote(out, type(error.status(), error.error(), error.field()));
        out.append(",\"param\":");
        if (error.field() == null) {
            out.append("null");
        } else {
            Json.quote(out, error.field());
        }
        out.append(",\"code\":");
        Json.quote(out, error.error());
        return out.append("}}").toString();
    }

    /** Up to {@code limit} non-empty segments of {@code path}, each cut at its first {@code ;}. */
    static String[] segments(String path, int limit) {
        String[] found = new String[limit];
        int count = 0;
        int at = 0;
        int length = path.length();
        while (at < length && count < limit) {
            int end = path.indexOf('/', at);
            if (end < 0) {
                end = length;
            }
            int parameters = path.indexOf(';', at);
            int cut = parameters >= 0 && parameters < end ? parameters : end;
            if (cut > at) {
                found[count++] = path.substring(at, cut);
            }
            at = end + 1;
        }
        String[] segments = new String[count];
        System.arraycopy(found, 0, segments, 0, count);
        return segments;
    }
}
