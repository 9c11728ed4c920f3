package io.meridian.gateway.client;

import io.meridian.protocol.ErrorCodes;
import io.meridian.protocol.MeridianException;

/**
 * A trusted proxy handed over a forwarding header that cannot be read; answered 400
 * {@code invalid_header} on that header. The message says which header and what is wrong with it,
 * without echoing more than a short, sanitised excerpt.
 */
public class InvalidClientAddressException extends MeridianException {

    private final String header;

    public InvalidClientAddressException(String header, String message) {
        super(400, ErrorCodes.INVALID_HEADER, message, header, null);
        this.header = header;
    }

    /** The header that was wrong, e.g. {@code X-Forwarded-For}. */
    public String header() {
        return header;
    }
}
