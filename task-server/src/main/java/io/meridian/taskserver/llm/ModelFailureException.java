package io.meridian.taskserver.llm;

/**
 * The model server failed: it could not be reached, answered with an error, or answered with
 * something that is not a completion. Clients see 502 {@code model_error}; the message is meant for
 * them and names the backend, never the upstream's internals (those go to the log via the cause).
 */
public class ModelFailureException extends RuntimeException {

    private final String backend;

    /**
     * Creates the exception.
     *
     * @param backend the backend's {@linkplain ChatBackend#name() name}
     * @param message what went wrong, fit to show to a client
     * @param cause   the upstream failure, for the log
     */
    public ModelFailureException(String backend, String message, Throwable cause) {
        super(message, cause);
        this.backend = backend;
    }

    /**
     * Creates the exception without a cause.
     *
     * @param backend the backend's {@linkplain ChatBackend#name() name}
     * @param message what went wrong, fit to show to a client
     */
    public ModelFailureException(String backend, String message) {
        super(message);
        this.backend = backend;
    }

    /**
     * The backend that failed.
     *
     * @return the backend's {@linkplain ChatBackend#name() name}
     */
    public String backend() {
        return backend;
    }
}
