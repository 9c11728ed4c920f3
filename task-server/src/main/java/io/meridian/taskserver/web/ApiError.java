package io.meridian.taskserver.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.meridian.protocol.ErrorBody;
import io.meridian.protocol.ErrorCodes;
import org.jspecify.annotations.Nullable;

/**
 * The body of every error answer, whatever failed and on whichever path:
 * {@code {"error":"query_too_long","message":"query must be at most 32000 characters, but had
 * 40000","field":"query","status":400}}. A stack trace or an exception class name never appears.
 *
 * <p>The task server's name for the protocol's {@link ErrorBody}; the codes below are those of
 * {@link ErrorCodes}, repeated here so that the task server's code reads them where it answers.
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
    public static final String MALFORMED_JSON = ErrorCodes.MALFORMED_JSON;

    /** 400: the body is JSON but a field is missing, blank or of the wrong type. */
    public static final String INVALID_REQUEST = ErrorCodes.INVALID_REQUEST;

    /** 400: the query is longer than {@code meridian.server.max-query-length}. */
    public static final String QUERY_TOO_LONG = ErrorCodes.QUERY_TOO_LONG;

    /**
     * 400: the request path has no one meaning (a {@code ;}, an encoded {@code /}, a {@code \\},
     * a control character, a {@code ..} above the root, malformed percent-encoding); {@code field}
     * is {@code path}.
     */
    public static final String INVALID_PATH = ErrorCodes.INVALID_PATH;

    /** 400: a header has a value of the wrong form; {@code field} names the header. */
    public static final String INVALID_HEADER = ErrorCodes.INVALID_HEADER;

    /** 400: the gateway speaks another major version of the gateway-to-region API. */
    public static final String INCOMPATIBLE_PROTOCOL = ErrorCodes.INCOMPATIBLE_PROTOCOL;

    /** 401: the admin token is missing or wrong; {@code field} is {@code Authorization}. */
    public static final String UNAUTHORIZED = ErrorCodes.UNAUTHORIZED;

    /** 403: the request's API key may not use the model the task would run. */
    public static final String MODEL_NOT_ALLOWED = ErrorCodes.MODEL_NOT_ALLOWED;

    /** 404: the request names a model the region does not serve; {@code field} is {@code model}. */
    public static final String MODEL_NOT_FOUND = ErrorCodes.MODEL_NOT_FOUND;

    /** 400: the body nests deeper than {@code meridian.server.max-json-depth}. */
    public static final String JSON_TOO_DEEP = ErrorCodes.JSON_TOO_DEEP;

    /** 400: more messages than {@code meridian.server.max-messages}. */
    public static final String TOO_MANY_MESSAGES = ErrorCodes.TOO_MANY_MESSAGES;

    /** 400: {@code max_tokens} above {@code meridian.server.max-tokens}. */
    public static final String MAX_TOKENS_TOO_LARGE = ErrorCodes.MAX_TOKENS_TOO_LARGE;

    /** 404: no endpoint at this path. */
    public static final String NOT_FOUND = ErrorCodes.NOT_FOUND;

    /** 404: no task with this id in this region (never created, expired, or held by another region). */
    public static final String TASK_NOT_FOUND = ErrorCodes.TASK_NOT_FOUND;

    /** 410: the task was held by an earlier epoch of the region's task store, which lost it. */
    public static final String TASK_LOST = ErrorCodes.TASK_LOST;

    /** 409: the task is already finished, so it cannot be cancelled or waited for. */
    public static final String TASK_FINISHED = ErrorCodes.TASK_FINISHED;

    /** 429: the task's queue holds its maximum of waiting tasks; {@code Retry-After} says when to retry. */
    public static final String QUEUE_FULL = ErrorCodes.QUEUE_FULL;

    /** 405: the endpoint exists but not for this method; the {@code Allow} header lists those it takes. */
    public static final String METHOD_NOT_ALLOWED = ErrorCodes.METHOD_NOT_ALLOWED;

    /** 406: the endpoint cannot answer in a media type the {@code Accept} header allows. */
    public static final String NOT_ACCEPTABLE = ErrorCodes.NOT_ACCEPTABLE;

    /** 413: the body is larger than {@code meridian.server.max-request-size}. */
    public static final String PAYLOAD_TOO_LARGE = ErrorCodes.PAYLOAD_TOO_LARGE;

    /** 415: the body is not {@code application/json}. */
    public static final String UNSUPPORTED_MEDIA_TYPE = ErrorCodes.UNSUPPORTED_MEDIA_TYPE;

    /** 500: a defect; details are in the server log, never in the answer. */
    public static final String INTERNAL_ERROR = ErrorCodes.INTERNAL_ERROR;

    /** 502: the model server failed or answered something that is not a completion. */
    public static final String MODEL_ERROR = ErrorCodes.MODEL_ERROR;

    /** 503: the server is at capacity and did not accept the request; {@code Retry-After} says when to retry. */
    public static final String OVERLOADED = ErrorCodes.OVERLOADED;

    /**
     * 503: the queue store (Redis) could not be reached; a submit may or may not have been
     * accepted, so the client retries with the same {@code Idempotency-Key}.
     */
    public static final String QUEUE_UNAVAILABLE = ErrorCodes.QUEUE_UNAVAILABLE;

    /** 504: the model did not answer within {@code meridian.model.timeout}. */
    public static final String MODEL_TIMEOUT = ErrorCodes.MODEL_TIMEOUT;

    /**
     * The protocol's error body, as written on the wire.
     *
     * @return the same four members
     */
    public ErrorBody body() {
        return new ErrorBody(error, message, field, status);
    }
}
