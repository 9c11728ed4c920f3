package io.meridian.protocol;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A failure that carries its own error answer: the HTTP status, the {@link ErrorCodes} code, a
 * message fit to show to a client, the field at fault and, where the client should come back later,
 * how long it should wait ({@code Retry-After}). Features on either side throw subclasses of it, so
 * that the error handlers map one type and need not know each feature's exceptions.
 *
 * <p>It is the thrown form of an {@link ErrorBody} and needs nothing but plain Java, so it lives
 * with the wire contract. It records no stack trace: it is an answer, not a defect.
 */
public class MeridianException extends RuntimeException {

    private final int status;

    private final String code;

    private final @Nullable String field;

    private final @Nullable Duration retryAfter;

    /**
     * Creates the exception.
     *
     * @param status     the HTTP status, 400 to 599
     * @param code       the {@link ErrorBody#error()} code, one of {@link ErrorCodes}
     * @param message    what was wrong, fit to show to a client
     * @param field      the request field or header at fault, or {@code null}
     * @param retryAfter when to retry, sent as {@code Retry-After} in whole seconds (at least 1), or
     *                   {@code null} for no such header
     */
    public MeridianException(int status, String code, String message, @Nullable String field,
            @Nullable Duration retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
        this.retryAfter = retryAfter;
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
     * The machine-readable code.
     *
     * @return the {@link ErrorBody#error()} to answer with
     */
    public String code() {
        return code;
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

    /**
     * The {@code Retry-After} header value.
     *
     * @return whole seconds, at least 1, or {@code null} when the answer has no such header
     */
    public @Nullable String retryAfterHeader() {
        return retryAfter == null ? null : Long.toString(Math.max(1, retryAfter.toSeconds()));
    }

    /**
     * The error document this failure answers with.
     *
     * @return status, code, message and field as an {@link ErrorBody}
     */
    public ErrorBody body() {
        String message = getMessage();
        return new ErrorBody(code, message != null ? message : code, field, status);
    }
}
