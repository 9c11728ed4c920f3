package io.meridian.taskserver.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * The body of every error answer, whatever failed and on whichever path:
 * {@code {"error":"query_too_long","message":"query must be at most 32000 characters, but had
 * 40000","field":"query","status":400}}. A stack trace or an exception class name never appears.
 *
 * @param error   machine-readable code, stable across releases: one of the constants of this type,
 *                or a lowercase, underscore-separated HTTP reason phrase for other statuses
 * @param message what was wrong, for a human
 * @param field   the request field at fault, or {@code null} when the fault is not in one field
 *                (always present in the JSON)
 * @param status  the HTTP status of the answer
 */
public record ApiError(
        String error,
        String message,
        @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable String field,
        int status) {

    /** 400: the body is not JSON at all, or is empty. */
    public static final String MALFORMED_JSON = "malformed_json";

    /** 400: the body is JSON but a field is missing, blank or of the wrong type. */
    public static final String INVALID_REQUEST = "invalid_request";

    /** 400: the query is longer than {@code meridian.server.max-query-length}. */
    public static final String QUERY_TOO_LONG = "query_too_long";

    /**
     * 400: the request path has no one meaning (a {@code ;}, an encoded {@code /}, a {@code \\},
     * a control character, a {@code ..} above the root, malformed percent-encoding); {@code field}
     * is {@code path}.
     */
    public static final String INVALID_PATH = "invalid_path";

    /** 400: a header has a value of the wrong form; {@code field} names the header. */
    public static final String INVALID_HEADER = "invalid_header";

    /** 400: the gateway speaks another major version of the gateway-to-region API. */
    public static final String INCOMPATIBLE_PROTOCOL = "incompatible_protocol";

    /** 403: the request's API key may not use the model the task would run. */
    public static final String MODEL_NOT_ALLOWED = "model_not_allowed";

    /** 400: the body nests deeper than {@code meridian.server.max-json-depth}. */
    public static final String JSON_TOO_DEEP = "json_too_deep";

    /** 400: more messages than {@code meridian.server.max-messages}. */
    public static final String TOO_MANY_MESSAGES = "too_many_messages";

    /** 400: {@code max_tokens} above {@code meridian.server.max-tokens}. */
    public static final String MAX_TOKENS_TOO_LARGE = "max_tokens_too_large";

    /** 404: no endpoint at this path. */
    public static final String NOT_FOUND = "not_found";

    /** 404: no task with this id in this region (never created, expired, or held by another region). */
    public static final String TASK_NOT_FOUND = "task_not_found";

    /** 409: the task is already finished, so it cannot be cancelled or waited for. */
    public static final String TASK_FINISHED = "task_finished";

    /** 429: the task's queue holds its maximum of waiting tasks; {@code Retry-After} says when to retry. */
    public static final String QUEUE_FULL = "queue_full";

    /** 405: the endpoint exists but not for this method; the {@code Allow} header lists those it takes. */
    public static final String METHOD_NOT_ALLOWED = "method_not_allowed";

    /** 406: the endpoint cannot answer in a media type the {@code Accept} header allows. */
    public static final String NOT_ACCEPTABLE = "not_acceptable";

    /** 413: the body is larger than {@code meridian.server.max-request-size}. */
    public static final String PAYLOAD_TOO_LARGE = "payload_too_large";

    /** 415: the body is not {@code application/json}. */
    public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";

    /** 500: a defect; details are in the server log, never in the answer. */
    public static final String INTERNAL_ERROR = "internal_error";

    /** 502: the model server failed or answered something that is not a completion. */
    public static final String MODEL_ERROR = "model_error";

    /** 503: the server is at capacity and did not accept the request; {@code Retry-After} says when to retry. */
    public static final String OVERLOADED = "overloaded";

    /**
     * 503: the queue store (Redis) could not be reached; a submit may or may not have been
     * accepted, so the client retries with the same {@code Idempotency-Key}.
     */
    public static final String QUEUE_UNAVAILABLE = "queue_unavailable";

    /** 504: the model did not answer within {@code meridian.model.timeout}. */
    public static final String MODEL_TIMEOUT = "model_timeout";
}
