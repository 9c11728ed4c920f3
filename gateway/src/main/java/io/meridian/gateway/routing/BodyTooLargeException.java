package io.meridian.gateway.routing;

/** A request body without a declared length grew past the limit while it was being forwarded. */
public class BodyTooLargeException extends RuntimeException {

    private final long limit;

    public BodyTooLargeException(long limit) {
        super("request body exceeds the limit of " + limit + " bytes", null, false, false);
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
