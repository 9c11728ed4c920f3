package io.meridian.taskserver.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.meridian.taskserver.llm.ChatMessage;
import io.meridian.taskserver.llm.ChatParameters;
import io.meridian.taskserver.web.TenantHeaders;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One unit of work and everything known about it; immutable, each change a new value with a higher
 * {@link #version}. The queue backend is the only writer: it applies the transitions below under
 * its own atomicity (a lock in memory, a script in Redis), so a transition never races another.
 *
 * @param id             the task's id, naming its region
 * @param queue          the queue it runs on, e.g. {@code simple}
 * @param query          the user's text
 * @param model          the model to ask
 * @param status         where it is in its life
 * @param attempts       attempts started so far; the running attempt's number while {@link
 *                       TaskStatus#RUNNING}, which fences its result (see {@link
 *                       io.meridian.taskserver.queue.TaskQueue})
 * @param maxAttempts    attempts allowed before the task is dead-lettered
 * @param createdAt      when it was accepted
 * @param startedAt      when its latest attempt started, or {@code null} before the first
 * @param updatedAt      when it last changed; a running attempt's heartbeat moves it
 * @param finishedAt     when it reached a final status, or {@code null}
 * @param nextAttemptAt  while queued for a retry, the earliest time a worker may take it
 * @param result         the answer, once {@link TaskStatus#SUCCEEDED}
 * @param lastError      why the latest attempt failed, or {@code null}
 * @param idempotencyKey the client's {@code Idempotency-Key}, or {@code null}
 * @param version        1 when accepted, one more at each change
 * @param messages       the conversation with its roles, for a chat completion; empty for a plain
 *                       query (whose {@code query} is then all there is)
 * @param stream         whether a client streams the answer, so the worker asks the model to stream
 * @param requestedModel when graceful degradation moved the task off the queue it asked for, the
 *                       model it asked for; {@code null} otherwise
 * @param traceParent    the W3C {@code traceparent} of the request that submitted it, whose trace its
 *                       attempts continue (on whichever replica runs them); {@code null} without tracing
 * @param tenant         the tenant that submitted it, as the gateway vouched for it in {@value
 *                       TenantHeaders#TENANT}; only that tenant (and the admin token) may read it,
 *                       cancel it or reuse its idempotency key. A task stored before tasks had tenants
 *                       is read back as {@value TenantHeaders#ANONYMOUS}'s
 * @param maxTokens      the most tokens the model may answer with (the client's {@code max_tokens}),
 *                       or {@code null} for the model's own limit. The gateway reserves a tenant's
 *                       budget by it, so the model is held to it
 * @param parameters     the chat completion's other parameters (sampling, stop, seed, response
 *                       format, tools), which the model is called with; {@link ChatParameters#NONE}
 *                       for a plain query. Stored only when set, so a task without them is stored as
 *                       before (see {@code TaskDocument} for the version of one with them)
 */
public record Task(
        TaskId id,
        String queue,
        String query,
        String model,
        TaskStatus status,
        int attempts,
        int maxAttempts,
        Instant createdAt,
        @Nullable Instant startedAt,
        Instant updatedAt,
        @Nullable Instant finishedAt,
        @Nullable Instant nextAttemptAt,
        @Nullable TaskResult result,
        @Nullable TaskError lastError,
        @Nullable String idempotencyKey,
        long version,
        List<ChatMessage> messages,
        boolean stream,
        @Nullable String requestedModel,
        @Nullable String traceParent,
        String tenant,
        @Nullable Integer maxTokens,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = ChatParameters.Unset.class)
        ChatParameters parameters) {

    /**
     * Copies the messages; reads a missing tenant as {@value TenantHeaders#ANONYMOUS}, missing chat
     * parameters as {@link ChatParameters#NONE}.
     */
    public Task {
        // A task stored by a version without conversations (a shared queue backend during a rolling
        // upgrade) is read back with no messages.
        @SuppressWarnings("ConstantValue")
        boolean absent = messages == null;
        messages = absent ? List.of() : List.copyOf(messages);
        // Likewise a task stored before tasks had tenants: every such task was submitted without one.
        @SuppressWarnings("ConstantValue")
        boolean untenanted = tenant == null || tenant.isEmpty();
        tenant = untenanted ? TenantHeaders.ANONYMOUS : tenant;
        // And a task stored before tasks carried chat parameters: it had none.
        @SuppressWarnings("ConstantValue")
        boolean unparameterized = parameters == null;
        parameters = unparameterized ? ChatParameters.NONE : parameters;
    }

    /**
     * A task of a plain query, not streamed, not degraded, of the anonymous tenant.
     *
     * @param id             its id
     * @param queue          its queue
     * @param query          the user's text
     * @param model          the model to ask
     * @param status         its status
     * @param attempts       attempts started
     * @param maxAttempts    attempts allowed
     * @param createdAt      when accepted
     * @param startedAt      when the latest attempt started
     * @param updatedAt      when it last changed
     * @param finishedAt     when it finished
     * @param nextAttemptAt  when a retry may start
     * @param result         the answer
     * @param lastError      the latest error
     * @param idempotencyKey the client's key
     * @param version        its version
     */
    public Task(TaskId id, String queue, String query, String model, TaskStatus status, int attempts,
            int maxAttempts, Instant createdAt, @Nullable Instant startedAt, Instant updatedAt,
            @Nullable Instant finishedAt, @Nullable Instant nextAttemptAt, @Nullable TaskResult result,
            @Nullable TaskError lastError, @Nullable String idempotencyKey, long version) {
        this(id, queue, query, model, status, attempts, maxAttempts, createdAt, startedAt, updatedAt, finishedAt,
                nextAttemptAt, result, lastError, idempotencyKey, version, List.of(), false, null, null, TenantHeaders.ANONYMOUS, null,
                ChatParameters.NONE);
    }

    /**
     * The same task with its conversation, streaming wish and degradation.
     *
     * @param messages       the conversation, or empty
     * @param stream         whether the answer is streamed
     * @param requestedModel the model asked for before degradation, or {@code null}
     * @return the task
     */
    public Task withChat(List<ChatMessage> messages, boolean stream, @Nullable String requestedModel) {
        return new Task(id, queue, query, model, status, attempts, maxAttempts, createdAt, startedAt, updatedAt,
                finishedAt, nextAttemptAt, result, lastError, idempotencyKey, version, messages, stream,
                requestedModel, traceParent, tenant, maxTokens, parameters);
    }

    /**
     * The same task, continuing the trace of the request that submitted it.
     *
     * @param traceParent a W3C {@code traceparent}, or {@code null}
     * @return the task
     */
    public Task withTrace(@Nullable String traceParent) {
        return new Task(id, queue, query, model, status, attempts, maxAttempts, createdAt, startedAt, updatedAt,
                finishedAt, nextAttemptAt, result, lastError, idempotencyKey, version, messages, stream,
                requestedModel, traceParent, tenant, maxTokens, parameters);
    }

    /**
     * The same task, submitted by a tenant.
     *
     * @param tenant the tenant, as {@link TenantHeaders#tenant} read it
     * @return the task
     */
    public Task withTenant(String tenant) {
        return new Task(id, queue, query, model, status, attempts, maxAttempts, createdAt, startedAt, updatedAt,
                finishedAt, nextAttemptAt, result, lastError, idempotencyKey, version, messages, stream,
                requestedModel, traceParent, tenant, maxTokens, parameters);
    }

    /**
     * The same task, its answer held to a number of tokens.
     *
     * @param maxTokens the most tokens of the answer, or {@code null} for the model's own limit
     * @return the task
     */
    public Task withMaxTokens(@Nullable Integer maxTokens) {
        return new Task(id, queue, query, model, status, attempts, maxAttempts, createdAt, startedAt, updatedAt,
                finishedAt, nextAttemptAt, result, lastError, idempotencyKey, version, messages, stream,
                requestedModel, traceParent, tenant, maxTokens, parameters);
    }

    /**
     * The same task, calling the model with a chat completion's parameters.
     *
     * @param parameters the parameters
     * @return the task
     */
    public Task withParameters(ChatParameters parameters) {
        return new Task(id, queue, query, model, status, attempts, maxAttempts, createdAt, startedAt, updatedAt,
                finishedAt, nextAttemptAt, result, lastError, idempotencyKey, version, messages, stream,
                requestedModel, traceParent, tenant, maxTokens, parameters);
    }

    /**
     * The trace this task belongs to: the trace id of its {@link #traceParent}.
     *
     * @return 32 hex digits, or {@code null} without tracing
     */
    public @Nullable String traceId() {
        return traceParent != null && traceParent.length() >= 35 ? traceParent.substring(3, 35) : null;
    }

    /**
     * Whether graceful degradation moved this task to a smaller model.
     *
     * @return {@code true} if it runs on another queue than the one it asked for
     */
    public boolean degraded() {
        return requestedModel != null;
    }

    /**
     * A task as it is accepted: queued, no attempt yet.
     *
     * @param id             its id
     * @param queue          the queue it goes to
     * @param query          the user's text
     * @param model          the model to ask
     * @param maxAttempts    attempts allowed
     * @param idempotencyKey the client's key, or {@code null}
     * @param now            the time of acceptance
     * @return the new task
     */
    public static Task accepted(TaskId id, String queue, String query, String model, int maxAttempts,
            @Nullable String idempotencyKey, Instant now) {
        return new Task(id, queue, query, model, TaskStatus.QUEUED, 0, maxAttempts, now, null, now, null, null,
                null, null, idempotencyKey, 1);
    }

    /**
     * A worker took it: the next attempt runs.
     *
     * @param now the start time
     * @return the running task
     */
    public Task started(Instant now) {
        return new Task(id, queue, query, model, TaskStatus.RUNNING, attempts + 1, maxAttempts, createdAt, now, now,
                null, null, result, lastError, idempotencyKey, version + 1,
                messages, stream, requestedModel, traceParent, tenant, maxTokens, parameters);
    }

    /**
     * The running attempt is alive.
     *
     * @param now the heartbeat time
     * @return the task with {@code updatedAt} moved
     */
    public Task heartbeat(Instant now) {
        return new Task(id, queue, query, model, status, attempts, maxAttempts, createdAt, startedAt, now,
                finishedAt, nextAttemptAt, result, lastError, idempotencyKey, version + 1,
                messages, stream, requestedModel, traceParent, tenant, maxTokens, parameters);
    }

    /**
     * The running attempt answered.
     *
     * @param answer the result
     * @param now    the finish time
     * @return the succeeded task
     */
    public Task succeeded(TaskResult answer, Instant now) {
        // Backlog degradation names the model the client asked for, before any fallback's.
        TaskResult result = requestedModel != null ? answer.degradedFrom(requestedModel) : answer;
        return new Task(id, queue, query, model, TaskStatus.SUCCEEDED, attempts, maxAttempts, createdAt, startedAt,
                now, now, null, result, lastError, idempotencyKey, version + 1, messages, stream, requestedModel, traceParent, tenant, maxTokens, parameters);
    }

    /**
     * The running attempt failed and another is allowed, no sooner than {@code retryAt}.
     *
     * @param error   why it failed
     * @param retryAt the earliest time of the next attempt
     * @param now     the time of failure
     * @return the task, queued again
     */
    public Task retrying(TaskError error, Instant retryAt, Instant now) {
        return new Task(id, queue, query, model, TaskStatus.QUEUED, attempts, maxAttempts, createdAt, startedAt, now,
                null, retryAt, null, error, idempotencyKey, version + 1,
                messages, stream, requestedModel, traceParent, tenant, maxTokens, parameters);
    }

    /**
     * The task ends without a result.
     *
     * @param finalStatus {@link TaskStatus#FAILED}, {@link TaskStatus#DEAD_LETTERED} or {@link
     *                    TaskStatus#CANCELLED}
     * @param error       why, or {@code null} to keep the last error (a cancellation)
     * @param now         the finish time
     * @return the finished task
     */
    public Task ended(TaskStatus finalStatus, @Nullable TaskError error, Instant now) {
        if (!finalStatus.isTerminal() || finalStatus == TaskStatus.SUCCEEDED) {
            throw new IllegalArgumentException("a task ends failed, dead-lettered or cancelled, not " + finalStatus);
        }
        return new Task(id, queue, query, model, finalStatus, attempts, maxAttempts, createdAt, startedAt, now, now,
                null, null, error != null ? error : lastError, idempotencyKey, version + 1,
                messages, stream, requestedModel, traceParent, tenant, maxTokens, parameters);
    }
}
