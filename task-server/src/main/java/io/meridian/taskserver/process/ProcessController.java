package io.meridian.taskserver.process;

import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.llm.ChatBackend;
import io.meridian.taskserver.llm.Completion;
import io.meridian.taskserver.llm.CompletionRequest;
import io.meridian.taskserver.llm.ModelProperties;
import io.meridian.taskserver.llm.ModelTimeoutException;
import io.meridian.taskserver.load.LoadTracker;
import io.meridian.taskserver.load.OverloadedException;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.InvalidRequestException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /process}: validates the query, asks the backend and waits at most
 * {@code meridian.model.timeout} for the answer. Failures become {@link ApiError} answers in the
 * {@code web} package.
 */
@RestController
class ProcessController {

    private final ChatBackend backend;

    private final String region;

    private final int maxQueryLength;

    private final Duration timeout;

    private final Clock clock;

    private final LoadTracker load;

    ProcessController(ChatBackend backend, TaskServerProperties server, ModelProperties model, Clock clock,
            LoadTracker load) {
        this.load = load;
        this.backend = backend;
        this.region = server.region();
        this.maxQueryLength = server.maxQueryLength();
        this.timeout = model.timeout();
        this.clock = clock;
    }

    @PostMapping(path = "/process", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ProcessResponse> process(@RequestBody(required = false) Mono<JsonNode> body) {
        return body
                .switchIfEmpty(Mono.error(() -> new InvalidRequestException(ApiError.MALFORMED_JSON,
                        "request body is empty; send a JSON object such as {\"query\": \"...\"}", null)))
                .map(json -> ProcessRequest.from(json, maxQueryLength))
                .flatMap(this::answer);
    }

    private Mono<ProcessResponse> answer(ProcessRequest request) {
        return Mono.defer(() -> {
            if (!load.tryAcquire()) {
                return Mono.error(new OverloadedException(load.capacity()));
            }
            long started = clock.millis();
            return backend.complete(new CompletionRequest(request.query(), request.model()))
                    .timeout(timeout)
                    .onErrorMap(TimeoutException.class, e -> new ModelTimeoutException(backend.name(), timeout))
                    .map(completion -> response(completion, clock.millis() - started))
                    .doFinally(signal -> load.release());
        });
    }

    private ProcessResponse response(Completion completion, long latencyMs) {
        return new ProcessResponse(region, completion.text(), completion.model(), completion.backend(),
                completion.usage(), latencyMs);
    }
}
