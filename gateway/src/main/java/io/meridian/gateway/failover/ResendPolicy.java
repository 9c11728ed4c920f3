package io.meridian.gateway.failover;

/**
 * Whether a request whose attempt failed may be sent to the next region.
 *
 * <p>Design note. Failing over means sending the request again, and a region that failed after the
 * request reached it may already have acted on it (queued an LLM task, charged a budget). So a
 * request is re-sent only when that is safe:
 * <ul>
 *   <li>after a connect failure while its body is still unread (the region never saw the request):
 *       always;</li>
 *   <li>after a reset, a timeout or a 502/503/504: only when it is idempotent (GET or HEAD, or it
 *       carries an {@code Idempotency-Key} header, by which the region de-duplicates it), and only
 *       if its body was kept: a streamed body cannot be sent twice.</li>
 * </ul>
 * A region that refused the attempt before it started (open circuit, full bulkhead) never saw the
 * request either; the attempt runner moves past it without asking. The policy is a pure function of
 * the failure and the request's traits, so that its input space can be checked exhaustively.
 */
final class ResendPolicy {

    /** The policy's verdict. */
    enum Verdict {
        /** Send the request to the next region. */
        RESEND,
        /** Do not: the body was streamed rather than kept. */
        BODY_STREAMED,
        /** Do not: the request is not idempotent and the region may have acted on it. */
        NOT_IDEMPOTENT
    }

    /**
     * What the policy needs to know about a request when its attempt failed.
     *
     * @param idempotent whether repeating the request is safe ({@link #idempotent(String, boolean)})
     * @param bodyKept   whether its body was kept, so it can be sent again
     * @param bodyUnread whether its body is still unread (always, for a kept body)
     */
    record Request(boolean idempotent, boolean bodyKept, boolean bodyUnread) {
    }

    private ResendPolicy() {
    }

    /** Whether a request may be repeated: GET and HEAD always, any other method with an idempotency key. */
    static boolean idempotent(String method, boolean hasIdempotencyKey) {
        return method.equals("GET") || method.equals("HEAD") || hasIdempotencyKey;
    }

    /** The verdict on re-sending {@code request} after its attempt failed with {@code failure}. */
    static Verdict after(AttemptFailure failure, Request request) {
        if (!failure.mayHaveReachedRegion() && request.bodyUnread()) {
            return Verdict.RESEND;
        }
        if (request.idempotent() && request.bodyKept()) {
            return Verdict.RESEND;
        }
        return request.bodyKept() ? Verdict.NOT_IDEMPOTENT : Verdict.BODY_STREAMED;
    }
}
