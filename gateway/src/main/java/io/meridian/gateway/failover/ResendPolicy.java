package io.meridian.gateway.failover;

/**
 * Whether a request whose attempt failed may be sent to the next region, and whether a keyed
 * request may go to a region it has not reached yet.
 *
 * <p>Design note. Failing over means sending the request again, and a region that failed after the
 * request reached it may already have acted on it (queued an LLM task, charged a budget). So a
 * request is re-sent only when that is safe:
 * <ul>
 *   <li>after a connect failure while its body is still unread (the region never saw the request):
 *       always;</li>
 *   <li>after a reset, a timeout or a 502/503/504: only when it is idempotent (GET or HEAD, or it
 *       carries an {@code Idempotency-Key} header), and only if its body was kept: a streamed body
 *       cannot be sent twice.</li>
 * </ul>
 * {@code POST /v1/embeddings} counts as idempotent without a key: it queues nothing, keeps nothing
 * and gives the same vectors for the same input, so a second region answering it does exactly what
 * the first would have; the only cost is the model's work done twice, and only the answer relayed
 * is charged to the tenant (from its usage header), so a tenant never pays for a failed attempt.
 * A region de-duplicates a key only among its own tasks, so a keyed request (an unsafe method with
 * an {@code Idempotency-Key}) keeps to the region that owns its key
 * ({@link io.meridian.gateway.idempotency.KeyOwnership}): while that owner is alive (healthy, its
 * circuit not open) a failure there is answered to the client, who may repeat the request with the
 * same key, rather than sent to a region that would run it again; once the owner is gone the
 * request may go to one successor, and never to a third region. (The attempt runner repeats a
 * request once at a live owner that dropped its connection: the owner de-duplicates by the key, so
 * the repeat either reaches the key's task or finds the owner refusing connections, and gone.) A slow but healthy region thus
 * runs a keyed request exactly once, a dying one at most twice. A region that refused the attempt
 * before it started (open circuit, full bulkhead) never saw the request either; the attempt runner
 * moves past it without asking. The policy is a pure function of the failure and the request's
 * traits, so that its input space can be checked exhaustively.
 */
final class ResendPolicy {

    /** The policy's verdict. */
    enum Verdict {
        /** Send the request to the next region. */
        RESEND,
        /** Do not: the body was streamed rather than kept. */
        BODY_STREAMED,
        /** Do not: the request is not idempotent and the region may have acted on it. */
        NOT_IDEMPOTENT,
        /** Do not: the key's owner region may hold its task and is alive, so the client repeats it there. */
        OWNER_ALIVE,
        /** Do not: the keyed request may already have run in two regions. */
        TWO_REGIONS
    }

    /** The state of the region that owns a keyed request's key, as far as it may hold the key's task. */
    enum Owner {
        /** No owner that may hold the task: unkeyed, not yet sent anywhere, or ownership is off. */
        NONE,
        /** The owner is healthy and its circuit is not open. */
        ALIVE,
        /** The owner is marked down, its circuit is open, or it refused this request's connection. */
        GONE
    }

    /** The most regions a keyed request may run in: the owner that died, and one successor. */
    static final int MAX_KEYED_REGIONS = 2;

    /**
     * What the policy needs to know about a request when its attempt failed.
     *
     * @param idempotent     whether repeating the request is safe ({@link #idempotent(String, boolean)})
     * @param bodyKept       whether its body was kept, so it can be sent again
     * @param bodyUnread     whether its body is still unread (always, for a kept body)
     * @param keyed          whether it is an unsafe method with an idempotency key ({@link #keyed(String, boolean)})
     * @param owner          the state of the region that owns its key, after the failure
     * @param regionsReached the regions it may have reached so far, the failed one included when it may have
     */
    record Request(boolean idempotent, boolean bodyKept, boolean bodyUnread, boolean keyed, Owner owner,
            int regionsReached) {

        /** An unkeyed request. */
        Request(boolean idempotent, boolean bodyKept, boolean bodyUnread) {
            this(idempotent, bodyKept, bodyUnread, false, Owner.NONE, 0);
        }
    }

    private ResendPolicy() {
    }

    /** The one POST that is idempotent by what it does. */
    static final String EMBEDDINGS_PATH = "/v1/embeddings";

    /** Whether a request may be repeated: GET and HEAD always, any other method with an idempotency key. */
    static boolean idempotent(String method, boolean hasIdempotencyKey) {
        return method.equals("GET") || method.equals("HEAD") || hasIdempotencyKey;
    }

    /**
     * Whether a request may be repeated: as {@link #idempotent(String, boolean)}, and an embeddings
     * call ({@code POST /v1/embeddings}) always.
     *
     * @param method            the request's method
     * @param path              its canonical path
     * @param hasIdempotencyKey whether it carries an {@code Idempotency-Key}
     */
    static boolean idempotent(String method, String path, boolean hasIdempotencyKey) {
        return idempotent(method, hasIdempotencyKey) || method.equals("POST") && path.equals(EMBEDDINGS_PATH);
    }

    /** Whether a request relies on its idempotency key to be repeated: any method but GET and HEAD, with a key. */
    static boolean keyed(String method, boolean hasIdempotencyKey) {
        return hasIdempotencyKey && !method.equals("GET") && !method.equals("HEAD");
    }

    /** The verdict on re-sending {@code request} after its attempt failed with {@code failure}. */
    static Verdict after(AttemptFailure failure, Request request) {
        if (!failure.mayHaveReachedRegion() && request.bodyUnread()) {
            return Verdict.RESEND;
        }
        if (!request.bodyKept()) {
            return Verdict.BODY_STREAMED;
        }
        if (!request.idempotent()) {
            return Verdict.NOT_IDEMPOTENT;
        }
        return request.keyed() ? toNewRegion(request.owner(), request.regionsReached()) : Verdict.RESEND;
    }

    /**
     * The verdict on sending a keyed request to a region it has not reached yet.
     *
     * @param owner          the state of the region that owns its key, {@link Owner#NONE} when that region
     *                       cannot hold its task (the request never reached it)
     * @param regionsReached the regions it may have reached so far
     */
    static Verdict toNewRegion(Owner owner, int regionsReached) {
        if (owner == Owner.ALIVE) {
            return Verdict.OWNER_ALIVE;
        }
        return regionsReached >= MAX_KEYED_REGIONS ? Verdict.TWO_REGIONS : Verdict.RESEND;
    }
}
