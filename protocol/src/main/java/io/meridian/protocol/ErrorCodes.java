package io.meridian.protocol;

/**
 * The {@code error} codes of an {@link ErrorBody}, stable across releases: a client and the gateway
 * may branch on them. Codes a task server answers reach a client unchanged through the gateway,
 * which adds its own (the {@code region_*}, {@code *_api_key}, rate and residency codes). A status
 * without a code of its own answers its HTTP reason phrase, lowercase and underscore-separated
 * ({@link #fromReasonPhrase}).
 */
public final class ErrorCodes {

    // Either side.

    /** 400: the body is JSON but a field is missing, blank or of the wrong type; or the request line or Host is unusable. */
    public static final String INVALID_REQUEST = "invalid_request";

    /** 400: a header has a value of the wrong form; {@code field} names the header. */
    public static final String INVALID_HEADER = "invalid_header";

    /**
     * 400: the request path has no one meaning (a {@code ;}, an encoded {@code /}, a {@code \\},
     * a control character, a {@code ..} above the root, malformed percent-encoding); {@code field}
     * is {@code path}.
     */
    public static final String INVALID_PATH = "invalid_path";

    /** 401: the admin token is missing or wrong; {@code field} is {@code Authorization}. */
    public static final String UNAUTHORIZED = "unauthorized";

    /** 404: no endpoint at this path. */
    public static final String NOT_FOUND = "not_found";

    /** 405: the endpoint exists but not for this method; the {@code Allow} header lists those it takes. */
    public static final String METHOD_NOT_ALLOWED = "method_not_allowed";

    /** 413: the body is larger than the side's request size limit. */
    public static final String PAYLOAD_TOO_LARGE = "payload_too_large";

    /** 500: a defect; details are in the server log, never in the answer. */
    public static final String INTERNAL_ERROR = "internal_error";

    // Task server.

    /** 400: the body is not JSON at all, or is empty. */
    public static final String MALFORMED_JSON = "malformed_json";

    /** 400: the query is longer than {@code meridian.server.max-query-length}. */
    public static final String QUERY_TOO_LONG = "query_too_long";

    /** 400: the gateway speaks another major {@link ProtocolVersion}; {@code field} names the header. */
    public static final String INCOMPATIBLE_PROTOCOL = "incompatible_protocol";

    /** 403: the request's API key may not use the model the task would run. */
    public static final String MODEL_NOT_ALLOWED = "model_not_allowed";

    /**
     * 404: the request names a model the region does not serve (not a queue's model, a queue's
     * name nor an alias); {@code field} is {@code model}. The gateway answers it too, for
     * {@code GET /v1/models/<id>} when no region serves the model.
     */
    public static final String MODEL_NOT_FOUND = "model_not_found";

    /** 400: the body nests deeper than {@code meridian.server.max-json-depth}. */
    public static final String JSON_TOO_DEEP = "json_too_deep";

    /** 400: more messages than {@code meridian.server.max-messages}. */
    public static final String TOO_MANY_MESSAGES = "too_many_messages";

    /** 400: {@code max_tokens} above {@code meridian.server.max-tokens}. */
    public static final String MAX_TOKENS_TOO_LARGE = "max_tokens_too_large";

    /** 404: no task with this id in this region (never created, expired, or held by another region). */
    public static final String TASK_NOT_FOUND = "task_not_found";

    /**
     * 410: the task id names an earlier epoch of the region's task store (see {@link TaskId#epoch()}):
     * the store started anew (an in-memory store's task server restarted, or its Redis lost its
     * data), so the task and its answer were lost; submitting it again runs it again. The gateway
     * answers it too, for an {@code Idempotency-Key} whose task was lost that way.
     */
    public static final String TASK_LOST = "task_lost";

    /** 409: the task is already finished, so it cannot be cancelled or waited for. */
    public static final String TASK_FINISHED = "task_finished";

    /** 429: the task's queue holds its maximum of waiting tasks; {@code Retry-After} says when to retry. */
    public static final String QUEUE_FULL = "queue_full";

    /** 406: the endpoint cannot answer in a media type the {@code Accept} header allows. */
    public static final String NOT_ACCEPTABLE = "not_acceptable";

    /** 415: the body is not {@code application/json}. */
    public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";

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

    // Gateway.

    /** 400: a task id in the path is not a {@link TaskId}. */
    public static final String INVALID_TASK_ID = "invalid_task_id";

    /** 404: a task id names a region this gateway does not know. */
    public static final String UNKNOWN_REGION = "unknown_region";

    /** 400: a residency zone the gateway does not know was asked for. */
    public static final String INVALID_RESIDENCY = "invalid_residency";

    /** 401: the request carries no API key and the gateway requires one. */
    public static final String MISSING_API_KEY = "missing_api_key";

    /** 401: the API key is not one any tenant holds. */
    public static final String INVALID_API_KEY = "invalid_api_key";

    /** 401: the API key was revoked. */
    public static final String REVOKED_API_KEY = "revoked_api_key";

    /** 408: the client did not send its request in time. */
    public static final String REQUEST_TIMEOUT = "request_timeout";

    /** 429: the client's request rate is over its limit; {@code Retry-After} says when to retry. */
    public static final String RATE_LIMITED = "rate_limited";

    /** 429: the tenant's token budget is spent (or, in a stream, would be); {@code field} names the limit. */
    public static final String LIMIT_EXCEEDED = "limit_exceeded";

    /** 502: every region that was tried failed. */
    public static final String REGION_FAILED = "region_failed";

    /** 502: the region could not be reached. */
    public static final String REGION_UNAVAILABLE = "region_unavailable";

    /** 504: the region did not answer in time. */
    public static final String REGION_TIMEOUT = "region_timeout";

    /** 503: no healthy region can serve the request. */
    public static final String NO_REGION_AVAILABLE = "no_region_available";

    /** 503: no healthy region in the residency zone the request is confined to. */
    public static final String NO_REGION_IN_ZONE = "no_region_in_zone";

    /** 400: the gateway's answer to a 400 with no code of its own. */
    public static final String BAD_REQUEST = "bad_request";

    /** 429: the gateway's answer to a 429 with no code of its own. */
    public static final String TOO_MANY_REQUESTS = "too_many_requests";

    /** 502: the gateway's answer to a 502 with no code of its own. */
    public static final String BAD_GATEWAY = "bad_gateway";

    /** 503: the gateway's answer to a 503 with no code of its own. */
    public static final String UNAVAILABLE = "unavailable";

    /** 4xx: the gateway's answer to any other client error. */
    public static final String CLIENT_ERROR = "client_error";

    /** 5xx: the gateway's answer to any other server error. */
    public static final String SERVER_ERROR = "server_error";

    /** 431: the request's header section is larger than the gateway's listener allows. */
    public static final String HEADERS_TOO_LARGE = "headers_too_large";

    /** 414: the request line is longer than the gateway's listener allows. */
    public static final String REQUEST_LINE_TOO_LONG = "request_line_too_long";

    /** 400: the request could not be decoded as HTTP. */
    public static final String MALFORMED_REQUEST = "malformed_request";

    private ErrorCodes() {
    }

    /**
     * The code of a status without a code of its own.
     *
     * @param reasonPhrase the status's HTTP reason phrase, e.g. {@code I'm a teapot}
     * @return lowercase letters and digits, runs of anything else as one {@code _}, e.g. {@code i_m_a_teapot}
     */
    public static String fromReasonPhrase(String reasonPhrase) {
        return reasonPhrase.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    }
}
