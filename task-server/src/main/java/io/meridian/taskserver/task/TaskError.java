package io.meridian.taskserver.task;

/**
 * Why an attempt failed, as clients see it: {@code {"error": "model_timeout", "message": "..."}}.
 * The codes are the error codes of the HTTP API: {@value #MODEL_ERROR}, {@value #MODEL_TIMEOUT},
 * {@value #INTERNAL_ERROR}.
 *
 * @param error   machine-readable code
 * @param message what went wrong, fit to show to a client (no upstream internals)
 */
public record TaskError(String error, String message) {

    /** The model server failed or answered something that is not a completion; worth retrying. */
    public static final String MODEL_ERROR = "model_error";

    /** The attempt ran past the queue's task timeout; worth retrying. */
    public static final String MODEL_TIMEOUT = "model_timeout";

    /** A defect in this server; retrying would fail the same way. Details are in the log. */
    public static final String INTERNAL_ERROR = "internal_error";
}
