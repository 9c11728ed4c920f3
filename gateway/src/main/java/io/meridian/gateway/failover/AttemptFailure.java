package io.meridian.gateway.failover;

import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * Why an attempt at a region failed; the tag is a metric tag value and the description appears in
 * messages.
 *
 * <p>Only a connect failure proves the region never saw the request: after a reset, a timeout or a
 * 502/503/504 answer the region may already have acted on it, which is what {@link ResendPolicy}
 * weighs.
 */
enum AttemptFailure {

    /** The endpoint could not be reached: no connection, so the region never saw the request. */
    CONNECT("connect_failure", "could not be reached", false),

    /** The connection closed or reset before any answer. */
    RESET("connection_reset", "closed the connection before answering", true),

    /** No answer status and headers within the attempt timeout. */
    TIMEOUT("timeout", "did not start answering in time", true),

    /** The region answered 502, 503 or 504. */
    STATUS("bad_status", "answered that it could not serve", true);

    final String tag;
    final String description;
    private final boolean mayHaveReachedRegion;

    AttemptFailure(String tag, String description, boolean mayHaveReachedRegion) {
        this.tag = tag;
        this.description = description;
        this.mayHaveReachedRegion = mayHaveReachedRegion;
    }

    /** Whether the region may have received (and acted on) the request before the attempt failed. */
    boolean mayHaveReachedRegion() {
        return mayHaveReachedRegion;
    }

    /**
     * The failure an attempt's error stands for: the first cause, from the outside in, that is a
     * connect failure, a timeout or an I/O error; anything else counts as a reset, since the
     * request may have been sent.
     */
    static AttemptFailure of(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            // Netty's ConnectTimeoutException is a ConnectException, Reactor Netty's
            // PrematureCloseException an IOException.
            if (t instanceof ConnectException) {
                return CONNECT;
            }
            if (t instanceof TimeoutException || t instanceof ReadTimeoutException) {
                return TIMEOUT;
            }
            if (t instanceof IOException) {
                return RESET;
            }
        }
        return RESET;
    }
}
