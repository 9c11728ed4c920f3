package io.meridian.taskserver.chat;

import io.meridian.protocol.OllamaErrors;
import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.llm.ChatBackend;
import io.meridian.taskserver.models.ModelCatalog;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskProperties;
import io.meridian.taskserver.taskapi.TaskIntake;
import io.meridian.taskserver.taskapi.TaskService;
import io.meridian.taskserver.taskapi.TaskTokens;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.ApiException;
import io.meridian.taskserver.web.InvalidRequestException;
import io.meridian.taskserver.web.TenantHeaders;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/chat} and {@code POST /api/generate}, Ollama's API over Meridian's queues, so
 * that an Ollama client (LangChain's {@code ChatOllama}, Spring AI's {@code OllamaChatModel}, the
 * {@code ollama} package) works with a region or the gateway as its base URL.
 *
 * <p>Each body becomes the same {@link ChatCompletionRequest} an OpenAI chat completion does
 * ({@link OllamaRequest}), so it takes the same queues, model names, limits, tenancy,
 * {@code Idempotency-Key}s and retries, and its answer comes the same way ({@link ChatRun}). Only
 * the wire differs: streamed, as Ollama does by default, the answer is NDJSON
 * ({@code application/x-ndjson}), one {@link OllamaAnswer} per piece of text and a last one with
 * {@code "done": true}, the reason and the counts (which the gateway meters); {@code "stream":
 * false} answers that last object alone, with the whole text. A streamed answer that fails ends
 * with Ollama's error line {@code {"error": "..."}}. A stream without news sends an empty piece
 * every {@link ChatRun#KEEP_ALIVE}, which Ollama's clients add to the answer as nothing.
 *
 * <p>The body is read whatever its {@code Content-Type}, as Ollama reads it: {@code curl -d}
 * sends {@code application/x-www-form-urlencoded}.
 */
@RestController
class OllamaController {

    /** NDJSON, the media type of Ollama's streamed answers. */
    static final MediaType NDJSON = MediaType.APPLICATION_NDJSON;

    private final TaskIntake intake;

    private final ChatRun run;

    private final ChatBackend backend;

    private final JsonMapper json;

    private final String region;

    private final TaskServerProperties limits;

    private final ModelCatalog models;

    private final Clock clock;

    OllamaController(TaskService tasks, TaskIntake intake, TaskTokens tokens, ChatBackend backend, JsonMapper json,
            TaskServerProperties server, TaskProperties taskProperties, ModelCatalog models, Clock clock) {
        this.intake = intake;
        this.run = new ChatRun(tasks, tokens, taskProperties.syncWait());
        this.backend = backend;
        this.json = json;
        this.region = server.region();
        this.limits = server;
        this.models = models;
        this.clock = clock;
    }

    @PostMapping("/api/chat")
    Mono<ResponseEntity<?>> chat(
            @RequestHeader(name = TaskService.IDEMPOTENCY_KEY, required = false) @Nullable String idempotencyKey,
            @RequestHeader(name = TenantHeaders.ALLOWED_MODELS, required = false) @Nullable String allowedModels,
            ServerWebExchange exchange) {
        return answer(false, "{\"model\": \"...\", \"messages\": [...]}", idempotencyKey, allowedModels, exchange);
    }

    @PostMapping("/api/generate")
    Mono<ResponseEntity<?>> generate(
            @RequestHeader(name = TaskService.IDEMPOTENCY_KEY, required = false) @Nullable String idempotencyKey,
            @RequestHeader(name = TenantHeaders.ALLOWED_MODELS, required = false) @Nullable String allowedModels,
            ServerWebExchange exchange) {
        return answer(true, "{\"model\": \"...\", \"prompt\": \"...\"}", idempotencyKey, allowedModels, exchange);
    }

    private Mono<ResponseEntity<?>> answer(boolean generate, String example, @Nullable String idempotencyKey,
            @Nullable String allowedModels, ServerWebExchange exchange) {
        // Read as bytes, past the codecs, which would refuse a form-encoded body (415) or read it as a form.
        Mono<JsonNode> tree = DataBufferUtils.join(exchange.getRequest().getBody())
                .map(joined -> {
                    try {
                        byte[] bytes = new byte[joined.readableByteCount()];
                        joined.read(bytes);
                        return bytes;
                    } finally {
                        DataBufferUtils.release(joined);
                    }
                })
                .filter(bytes -> bytes.length > 0)
                .map(this::parse);
        return intake.submit(tree, example,
                        node -> OllamaRequest.from(node, generate, models, limits.maxMessages(), limits.maxTokens())
                                .refuseUnsupported(backend),
                        request -> request.chat().toTask(limits.maxQueryLength()), idempotencyKey, allowedModels,
                        exchange)
                .flatMap(submitted -> {
                    OllamaRequest request = submitted.request();
                    Task task = submitted.task();
                    if (request.chat().stream()) {
                        return Mono.just(ResponseEntity.ok().contentType(NDJSON).body(stream(task, generate)));
                    }
                    return run.result(task).map(done -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                            .header(TenantHeaders.USAGE, TenantHeaders.usage(Objects.requireNonNull(done.result()).usage()))
                            .body(OllamaAnswer.last(generate, done, region, done.result().answer())));
                });
    }

    private JsonNode parse(byte[] body) {
        try {
            return json.readTree(body);
        } catch (JacksonException malformed) {
            throw new InvalidRequestException(ApiError.MALFORMED_JSON, "request body is not JSON: "
                    + malformed.getOriginalMessage(), null);
        }
    }

    private Flux<Object> stream(Task task, boolean generate) {
        // As on /v1/chat/completions: pieces before the answer name the model the answer will.
        String model = backend.answersAs(task.model());
        // Each object is a line of its own (the NDJSON encoder writes and flushes them one by one).
        Flux<Object> lines = run.pieces(task).map(piece -> switch (piece) {
            case ChatRun.Text text -> OllamaAnswer.piece(generate, model, clock.instant(), text.text());
            case ChatRun.Finished finished -> OllamaAnswer.last(generate, finished.task(), region,
                    finished.remainder());
            case ChatRun.Failed failed -> error(failed.failure());
        });
        Flux<Object> first = Flux.just(OllamaAnswer.piece(generate, model, clock.instant(), ""));
        return ChatRun.keptAlive(Flux.concat(first, lines),
                () -> OllamaAnswer.piece(generate, model, clock.instant(), ""));
    }

    /** Ollama's error line, which its clients raise as an error. */
    private static Map<String, String> error(ApiException failure) {
        return Map.of("error", OllamaErrors.message(failure.body()));
    }
}
