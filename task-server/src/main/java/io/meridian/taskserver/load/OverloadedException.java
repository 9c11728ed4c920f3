package io.meridian.taskserver.load;

import io.meridian.protocol.ErrorCodes;
import io.meridian.protocol.MeridianException;
import java.time.Duration;

/**
 * The server is at capacity; the request was not accepted and may be sent elsewhere: 503
 * {@code overloaded} with {@code Retry-After: 1}.
 */
public class OverloadedException extends MeridianException {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    public OverloadedException(int capacity) {
        super(503, ErrorCodes.OVERLOADED,
                "this region is at its capacity of " + capacity + " unfinished tasks; retry shortly or elsewhere",
                null, RETRY_AFTER);
    }
}
