package io.meridian.taskserver.taskapi;

import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.admin.AdminToken;
import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.Queues;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskRequest;
import io.meridian.taskserver.task.TaskScope;
import io.meridian.taskserver.task.TaskStatus;
import io.meridian.taskserver.task.TaskView;
import io.meridian.taskserver.web.TenantHeaders;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The asynchronous task API: {@code POST /v1/tasks} (202 and the id at once), {@code GET
 * /v1/tasks/{id}}, {@code GET /v1/tasks/{id}/events} (server-sent events, one per status change,
 * completing after the final one) and {@code DELETE /v1/tasks/{id}}. Failures become {@link
 * ApiError} answers in the {@code web} package.
 *
 * <p>A task is its submitter's: the tenant of {@value TenantHeaders#TENANT} (see {@link TaskScope}).
 * Another tenant's {@code GET}, events or {@code DELETE} get {@code 404 task_not_found}, as for a
 * task that does not exist; the admin token ({@code Authorization: Bearer}) reaches every task.
 */
@RestController
class TaskController {

    /** How often an event stream without news says it is alive. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final TaskService tasks;

    /** The body that the answer to an empty one shows. */
    static final String QUERY_EXAMPLE = "{\"query\": \"...\"}";

    private final TaskIntake intake;

    private final AdminToken admin;

    private final int maxQueryLength;

    private final List<String> kinds;

    TaskController(TaskService tasks, TaskIntake intake, TaskServerProperties server, Queues queues, AdminToken admin) {
        this.tasks = tasks;
        this.intake = intake;
        this.admin = admin;
        this.maxQueryLength = server.maxQueryLength();
        this.kinds = queues.all().stream().map(QueueSettings::name).toList();
    }

    @PostMapping(path = "/v1/tasks", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<TaskView.Accepted>> submit(@RequestBody(required = false) Mono<JsonNode> body,
            @RequestHeader(name = TaskService.IDEMPOTENCY_KEY, required = false) @Nullable String idempotencyKey,
            @RequestHeader(name = TenantHeaders.ALLOWED_MODELS, required = false) @Nullable String allowedModels,
            ServerWebExchange exchange) {
        return intake.submit(body, QUERY_EXAMPLE, json -> TaskRequest.from(json, maxQueryLength, kinds),
                        request -> request, idempotencyKey, allowedModels, exchange)
                .map(submitted -> accepted(submitted.task()));
    }

    /**
     * The 202 answer for a task: its id, status, queue and links, with {@code Location}.
     *
     * @param task the task
     * @return the answer
     */
    static ResponseEntity<TaskView.Accepted> accepted(Task task) {
        TaskView.Accepted accepted = TaskView.Accepted.of(task);
        return ResponseEntity.accepted().location(URI.create(accepted.links().self())).body(accepted);
    }

    /** A task; a finished one names the tokens it used ({@value TenantHeaders#USAGE}), for the gateway's budgets. */
    @GetMapping(path = "/v1/tasks/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<TaskView>> get(@PathVariable String id, ServerWebExchange exchange) {
        TaskScope scope = TaskScope.of(exchange.getRequest().getHeaders(), admin);
        return tasks.call(() -> {
            Task task = tasks.get(id, scope);
            ResponseEntity.BodyBuilder answer = ResponseEntity.ok();
            if (task.status() == TaskStatus.SUCCEEDED && task.result() != null) {
                answer.header(TenantHeaders.USAGE, TenantHeaders.usage(task.result().usage()));
            }
            return answer.body(TaskView.of(task));
        });
    }

    /**
     * One event per status change, named by the status ({@code queued}, {@code running}, ...), its
     * data the task, its id the task's version; a comment every {@link #KEEP_ALIVE} in between, so
     * that proxies do not close the stream during a long model call.
     */
    @GetMapping(path = "/v1/tasks/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<TaskView>> events(@PathVariable String id, ServerWebExchange exchange) {
        TaskScope scope = TaskScope.of(exchange.getRequest().getHeaders(), admin);
        Flux<ServerSentEvent<TaskView>> states = tasks.events(id, scope).concatMapIterable(task -> {
            ServerSentEvent<TaskView> event = ServerSentEvent.builder(TaskView.of(task))
                    .id(Long.toString(task.version()))
                    .event(task.status().wireName())
                    .build();
            if (task.status() != TaskStatus.SUCCEEDED || task.result() == null) {
                return List.of(event);
            }
            // The gateway counts the tenant's tokens from this comment; clients ignore comments.
            return List.of(event, ServerSentEvent.<TaskView>builder()
                    .comment(TenantHeaders.usageComment(task.result().usage())).build());
        });
        return states.publish(shared -> Flux.merge(shared, Flux.interval(KEEP_ALIVE, KEEP_ALIVE)
                .map(tick -> ServerSentEvent.<TaskView>builder().comment("keep-alive").build())
                .takeUntilOther(shared.then())));
    }

    @DeleteMapping(path = "/v1/tasks/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<TaskView> cancel(@PathVariable String id, ServerWebExchange exchange) {
        TaskScope scope = TaskScope.of(exchange.getRequest().getHeaders(), admin);
        return tasks.call(() -> TaskView.of(tasks.cancel(id, scope)));
    }
}
