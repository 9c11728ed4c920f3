package io.meridian.taskserver.web;

import io.meridian.protocol.MeridianException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A failure that carries its own {@link ApiError} answer: code, status, field and, for load
 * shedding, how long the client should wait before retrying ({@code Retry-After}). Features throw
 * subclasses of it, so that the error handler need not know each of them. It is the task server's
 * name for the protocol's {@link MeridianException}, with the argument order its callers use.
 */
public class ApiException extends MeridianException {

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
        super(status, code, message, field, retryAfter);
    }
}
