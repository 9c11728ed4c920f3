package io.meridian.taskserver.web;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A failure that carries its own {@link ApiError} answer: code, status, field and, for load
 * shedding, how long the client should wait before retrying ({@code Retry-After}). Features throw
 * subclasses of it, so that the error handler need not know each of them.
 */
public class ApiException extends RuntimeException {

    private final String code;

    private final int status;

    private final @Nullable String field;

    private final @Nullable Duration retryAfter;

    /**
     * Creates the exception.
     *
     * @param code       the {@link ApiError#error()} code
     * @param status     the HTTP status, 400 to 599
     * @param message    what was wrong, fit to show to a client
     * @param field      the request field or header at fault, or {@code null}
     * @param retryAfter when to retry, sent as {@code Retry-After} in whole seconds (at least 1), or
     *                   {@code null} for no such header
     */
    public ApiException(String code, int status, String message, @Nullable String field,
            @Nullable Duration retryAfter) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
        this.field = field;
        this.retryAfter = retryAfter;
    }

    /**
     * The machine-readable code.
     *
     * @return the {@link ApiError#error()} to answer with
     */
    public String code() {
        return code;
    }

    /**
     * The HTTP status.
     *
     * @return the status to answer with
     */
    public int status() {
        return status;
    }

    /**
     * The request field or header at fault.
     *
     * @return its name, or {@code null}
     */
    public @Nullable String field() {
        return field;
    }

    /**
     * How long the client should wait.
     *
     * @return the {@code Retry-After} delay, or {@code null}
     */
    public @Nullable Duration retryAfter() {
        return retryAfter;
    }
}
