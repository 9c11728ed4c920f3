package io.meridian.taskserver.queue.redis;

import java.util.Map;

/** The counters of a queue's {@code :stats:<queue>} hash (see {@link RedisKeys}), one field each. */
enum Counter {

    /** Tasks waiting: in the stream unread, or in the retry set. */
    QUEUED("queued"),

    /** Attempts running. */
    RUNNING("running"),

    /** Tasks that succeeded. */
    COMPLETED("completed"),

    /** Tasks that failed without retry. */
    FAILED("failed"),

    /** Attempts that ended with a retry scheduled. */
    RETRIED("retried"),

    /** Tasks dead-lettered. */
    DEAD_LETTERED("deadLettered"),

    /** Tasks cancelled. */
    CANCELLED("cancelled");

    private final String field;

    Counter(String field) {
        this.field = field;
    }

    /** The hash field that holds it. */
    String field() {
        return field;
    }

    /** Its value in a stats hash as read, 0 if absent. */
    long in(Map<String, String> stats) {
        String value = stats.get(field);
        return value == null ? 0 : Long.parseLong(value);
    }
}
