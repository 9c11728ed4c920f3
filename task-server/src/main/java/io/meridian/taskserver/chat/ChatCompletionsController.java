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
 * {@code text/event-stream} at once and passes on the tokens of the attempt it shows as the worker
 * produces them (see {@link TaskTokens}). When the task ends, whatever of the answer was not yet
 * sent (all of it if the task ran on another replica) follows in one chunk, then the tool calls the
 * model asked for, if any, and the model's finish reason; a retry that changed an
 * answer already partly sent, or a failure, ends the stream with an OpenAI-style {@code error}
 * event instead of {@code [DONE]}.
 */
@RestController
class ChatCompletionsController {

    /** The end of an OpenAI stream. */
    static final String DONE = "[DONE]";

    /** How often a stream without news says it is alive (a task may wait long in its queue). */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final TaskService tasks;

    private final TaskIntake intake;

    private final TaskTokens tokens;

    private final ChatBackend backend;

    private final JsonMapper json;

    private final String region;

    private final int maxQueryLength;

    private final ModelCatalog models;

    private final Duration syncWait;

    private final TaskServerProperties limits;

    ChatCompletionsController(TaskService tasks, TaskIntake intake, TaskTokens tokens, ChatBackend backend,
            JsonMapper json, TaskServerProperties server, TaskProperties taskProperties, ModelCatalog models) {
        this.tasks = tasks;
        this.intake = intake;
        this.tokens = tokens;
        this.backend = backend;
        this.json = json;
        this.region = server.region();
        this.limits = server;
        this.maxQueryLength = server.maxQueryLength();
        this.models = models;
        this.syncWait = taskProperties.syncWait();
    }

    @PostMapping(path = "/v1/chat/completions", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<?>> complete(@RequestBody(required = false) Mono<JsonNode> body,
            @RequestHeader(name = TaskService.IDEMPOTENCY_KEY, required = false) @Nullable String idempotencyKey,
            @RequestHeader(name = TenantHeaders.ALLOWED_MODELS, required = false) @Nullable String allowedModels,
            ServerWebExchange exchange) {
        return intake.submit(body, "{\"model\": \"...\", \"messages\": [...]}",
                        node -> ChatCompletionRequest.from(node, models, limits.maxMessages(), limits.maxTokens())
                                .refuseUnsupported(backend),
                        this::taskRequest, idempotencyKey, allowedModels, exchange)
                .flatMap(submitted -> {
                    ChatCompletionRequest request = submitted.request();
                    Task task = submitted.task();
                    if (request.stream()) {
                        return Mono.just(ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM)
                                .body(stream(task, request.includeUsage())));
                    }
                    return tasks.await(task.id(), syncWait).map(this::answer);
                });
    }

    private TaskRequest taskRequest(ChatCompletionRequest request) {
        String transcript = request.transcript();
        int length = transcript.codePointCount(0, transcript.length());
        if (length > maxQueryLength) {
            throw new InvalidRequestException(ApiError.QUERY_TOO_LONG, "messages must hold at most " + maxQueryLength
                    + " characters in all (with a role tag per message), but had " + length, "messages");
        }
        return new TaskRequest(transcript, request.kind(), request.model(), request.messages(), request.stream(),
                request.maxTokens(), request.parameters());
    }

    private ResponseEntity<?> answer(Task task) {
        return switch (task.status()) {
            case SUCCEEDED -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                    .header(TenantHeaders.USAGE, TenantHeaders.usage(Objects.requireNonNull(task.result()).usage()))
                    .body(ChatCompletion.of(task, region));
            case FAILED, DEAD_LETTERED, CANCELLED -> throw TaskFailures.toApiException(task);
            case QUEUED, RUNNING -> throw new ApiException(ApiError.MODEL_TIMEOUT, 504, "task " + task.id()
                    + " did not finish within " + syncWait.toMillis() + " ms; it goes on, and GET /v1/tasks/"
                    + task.id() + " reads its result", null, null);
        };
    }

    private Flux<ServerSentEvent<String>> stream(Task task, boolean includeUsage) {
        String id = ChatCompletion.ID_PREFIX + task.id();
        long created = task.createdAt().getEpochSecond();
        // Chunks before the answer name the model asked for, except on a backend that answers under
        // its own name whatever is asked (simulated): it never passes for the model named.
        String model = backend.name().equals(backend.defaultModel()) ? backend.defaultModel() : task.model();
        StringBuilder sent = new StringBuilder();
        AtomicInteger shownAttempt = new AtomicInteger(-1);
        Mono<Task> finished = tasks.events(task.id().toString(), TaskScope.tenant(task.tenant()))
                .filter(state -> state.status().isTerminal())
                .last()
                .cache();
        // The hub completes a task's tokens when it finishes, after replaying those held; releasing
        // them here too ends a stream whose tokens never come (the task ran on another replica or
        // finished before this subscription), without cutting off any that did.
        Flux<ServerSentEvent<String>> pieces = Flux.merge(tokens.tokens(task.id()),
                        finished.doOnNext(last -> tokens.release(task.id())).thenMany(Flux.<TaskTokens.Token>empty()))
                .filter(token -> shownAttempt.compareAndSet(-1, token.attempt())
                        || shownAttempt.get() == token.attempt())
                .map(token -> {
                    sent.append(token.text());
                    return event(ChatCompletionChunk.of(id, created, model,
                            new ChatCompletionChunk.Delta(null, token.text()), null));
                });
        Flux<ServerSentEvent<String>> end = finished.flatMapMany(last -> {
            if (last.status() != TaskStatus.SUCCEEDED) {
                return Flux.just(error(TaskFailures.toApiException(last)));
            }
            TaskResult result = Objects.requireNonNull(last.result());
            if (!result.answer().startsWith(sent.toString())) {
                return Flux.just(error(new ApiException(ApiError.MODEL_ERROR, 502, "the model's answer was "
                        + "interrupted and retried after part of it was sent; GET /v1/tasks/" + last.id()
                        + " reads the whole answer", null, null)));
            }
            Flux<ServerSentEvent<String>> rest = Flux.empty();
            String remainder = result.answer().substring(sent.length());
            if (!remainder.isEmpty()) {
                rest = Flux.just(event(ChatCompletionChunk.of(id, created, result.model(),
                        new ChatCompletionChunk.Delta(null, remainder), null)));
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
        });
        Flux<ServerSentEvent<String>> first = Flux.just(event(ChatCompletionChunk.of(id, created, model,
                new ChatCompletionChunk.Delta("assistant", ""), null)));
        Flux<ServerSentEvent<String>> events = Flux.concat(first, pieces, end)
                .doFinally(signal -> tokens.release(task.id()));
        return events.publish(shared -> Flux.merge(shared, Flux.interval(KEEP_ALIVE, KEEP_ALIVE)
                .map(tick -> ServerSentEvent.<String>builder().comment("keep-alive").build())
                .takeUntilOther(shared.then())));
    }

    private ServerSentEvent<String> event(Object data) {
        return ServerSentEvent.builder(json.writeValueAsString(data)).build();
    }

    /** An error in a stream, in OpenAI's shape, which OpenAI clients raise as an API error. */
    private ServerSentEvent<String> error(ApiException failure) {
        return ServerSentEvent.builder(OpenAiErrors.toJson(failure.body())).build();
    }
}
