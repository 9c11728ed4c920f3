package io.meridian.gateway.routing;

import io.meridian.protocol.ErrorCodes;
import io.meridian.protocol.MeridianException;

/**
 * A request body without a declared length grew past the limit while it was being forwarded;
 * answered 413 {@code payload_too_large} on field {@code body}.
 */
public class BodyTooLargeException extends MeridianException {

    private final long limit;

    public BodyTooLargeException(long limit) {
        super(413, ErrorCodes.PAYLOAD_TOO_LARGE, "request body exceeds the limit of " + limit + " bytes", "body", null);
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
