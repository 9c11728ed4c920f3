package io.meridian.taskserver.chat;

import io.meridian.protocol.OpenAiErrors;
import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.llm.ChatBackend;
import io.meridian.taskserver.models.ModelCatalog;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskFailures;
import io.meridian.taskserver.taskapi.TaskIntake;
import io.meridian.taskserver.task.TaskProperties;
import io.meridian.taskserver.task.TaskRequest;
import io.meridian.taskserver.task.TaskResult;
import io.meridian.taskserver.task.TaskScope;
import io.meridian.taskserver.taskapi.TaskService;
import io.meridian.taskserver.task.TaskStatus;
import io.meridian.taskserver.taskapi.TaskTokens;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.ApiException;
import io.meridian.taskserver.web.InvalidRequestException;
import io.meridian.taskserver.web.TenantHeaders;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/chat/completions}, OpenAI's chat completions API over Meridian's queues.
 *
 * <p>The conversation becomes a task whose query is its role-tagged transcript (what the length
 * limit and the classifier read) and which carries the messages with their roles for the model.
 * A {@code model} naming a queue's model routes there, as does a queue's name or an alias of either
 * ({@link ModelCatalog}); any other model is refused with 404 {@code model_not_found}. Idempotency keys,
 * admission limits and retries are the task API's.
 *
 * <p>Plain: waits for the task like {@code POST /process} ({@code meridian.tasks.sync-wait}) and
 * answers a {@link ChatCompletion}; a task still running then answers 504 {@code model_timeout}
 * naming the task, whose result {@code GET /v1/tasks/{id}} reads later. Streamed: answers
 * {@code text/event-stream} at once and passes on the tokens as {@link ChatRun} gives them. When
 * the task ends, whatever of the answer was not yet sent follows in one chunk, then the tool calls
 * the model asked for, if any, and the model's finish reason; a retry that changed an answer
 * already partly sent, or a failure, ends the stream with an OpenAI-style {@code error} event
 * instead of {@code [DONE]}.
 */
@RestController
class ChatCompletionsController {

    /** The end of an OpenAI stream. */
    static final String DONE = "[DONE]";

    private final TaskService tasks;

    private final TaskIntake intake;

    private final ChatRun run;

    private final ChatBackend backend;

    private final JsonMapper json;

    private final String region;

    private final int maxQueryLength;

    private final ModelCatalog models;

    private final TaskServerProperties limits;

    ChatCompletionsController(TaskService tasks, TaskIntake intake, TaskTokens tokens, ChatBackend backend,
            JsonMapper json, TaskServerProperties server, TaskProperties taskProperties, ModelCatalog models) {
        this.tasks = tasks;
        this.intake = intake;
        this.run = new ChatRun(tasks, tokens, taskProperties.syncWait());
        this.backend = backend;
        this.json = json;
        this.region = server.region();
        this.limits = server;
        this.maxQueryLength = server.maxQueryLength();
        this.models = models;
    }

    @PostMapping(path = "/v1/chat/completions", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<?>> complete(@RequestBody(required = false) Mono<JsonNode> body,
            @RequestHeader(name = TaskService.IDEMPOTENCY_KEY, required = false) @Nullable String idempotencyKey,
            @RequestHeader(name = TenantHeaders.ALLOWED_MODELS, required = false) @Nullable String allowedModels,
            ServerWebExchange exchange) {
        return intake.submit(body, "{\"model\": \"...\", \"messages\": [...]}",
                        node -> ChatCompletionRequest.from(node, models, limits.maxMessages(), limits.maxTokens())
                                .refuseUnsupported(backend),
                        request -> request.toTask(maxQueryLength), idempotencyKey, allowedModels, exchange)
                .flatMap(submitted -> {
                    ChatCompletionRequest request = submitted.request();
                    Task task = submitted.task();
                    if (request.stream()) {
                        return Mono.just(ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM)
                                .body(stream(task, request.includeUsage())));
                    }
                    return run.result(task).map(this::answer);
                });
    }

    private ResponseEntity<?> answer(Task task) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .header(TenantHeaders.USAGE, TenantHeaders.usage(Objects.requireNonNull(task.result()).usage()))
                .body(ChatCompletion.of(task, region));
    }

    private Flux<ServerSentEvent<String>> stream(Task task, boolean includeUsage) {
        String id = ChatCompletion.ID_PREFIX + task.id();
        long created = task.createdAt().getEpochSecond();
        // Chunks before the answer name the model the answer will: the one asked for, or a simulated
        // tier's own name, so that it never passes for the model named.
        String model = backend.answersAs(task.model());
        Flux<ServerSentEvent<String>> pieces = run.pieces(task).concatMap(piece -> switch (piece) {
            case ChatRun.Text text -> Flux.just(event(ChatCompletionChunk.of(id, created, model,
                    new ChatCompletionChunk.Delta(null, text.text()), null)));
            case ChatRun.Failed failed -> Flux.just(error(failed.failure()));
            case ChatRun.Finished finished -> end(id, created, finished, includeUsage);
        });
        Flux<ServerSentEvent<String>> first = Flux.just(event(ChatCompletionChunk.of(id, created, model,
                new ChatCompletionChunk.Delta("assistant", ""), null)));
        return ChatRun.keptAlive(Flux.concat(first, pieces),
                () -> ServerSentEvent.<String>builder().comment("keep-alive").build());
    }

    private Flux<ServerSentEvent<String>> end(String id, long created, ChatRun.Finished finished, boolean includeUsage) {
        TaskResult result = finished.result();
        Flux<ServerSentEvent<String>> rest = Flux.empty();
        if (!finished.remainder().isEmpty()) {
            rest = Flux.just(event(ChatCompletionChunk.of(id, created, result.model(),
                    new ChatCompletionChunk.Delta(null, finished.remainder()), null)));
        }
        if (!result.toolCalls().isEmpty()) {
            // Tool calls arrive whole from the model server's client, so they go in one chunk.
            rest = rest.concatWithValues(event(ChatCompletionChunk.of(id, created, result.model(),
                    ChatCompletionChunk.Delta.toolCalls(result.toolCalls()), null)));
        }
        rest = rest.concatWithValues(event(ChatCompletionChunk.of(id, created, result.model(),
                new ChatCompletionChunk.Delta(null, null), result.finishReason())));
        if (includeUsage) {
            rest = rest.concatWithValues(event(ChatCompletionChunk.usage(id, created, result.model(),
                    ChatCompletion.Usage.of(result.usage()))));
        }
        // The gateway counts the tenant's tokens from this comment; clients ignore comments.
        return rest.concatWithValues(ServerSentEvent.<String>builder().comment(TenantHeaders.usageComment(result.usage())).build(),
                ServerSentEvent.builder(DONE).build());
    }

    private ServerSentEvent<String> event(Object data) {
        return ServerSentEvent.builder(json.writeValueAsString(data)).build();
    }

    /** An error in a stream, in OpenAI's shape, which OpenAI clients raise as an API error. */
    private ServerSentEvent<String> error(ApiException failure) {
        return ServerSentEvent.builder(OpenAiErrors.toJson(failure.body())).build();
    }
}
