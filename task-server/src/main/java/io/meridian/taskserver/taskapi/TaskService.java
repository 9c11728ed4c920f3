package io.meridian.taskserver.taskapi;

import io.meridian.taskserver.load.LoadTracker;
import io.meridian.taskserver.load.OverloadedException;
import io.meridian.taskserver.queue.QueueClassifier;
import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.Queues;
import io.meridian.taskserver.queue.ReactiveTaskQueue;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskFinishedException;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.task.TaskNotFoundException;
import io.meridian.taskserver.task.TaskRequest;
import io.meridian.taskserver.task.TaskScope;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.ApiException;
import io.meridian.taskserver.web.InvalidRequestException;
import io.meridian.taskserver.web.TenantHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What the HTTP APIs do with tasks: accept (classify, admit, queue), look up, cancel, watch and
 * await them, in this region.
 *
 * <p>Admission has two bounds: the region's capacity ({@link Admission}, 503 {@code overloaded})
 * and each queue's bound on its waiting tasks (429 {@code queue_full}). A complex task may run on
 * the simple queue when the complex backlog is long ({@link Degradation}). Clients waiting for a
 * task's changes share one queue subscription ({@link TaskWatchers}); the ids clients send are
 * read by {@link ClientIds}. The HTTP endpoints reach this service through {@link TaskIntake}
 * (submits) and {@link #call} (lookups and cancellations).
 *
 * <p>Tenancy: a task belongs to the tenant that submitted it ({@link Task#tenant()}). Looking it
 * up, following its events and cancelling it take the caller's {@link TaskScope}; a task outside
 * it is answered as unknown, never as forbidden, so ids cannot be probed. Idempotency keys count
 * per tenant.
 *
 * <p>The queue backend may block (Redis): the methods returning a value call it on the caller's
 * thread, so callers on an event loop wrap them in {@link #call}, which runs them where the
 * {@link ReactiveTaskQueue} façade says they may block; {@link #events} and {@link #await} do the
 * same with their own backend calls.
 */
public final class TaskService {

    /** The request header whose value makes a submit idempotent. */
    public static final String IDEMPOTENCY_KEY = io.meridian.protocol.MeridianHeaders.IDEMPOTENCY_KEY;

    private final TaskQueue queue;

    private final ReactiveTaskQueue reactive;

    private final QueueClassifier classifier;

    private final Admission admission;

    private final Degradation degradation;

    private final TaskWatchers watchers;

    private final ClientIds clientIds;

    private final String region;

    private final Clock clock;

    private final RandomGenerator ids;

    /**
     * Creates the service and starts counting the load of the tasks it admits.
     *
     * @param queue      the queue backend
     * @param classifier picks a queue for each request
     * @param load       the region's load
     * @param region     this server's region id
     * @param clock      stamps the tasks
     * @param ids        the random source of task ids: a strong one (see {@link TaskId})
     */
    public TaskService(TaskQueue queue, QueueClassifier classifier, LoadTracker load, String region, Clock clock,
            RandomGenerator ids) {
        this(queue, classifier, load, region, clock, ids, null, null);
    }

    /**
     * Creates the service with graceful degradation.
     *
     * @param queue                   the queue backend
     * @param classifier              picks a queue for each request
     * @param load                    the region's load
     * @param region                  this server's region id
     * @param clock                   stamps the tasks
     * @param ids                     the random source of task ids: a strong one (see {@link TaskId})
     * @param queues                  the region's queues, or {@code null} without degradation
     * @param complexBacklogThreshold the complex queue's backlog beyond which complex tasks run on the
     *                                simple queue, or {@code null} for never
     */
    public TaskService(TaskQueue queue, QueueClassifier classifier, LoadTracker load, String region, Clock clock,
            RandomGenerator ids, @Nullable Queues queues, @Nullable Integer complexBacklogThreshold) {
        this.queue = queue;
        this.reactive = ReactiveTaskQueue.over(queue);
        this.clientIds = new ClientIds(region, queue);
        this.watchers = new TaskWatchers(queue, reactive, clientIds);
        this.classifier = classifier;
        this.admission = new Admission(load);
        this.degradation = new Degradation(queues, complexBacklogThreshold);
        this.region = region;
        this.clock = clock;
        this.ids = ids;
        queue.subscribe(this::onChange);
    }

    private void onChange(Task task) {
        admission.onChange(task);
        watchers.onChange(task);
    }

    /**
     * Accepts a task, or returns the task already accepted under the same idempotency key.
     *
     * @param request        the validated request
     * @param idempotencyKey the client's {@value #IDEMPOTENCY_KEY}, or {@code null}
     * @return the queued task, or the earlier one
     * @throws InvalidRequestException if the idempotency key is malformed
     * @throws OverloadedException     if the region is at capacity
     * @throws io.meridian.taskserver.queue.QueueFullException if the task's queue is full
     */
    public TaskQueue.Submission submit(TaskRequest request, @Nullable String idempotencyKey) {
        return submit(request, idempotencyKey, Set.of());
    }

    /**
     * Accepts a task for a tenant that may use only some models.
     *
     * @param request        the validated request
     * @param idempotencyKey the client's {@value #IDEMPOTENCY_KEY}, or {@code null}
     * @param allowedModels  the models the tenant may use; empty: any
     * @return the queued task, or the earlier one
     * @throws ApiException 403 {@code model_not_allowed} if the task would run a model the tenant may not use
     */
    public TaskQueue.Submission submit(TaskRequest request, @Nullable String idempotencyKey, Set<String> allowedModels) {
        return submit(request, idempotencyKey, allowedModels, null);
    }

    /**
     * Accepts a task that continues a trace.
     *
     * @param request        the validated request
     * @param idempotencyKey the client's {@value #IDEMPOTENCY_KEY}, or {@code null}
     * @param allowedModels  the models the tenant may use; empty: any
     * @param traceParent    the submitting request's W3C {@code traceparent}, or {@code null}
     * @return the queued task, or the earlier one
     * @throws ApiException 403 {@code model_not_allowed} if the task would run a model the tenant may not use
     */
    public TaskQueue.Submission submit(TaskRequest request, @Nullable String idempotencyKey, Set<String> allowedModels,
            @Nullable String traceParent) {
        return submit(request, idempotencyKey, allowedModels, traceParent, TenantHeaders.ANONYMOUS);
    }

    /**
     * Accepts a task for a tenant, which owns it: only that tenant (and the admin token) may read,
     * follow or cancel it, and the idempotency key counts within the tenant's own keys, so two
     * tenants sending the same key get two tasks.
     *
     * @param request        the validated request
     * @param idempotencyKey the client's {@value #IDEMPOTENCY_KEY}, or {@code null}
     * @param allowedModels  the models the tenant may use; empty: any
     * @param traceParent    the submitting request's W3C {@code traceparent}, or {@code null}
     * @param tenant         the tenant, as {@link TenantHeaders#tenant} read it
     * @return the queued task, or the tenant's earlier one under the same key
     * @throws ApiException 403 {@code model_not_allowed} if the task would run a model the tenant may not use
     */
    public TaskQueue.Submission submit(TaskRequest request, @Nullable String idempotencyKey, Set<String> allowedModels,
            @Nullable String traceParent, String tenant) {
        if (idempotencyKey != null) {
            ClientIds.checkIdempotencyKey(idempotencyKey);
            Optional<Task> held = queue.findByIdempotencyKey(tenant, idempotencyKey);
            if (held.isPresent()) {
                return new TaskQueue.Submission(held.get(), false);
            }
        }
        QueueSettings target = classifier.classify(request.query(), request.kind(), request.model());
        String model = request.model() != null ? request.model() : target.model();
        if (!allowedModels.isEmpty() && !allowedModels.contains(model)) {
            throw new ApiException(ApiError.MODEL_NOT_ALLOWED, 403, "this API key may use the models "
                    + String.join(", ", allowedModels) + ", not '" + model + "'", "model", null);
        }
        String requestedModel = null;
        Optional<QueueSettings> degraded = degradation.instead(target, queue);
        if (degraded.isPresent()) {
            requestedModel = model;
            target = degraded.get();
            model = target.model();
        }
        TaskId id = admission.admit(() -> TaskId.next(region, clock.instant(), ids, queue.epoch().id()));
        boolean created = false;
        try {
            Task task = Task.accepted(id, target.name(), request.query(), model, target.maxAttempts(),
                    idempotencyKey, clock.instant());
            if (!request.messages().isEmpty() || request.stream() || requestedModel != null) {
                task = task.withChat(request.messages(), request.stream(), requestedModel);
            }
            if (traceParent != null) {
                task = task.withTrace(traceParent);
            }
            if (request.maxTokens() != null) {
                task = task.withMaxTokens(request.maxTokens());
            }
            if (request.parameters().hasAny()) {
                task = task.withParameters(request.parameters());
            }
            if (!tenant.equals(task.tenant())) {
                task = task.withTenant(tenant);
            }
            TaskQueue.Submission submission = queue.submit(task);
            created = submission.created();
            return submission;
        }
        finally {
            if (!created) {
                admission.release(id);
            }
        }
    }

    /**
     * Looks a task up by the id a client sent.
     *
     * @param id    the id as sent
     * @param scope whose tasks the caller may see
     * @return the task
     * @throws InvalidRequestException if {@code id} is not a task id (field {@code id})
     * @throws TaskNotFoundException   if no such task is held here, or it is another tenant's
     * @throws io.meridian.taskserver.task.TaskLostException if its id names an earlier epoch of the store
     */
    public Task get(String id, TaskScope scope) {
        TaskId taskId = parseLocal(id);
        return queue.find(taskId).filter(scope::sees).orElseThrow(() -> notFound(taskId));
    }

    /**
     * Cancels a queued or running task.
     *
     * @param id    the id as sent
     * @param scope whose tasks the caller may cancel
     * @return the cancelled task
     * @throws InvalidRequestException if {@code id} is not a task id
     * @throws TaskNotFoundException   if no such task is held here, or it is another tenant's
     * @throws TaskFinishedException   if it had already finished
     * @throws io.meridian.taskserver.task.TaskLostException if its id names an earlier epoch of the store
     */
    public Task cancel(String id, TaskScope scope) {
        TaskId taskId = parseLocal(id);
        // Looked up first, so that another tenant's task is never cancelled. A task never changes
        // tenant, so the check cannot go stale before the cancellation.
        queue.find(taskId).filter(scope::sees).orElseThrow(() -> notFound(taskId));
        TaskQueue.Cancellation cancellation = queue.cancel(taskId).orElseThrow(() -> notFound(taskId));
        if (!cancellation.cancelled()) {
            throw new TaskFinishedException(cancellation.task());
        }
        return cancellation.task();
    }

    /**
     * The task as it is now, then each change of its status, completing after a final one.
     *
     * @param id    the id as sent
     * @param scope whose tasks the caller may follow
     * @return the states; fails at once, before any state, if the id is malformed, unknown,
     *         another tenant's or lost with an earlier epoch of the store
     */
    public Flux<Task> events(String id, TaskScope scope) {
        return Flux.defer(() -> {
            TaskId taskId = parseLocal(id);
            return watchers.changes(taskId, scope).distinctUntilChanged(Task::status);
        });
    }

    /**
     * Waits for a task to finish.
     *
     * @param id   the task
     * @param wait the longest wait
     * @return the finished task, or the task as it is when the wait runs out; an error if it is not
     *         held (404 {@code task_not_found}, or 410 {@code task_lost} for an earlier epoch's)
     */
    public Mono<Task> await(TaskId id, Duration wait) {
        return watchers.changes(id, TaskScope.all())
                .filter(task -> task.status().isTerminal())
                .next()
                .timeout(wait, reactive.find(id))
                .switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    /**
     * Calls this service from a reactive chain: where the queue backend may block (see {@link
     * ReactiveTaskQueue#call}).
     *
     * @param <T>  what the call returns
     * @param call a call of this service's blocking methods ({@link #submit}, {@link #get}, {@link #cancel})
     * @return the call's value, or its exception as an error
     */
    public <T> Mono<T> call(Supplier<T> call) {
        return reactive.call(call::get);
    }

    /**
     * Reads an id sent by a client and checks that it names this region.
     *
     * @param id the id as sent
     * @return the id
     * @throws InvalidRequestException if it is not a task id
     * @throws TaskNotFoundException   if it names another region
     */
    public TaskId parseLocal(String id) {
        return clientIds.taskId(id);
    }

    private ApiException notFound(TaskId id) {
        return clientIds.missing(id);
    }
}
