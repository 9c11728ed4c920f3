package io.meridian.taskserver.taskapi;

import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskRequest;
import io.meridian.taskserver.tracing.TaskTracing;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.InvalidRequestException;
import io.meridian.taskserver.web.JsonLimits;
import io.meridian.taskserver.web.TenantHeaders;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The one submit path of {@code POST /v1/tasks}, {@code POST /process} and {@code POST
 * /v1/chat/completions}: what each of them does before its own answer.
 *
 * <ol>
 *   <li>Reads what the gateway says about the caller from the request's headers: the tenant
 *       ({@value TenantHeaders#TENANT}), the models it may use ({@value TenantHeaders#ALLOWED_MODELS}),
 *       the token cap it reserved ({@value TenantHeaders#MAX_TOKENS}) and the trace to continue. A
 *       malformed header is refused before the body is read.
 *   <li>Refuses an empty body (400 {@code malformed_json}) and one nested deeper than
 *       {@code meridian.server.max-json-depth}.
 *   <li>Reads the body into the endpoint's request and that into a {@link TaskRequest} (both may
 *       refuse it with a 400), caps its tokens at the gateway's reservation, and submits it to the
 *       {@link TaskService}, off the event loop when the queue backend blocks.
 * </ol>
 */
public final class TaskIntake {

    private final TaskService tasks;

    private final TaskTracing tracing;

    private final int maxJsonDepth;

    /**
     * @param tasks   the service the tasks go to
     * @param tracing reads the trace a request continues
     * @param server  the JSON depth limit
     */
    public TaskIntake(TaskService tasks, TaskTracing tracing, TaskServerProperties server) {
        this.tasks = tasks;
        this.tracing = tracing;
        this.maxJsonDepth = server.maxJsonDepth();
    }

    /**
     * Submits the task a request asks for.
     *
     * @param <R>            the endpoint's request
     * @param body           the request's JSON body
     * @param example        a body to show in the error for an empty one
     * @param read           reads the endpoint's request from the body, or throws its 400
     * @param toTask         the task the endpoint's request asks for, or throws its 400
     * @param idempotencyKey the client's {@value TaskService#IDEMPOTENCY_KEY}, or {@code null}
     * @param allowedModels  the gateway's {@value TenantHeaders#ALLOWED_MODELS}, or {@code null}
     * @param exchange       the request
     * @return the endpoint's request with the queued task (or the earlier one under the same key)
     */
    public <R> Mono<Submitted<R>> submit(Mono<JsonNode> body, String example, Function<JsonNode, R> read,
            Function<R, TaskRequest> toTask, @Nullable String idempotencyKey, @Nullable String allowedModels,
            ServerWebExchange exchange) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        String traceParent = tracing.traceParent(exchange);
        String tenant = TenantHeaders.tenant(headers.getFirst(TenantHeaders.TENANT));
        Integer cap = TenantHeaders.maxTokens(headers.getFirst(TenantHeaders.MAX_TOKENS));
        return body
                .switchIfEmpty(Mono.error(() -> new InvalidRequestException(ApiError.MALFORMED_JSON,
                        "request body is empty; send a JSON object such as " + example, null)))
                .map(json -> {
                    JsonLimits.checkDepth(json, maxJsonDepth);
                    return read.apply(json);
                })
                .flatMap(request -> tasks.call(() -> {
                    TaskRequest task = toTask.apply(request).cappedAt(cap);
                    return new Submitted<>(request, tasks.submit(task, idempotencyKey,
                            TenantHeaders.allowedModels(allowedModels), traceParent, tenant).task());
                }));
    }

    /**
     * A submitted request.
     *
     * @param <R>     the endpoint's request
     * @param request the endpoint's request
     * @param task    the queued task, or the earlier one under the same idempotency key
     */
    public record Submitted<R>(R request, Task task) {
    }
}
