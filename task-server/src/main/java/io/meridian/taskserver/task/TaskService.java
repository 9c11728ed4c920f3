package io.meridian.taskserver.task;

import io.meridian.taskserver.load.LoadTracker;
import io.meridian.taskserver.load.OverloadedException;
import io.meridian.taskserver.queue.QueueClassifier;
import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.Queues;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.ApiException;
import io.meridian.taskserver.web.InvalidRequestException;
import io.meridian.taskserver.web.TenantHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * What the HTTP APIs do with tasks: accept (classify, admit, queue), look up, cancel, watch and
 * await them, in this region.
 *
 * <p>Admission has two bounds. The region's {@link LoadTracker} counts tasks accepted here and
 * not yet finished against {@code meridian.server.capacity} (503 {@code overloaded} beyond,
 * so the gateway sends the work to another region); each queue bounds its waiting tasks (429
 * {@code queue_full}). A slot is taken before a task is queued and given back exactly once, when
 * the task reaches a final status, so the load the gateway reads cannot drift.
 *
 * <p>Graceful degradation, when {@code meridian.degradation.complex-backlog-threshold} is set:
 * a task classified complex while more than that many tasks wait on the complex queue goes to
 * the simple queue with the simple queue's model instead, and its result says {@code degraded}
 * with the model it asked for. A quick smaller answer beats a timeout behind a long GPU backlog;
 * the client can tell, and resubmit with an explicit kind once the backlog has drained (an
 * explicit {@code kind} degrades too: the policy exists for when the GPUs cannot keep up).
 *
 * <p>Tenancy: a task belongs to the tenant that submitted it ({@link Task#tenant()}). Looking it
 * up, following its events and cancelling it take the caller's {@link TaskScope}; a task outside
 * it is answered as unknown, never as forbidden, so ids cannot be probed. Idempotency keys count
 * per tenant.
 *
 * <p>The queue backend may block (Redis, see {@link TaskQueue#blocking()}): the methods returning
 * a value call it on the caller's thread, so callers on an event loop wrap them in {@link #call},
 * which offloads them when the backend blocks; {@link #events} and {@link #await} offload their
 * own backend calls.
 */
public final class TaskService {

    /** The request header whose value makes a submit idempotent. */
    public static final String IDEMPOTENCY_KEY = io.meridian.protocol.MeridianHeaders.IDEMPOTENCY_KEY;

    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,200}");

    private final TaskQueue queue;

    private final QueueClassifier classifier;

    private final LoadTracker load;

    private final String region;

    private final Clock clock;

    private final RandomGenerator ids;

    private final @Nullable Queues queues;

    private final @Nullable Integer complexBacklogThreshold;

    private final Set<TaskId> admitted = ConcurrentHashMap.newKeySet();

    /**
     * Who waits for which task's changes: one queue subscription for all of them, so a change
     * costs one lookup however many clients wait.
     */
    private final Map<TaskId, List<Consumer<Task>>> watchers = new ConcurrentHashMap<>();

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
        this.queues = queues;
        this.complexBacklogThreshold = queues != null ? complexBacklogThreshold : null;
        this.queue = queue;
        this.classifier = classifier;
        this.load = load;
        this.region = region;
        this.clock = clock;
        this.ids = ids;
        queue.subscribe(this::onChange);
    }

    private void onChange(Task task) {
        releaseWhenFinished(task);
        List<Consumer<Task>> watching = watchers.get(task.id());
        if (watching != null) {
            watching.forEach(watcher -> watcher.accept(task));
        }
    }

    /** Passes the task's changes to {@code watcher} until the returned action runs. */
    private Runnable watch(TaskId id, Consumer<Task> watcher) {
        watchers.compute(id, (key, watching) -> {
            List<Consumer<Task>> all = watching != null ? watching : new CopyOnWriteArrayList<>();
            all.add(watcher);
            return all;
        });
        return () -> watchers.computeIfPresent(id, (key, watching) -> {
            watching.remove(watcher);
            return watching.isEmpty() ? null : watching;
        });
    }

    private void releaseWhenFinished(Task task) {
        if (task.status().isTerminal() && admitted.remove(task.id())) {
            load.release();
        }
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
            checkKey(idempotencyKey);
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
        if (shouldDegrade(target)) {
            requestedModel = model;
            target = Objects.requireNonNull(queues).simple();
            model = target.model();
        }
        if (!load.tryAcquire()) {
            throw new OverloadedException(load.capacity());
        }
        TaskId id = TaskId.next(region, clock.instant(), ids);
        admitted.add(id);
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
            if (!tenant.equals(task.tenant())) {
                task = task.withTenant(tenant);
            }
            TaskQueue.Submission submission = queue.submit(task);
            created = submission.created();
            return submission;
        }
        finally {
            if (!created && admitted.remove(id)) {
                load.release();
            }
        }
    }

    private boolean shouldDegrade(QueueSettings target) {
        Integer threshold = complexBacklogThreshold;
        Queues all = queues;
        return threshold != null && all != null && target.name().equals(all.complex().name())
                && queue.stats(target.name()).depth() > threshold;
    }

    /**
     * Looks a task up by the id a client sent.
     *
     * @param id    the id as sent
     * @param scope whose tasks the caller may see
     * @return the task
     * @throws InvalidRequestException if {@code id} is not a task id (field {@code id})
     * @throws TaskNotFoundException   if no such task is held here, or it is another tenant's
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
     * @return the states; fails at once, before any state, if the id is malformed, unknown or
     *         another tenant's
     */
    public Flux<Task> events(String id, TaskScope scope) {
        return Flux.defer(() -> {
            TaskId taskId = parseLocal(id);
            return changes(taskId, scope).distinctUntilChanged(Task::status);
        });
    }

    /**
     * Waits for a task to finish.
     *
     * @param id   the task
     * @param wait the longest wait
     * @return the finished task, or the task as it is when the wait runs out
     */
    public Mono<Task> await(TaskId id, Duration wait) {
        return changes(id, TaskScope.all())
                .filter(task -> task.status().isTerminal())
                .next()
                .timeout(wait, call(() -> queue.find(id)).flatMap(Mono::justOrEmpty))
                .switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    /** The current state, then every newer one, until a final one. */
    private Flux<Task> changes(TaskId id, TaskScope scope) {
        Flux<Task> states = Flux.<Task>create(sink -> {
            // Changes are filtered too: one may arrive before the current state is read and refused.
            sink.onDispose(watch(id, task -> {
                if (scope.sees(task)) {
                    sink.next(task);
                }
            })::run);
            emitCurrent(sink, id, scope);
        }, FluxSink.OverflowStrategy.BUFFER);
        // Subscribing reads the task from the backend: off the event loop if that may block (Redis).
        return (queue.blocking() ? states.subscribeOn(Schedulers.boundedElastic()) : states)
                // Changes arrive on the thread that made them, maybe under the queue's lock: hand them
                // to another thread before anything (an HTTP write) runs downstream.
                .publishOn(Schedulers.parallel())
                .transform(TaskService::newerOnly)
                .takeUntil(task -> task.status().isTerminal());
    }

    private void emitCurrent(FluxSink<Task> sink, TaskId id, TaskScope scope) {
        Optional<Task> current = queue.find(id).filter(scope::sees);
        if (current.isPresent()) {
            sink.next(current.get());
        }
        else {
            sink.error(notFound(id));
        }
    }

    /**
     * Drops states older than one already passed on: the current state is read after subscribing,
     * so a change may arrive before it.
     */
    private static Flux<Task> newerOnly(Flux<Task> states) {
        return Flux.defer(() -> {
            AtomicLong seen = new AtomicLong();
            return states.filter(task -> task.version() > seen.getAndAccumulate(task.version(), Math::max));
        });
    }

    /**
     * Calls this service from a reactive chain: on a bounded elastic thread if the queue backend
     * may block, else at once on the subscribing thread.
     *
     * @param <T>  what the call returns
     * @param call a call of this service's blocking methods ({@link #submit}, {@link #get}, {@link #cancel})
     * @return the call's value, or its exception as an error
     */
    public <T> Mono<T> call(Supplier<T> call) {
        Mono<T> result = Mono.fromSupplier(call);
        return queue.blocking() ? result.subscribeOn(Schedulers.boundedElastic()) : result;
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
        TaskId taskId;
        try {
            taskId = TaskId.parse(id);
        }
        catch (IllegalArgumentException malformed) {
            throw new InvalidRequestException(ApiError.INVALID_REQUEST, malformed.getMessage(), "id");
        }
        if (!taskId.region().equals(region)) {
            throw new TaskNotFoundException("task " + taskId + " is held by region '" + taskId.region()
                    + "', not by this one ('" + region + "'); ask through the gateway");
        }
        return taskId;
    }

    private static TaskNotFoundException notFound(TaskId id) {
        return new TaskNotFoundException("no task " + id + " here; it never existed or its result has expired");
    }

    private static void checkKey(String key) {
        if (!KEY.matcher(key).matches()) {
            throw new InvalidRequestException(ApiError.INVALID_REQUEST, IDEMPOTENCY_KEY
                    + " must be 1 to 200 visible ASCII characters without spaces", IDEMPOTENCY_KEY);
        }
    }
}
