package io.meridian.gateway.forwarding;

import java.time.Duration;

/**
 * The deadlines of one attempt, as the {@link RegionClient} keeps them.
 *
 * @param kind   the kind of call they were worked out for
 * @param take   how long the region may take to take the request: a pooled or new connection
 *               (connect, TLS) on which the request starts going out, counted from the start of
 *               the attempt
 * @param answer how long the answer's status and headers may take once the request has been sent;
 *               for a streamed answer this is its time to first byte, the same as {@code take}
 * @param idle   once the answer has started, the longest gap between two reads of its body
 */
public record Deadline(CallKind kind, Duration take, Duration answer, Duration idle) {
}
