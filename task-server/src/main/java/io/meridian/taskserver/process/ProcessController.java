package io.meridian.taskserver.process;

import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.Queues;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskFailures;
import io.meridian.taskserver.taskapi.TaskIntake;
import io.meridian.taskserver.task.TaskProperties;
import io.meridian.taskserver.task.TaskRequest;
import io.meridian.taskserver.task.TaskResult;
import io.meridian.taskserver.taskapi.TaskService;
import io.meridian.taskserver.task.TaskView;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.ApiException;
import io.meridian.taskserver.web.TenantHeaders;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /process}: the synchronous call. It queues a task like {@code POST /v1/tasks} and
 * waits up to {@code meridian.tasks.sync-wait} for it: 200 with the answer when it succeeded in
 * time, the task's error (502 {@code model_error}, 504 {@code model_timeout}, 500) when it failed
 * for good, and 202 with the task's id and links when it is still queued, running or waiting for a
 * retry, so that the client can fetch the result later instead of losing the work.
 */
@RestController
class ProcessController {

    private final TaskService tasks;

    private final TaskIntake intake;

    private final String region;

    private final int maxQueryLength;

    private final List<String> kinds;

    private final Duration syncWait;

    ProcessController(TaskService tasks, TaskIntake intake, TaskServerProperties server, TaskProperties taskProperties,
            Queues queues) {
        this.tasks = tasks;
        this.intake = intake;
        this.region = server.region();
        this.maxQueryLength = server.maxQueryLength();
        this.kinds = queues.all().stream().map(QueueSettings::name).toList();
        this.syncWait = taskProperties.syncWait();
    }

    @PostMapping(path = "/process", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<?>> process(@RequestBody(required = false) Mono<JsonNode> body,
            @RequestHeader(name = TaskService.IDEMPOTENCY_KEY, required = false) @Nullable String idempotencyKey,
            @RequestHeader(name = TenantHeaders.ALLOWED_MODELS, required = false) @Nullable String allowedModels,
            ServerWebExchange exchange) {
        return intake.submit(body, "{\"query\": \"...\"}", json -> TaskRequest.from(json, maxQueryLength, kinds),
                        request -> request, idempotencyKey, allowedModels, exchange)
                .flatMap(submitted -> tasks.await(submitted.task().id(), syncWait))
                .map(this::answer);
    }

    private ResponseEntity<?> answer(Task task) {
        return switch (task.status()) {
            case SUCCEEDED -> ResponseEntity.ok()
                    .header(TenantHeaders.USAGE, TenantHeaders.usage(Objects.requireNonNull(task.result()).usage()))
                    .body(response(task, Objects.requireNonNull(task.result())));
            case FAILED, DEAD_LETTERED -> throw TaskFailures.toApiException(task);
            case CANCELLED -> throw new ApiException(ApiError.TASK_FINISHED, 409,
                    "task " + task.id() + " was cancelled before it answered", null, null);
            case QUEUED, RUNNING -> {
                TaskView.Accepted accepted = TaskView.Accepted.of(task);
                yield ResponseEntity.accepted().location(URI.create(accepted.links().self())).body(accepted);
            }
        };
    }

    private ProcessResponse response(Task task, TaskResult result) {
        Duration latency = Duration.between(task.createdAt(), Objects.requireNonNull(task.finishedAt()));
        return new ProcessResponse(region, result.answer(), result.model(), result.backend(), result.usage(),
                latency.toMillis());
    }
}
