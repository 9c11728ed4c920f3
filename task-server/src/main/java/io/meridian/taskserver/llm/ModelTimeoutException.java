package io.meridian.taskserver.llm;

import java.time.Duration;

/**
 * The model did not answer within the caller's time budget (a queue's task timeout, by default
 * {@code meridian.model.timeout}). Clients see 504 {@code model_timeout} when it ends a task.
 */
public class ModelTimeoutException extends RuntimeException {

    private final String backend;

    private final Duration timeout;

    /**
     * Creates the exception.
     *
     * @param backend the backend's {@linkplain ChatBackend#name() name}
     * @param timeout the budget that ran out
     */
    public ModelTimeoutException(String backend, Duration timeout) {
        super("model backend '" + backend + "' did not answer within " + timeout.toMillis() + " ms");
        this.backend = backend;
        this.timeout = timeout;
    }

    /**
     * The backend that was too slow.
     *
     * @return the backend's {@linkplain ChatBackend#name() name}
     */
    public String backend() {
        return backend;
    }

    /**
     * The budget that ran out.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }
}
