package io.meridian.gateway.client;

/**
 * A trusted proxy handed over a forwarding header that cannot be read. The message says which
 * header and what is wrong with it, without echoing more than a short, sanitised excerpt.
 */
public class InvalidClientAddressException extends RuntimeException {

    private final String header;

    public InvalidClientAddressException(String header, String message) {
        super(message);
        this.header = header;
    }

    /** The header that was wrong, e.g. {@code X-Forwarded-For}. */
    public String header() {
        return header;
    }
}
