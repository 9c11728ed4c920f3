package io.meridian.taskserver.web;

import org.jspecify.annotations.Nullable;

/**
 * A client sent a request that cannot be served as it is; answered with 400 and an {@link ApiError}
 * carrying this exception's code, message and field.
 */
public class InvalidRequestException extends ApiException {

    /**
     * Creates the exception.
     *
     * @param code    one of the {@link ApiError} codes, e.g. {@link ApiError#INVALID_REQUEST}
     * @param message what was wrong, naming the field and the rule, fit to show to a client
     * @param field   the request field at fault, or {@code null}
     */
    public InvalidRequestException(String code, String message, @Nullable String field) {
        super(code, 400, message, field, null);
    }
}
