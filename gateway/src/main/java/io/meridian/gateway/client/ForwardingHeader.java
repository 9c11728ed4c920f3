package io.meridian.gateway.client;

/** Which header a trusted proxy in front of the gateway writes the client chain into. */
public enum ForwardingHeader {
    /** {@code X-Forwarded-For: client, proxy1, proxy2} (the de-facto standard; nginx, AWS ALB, most CDNs). */
    X_FORWARDED_FOR("X-Forwarded-For"),
    /** {@code Forwarded: for=client, for=proxy1} (RFC 7239). */
    FORWARDED("Forwarded");

    private final String headerName;

    ForwardingHeader(String headerName) {
        this.headerName = headerName;
    }

    public String headerName() {
        return headerName;
    }
}
