package io.meridian.gateway.failover;

import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;

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

    /**
     * The region did not take the request within the take deadline, or its answer (a stream's first
     * byte) did not start within the answer deadline ({@link CallDeadlines}).
     */
    TIMEOUT("timeout", "did not start answering in time", true),

    /** The region answered 502, 503 or 504. */
    STATUS("bad_status", "answered that it could not serve", true),

    /**
     * Health checks (or another request's refused connection) took the endpoint down while the
     * request waited for its answer: the attempt is released at once rather than at its deadline.
     */
    REGION_DOWN("region_down", "was marked down by health checks while the request waited", true);

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
     * region taken down while the attempt waited, a connect failure, a timeout or an I/O error;
     * anything else counts as a reset, since the request may have been sent.
     */
    static AttemptFailure of(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            // Netty's ConnectTimeoutException is a ConnectException, Reactor Netty's
            // PrematureCloseException an IOException.
            if (t instanceof RegionDownException) {
                return REGION_DOWN;
            }
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

    /**
     * What the client is told when its request failed here and was not re-sent: which region, what
     * happened, whether the request may have run there, and why it was not sent elsewhere.
     *
     * @param why why the request was not re-sent, as a clause ("its body was streamed ...")
     */
    String notResent(String region, String why) {
        if (this == REGION_DOWN) {
            return "region '" + region + "' " + description + "; it may have accepted and run the request; it was not "
                    + "re-sent to another region because " + why + "; the gateway cannot tell whether it ran: send such "
                    + "requests with an " + io.meridian.protocol.MeridianHeaders.IDEMPOTENCY_KEY + " header, which "
                    + "makes them safe to re-send and lets a repeat find the task that ran";
        }
        return "region '" + region + "' " + description + " after it may have accepted the request; "
                + "it was not re-sent to another region because " + why;
    }

    /**
     * {@code send}, ended at once with a {@link RegionDownException} when {@code down} completes
     * first (the endpoint was taken down while the attempt waited for its answer); the send is then
     * cancelled, which closes its connection.
     */
    static <T> Mono<T> endedWhenDown(Mono<T> send, Mono<Void> down) {
        return Mono.firstWithSignal(send, down.then(Mono.error(RegionDownException::new)));
    }

    /** The attempt's endpoint was taken down while it waited. */
    static final class RegionDownException extends RuntimeException {

        RegionDownException() {
            super("the region was marked down while the request waited", null, false, false);
        }
    }
}
