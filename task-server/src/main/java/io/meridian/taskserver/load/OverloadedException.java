package io.meridian.taskserver.load;

/** The server is at capacity; the request was not accepted and may be sent elsewhere. */
public class OverloadedException extends RuntimeException {

    public OverloadedException(int capacity) {
        super("this region is at its capacity of " + capacity + " unfinished tasks; retry shortly or elsewhere",
                null, false, false);
    }
}
