package io.meridian.taskserver.llm;

import com.openai.errors.OpenAIServiceException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One model tier: a backend's endpoints, balanced, with passive health and a fallback.
 *
 * <p>Each call goes to the next endpoint, round robin, that is up. A call that fails (the server
 * cannot be reached, answers 5xx or 429, or exceeds the tier's {@code timeout}) marks its endpoint
 * down for {@code cooldown}; the first call that succeeds on it again marks it up. No probe runs in
 * the background: health is what the tier's own traffic learns, so an idle tier costs the model
 * servers nothing, and an endpoint comes back on the first call after its cooldown. When every
 * endpoint is down the one that has been down longest is tried anyway: one endpoint alone then
 * behaves as without tiers, and a tier never refuses work it might do.
 *
 * <p>When the call fails and the tier has a fallback, the fallback tier answers with its own model
 * and the completion says it came from a fallback, naming the model asked for. A client error
 * (a 4xx other than 408 and 429: the request itself is wrong) neither marks the endpoint down nor
 * falls back, since another model would refuse it too. A stream falls back only before its first
 * piece: a client that has read part of one answer cannot be given the rest of another.
 *
 * <p>The endpoints' backends may be shared with other tiers (the same server at the same URL), and
 * so their concurrency bounds; each tier keeps its own view of their health.
 */
final class TierBackend implements ChatBackend {

    private static final Logger log = LoggerFactory.getLogger(TierBackend.class);

    private final String tier;

    private final String backend;

    private final String model;

    private final List<Endpoint> endpoints;

    private final Duration cooldown;

    private final @Nullable Duration timeout;

    private final Clock clock;

    private final @Nullable TierBackend fallback;

    private final AtomicInteger next = new AtomicInteger();

    /**
     * A tier.
     *
     * @param tier      the tier's name, e.g. {@code complex}
     * @param backend   the backend's name, e.g. {@code openai}
     * @param model     the model asked when a request names none
     * @param endpoints the endpoints, at least one: their addresses and backends
     * @param cooldown  how long a failed endpoint is skipped
     * @param timeout   longest a call may take before it counts as failed, or {@code null}
     * @param clock     the clock of the cooldowns
     * @param fallback  the tier that answers when this one fails, or {@code null}
     */
    TierBackend(String tier, String backend, String model, Map<String, ChatBackend> endpoints, Duration cooldown,
            @Nullable Duration timeout, Clock clock, @Nullable TierBackend fallback) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("tier '" + tier + "' needs at least one endpoint");
        }
        this.tier = tier;
        this.backend = backend;
        this.model = model;
        this.endpoints = endpoints.entrySet().stream().map(e -> new Endpoint(e.getKey(), e.getValue())).toList();
        this.cooldown = cooldown;
        this.timeout = timeout;
        this.clock = clock;
        this.fallback = fallback;
    }

    /** @return the tier's name */
    String tier() {
        return tier;
    }

    /** @return the fallback tier, or {@code null} */
    @Nullable TierBackend fallback() {
        return fallback;
    }

    @Override
    public String name() {
        return backend;
    }

    @Override
    public String defaultModel() {
        return model;
    }

    /** What its endpoints' answers name: every endpoint of a tier is of the one backend. */
    @Override
    public String answersAs(@Nullable String requested) {
        return endpoints.get(0).backend.answersAs(requested != null ? requested : model);
    }

    /**
     * What every endpoint and every fallback honours: a parameter some fallback would drop is
     * refused rather than honoured only while this tier is up.
     */
    @Override
    public Set<ChatParameter> supports() {
        Set<ChatParameter> supported = EnumSet.allOf(ChatParameter.class);
        for (Endpoint endpoint : endpoints) {
            supported.retainAll(endpoint.backend.supports());
        }
        if (fallback != null) {
            supported.retainAll(fallback.supports());
        }
        return supported;
    }

    @Override
    public Mono<Completion> complete(CompletionRequest request) {
        String asked = request.model() != null ? request.model() : model;
        return Mono.defer(() -> {
            Endpoint endpoint = pick();
            Mono<Completion> call = endpoint.backend.complete(withModel(request, asked));
            if (timeout != null) {
                call = call.timeout(timeout);
            }
            return call.doOnSuccess(answer -> endpoint.up())
                    .onErrorMap(TimeoutException.class, error -> timedOut())
                    .doOnError(error -> endpoint.failed(error));
        }).onErrorResume(this::fallsBack, error -> {
            log.warn("Tier '{}' failed ({}); its fallback '{}' answers", tier, error.getMessage(), fallback.tier);
            return fallback.complete(withModel(request, null)).map(answer -> answer.fallbackFrom(asked));
        });
    }

    @Override
    public Flux<CompletionDelta> stream(CompletionRequest request) {
        String asked = request.model() != null ? request.model() : model;
        AtomicBoolean started = new AtomicBoolean();
        return Flux.defer(() -> {
            Endpoint endpoint = pick();
            Flux<CompletionDelta> steps = endpoint.backend.stream(withModel(request, asked));
            if (timeout != null) {
                // The first step bounds the wait; an answer that has begun runs at the model's pace.
                steps = steps.timeout(Mono.delay(timeout), step -> Mono.never());
            }
            return steps.doOnNext(step -> started.set(true))
                    .doOnComplete(endpoint::up)
                    .onErrorMap(TimeoutException.class, error -> timedOut())
                    .doOnError(error -> endpoint.failed(error));
        }).onErrorResume(error -> !started.get() && fallsBack(error), error -> {
            log.warn("Tier '{}' failed ({}); its fallback '{}' answers", tier, error.getMessage(), fallback.tier);
            return fallback.stream(withModel(request, null)).map(step -> step.completion() == null ? step
                    : CompletionDelta.last(step.text(), step.completion().fallbackFrom(asked)));
        });
    }

    /**
     * The state of each endpoint, as readiness reports it.
     *
     * @return the tier's backend, model, fallback and endpoints, each {@code up} or {@code down}
     */
    Map<String, Object> health() {
        Instant now = clock.instant();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("backend", backend);
        details.put("model", model);
        if (fallback != null) {
            details.put("fallback", fallback.tier);
        }
        if (timeout != null) {
            details.put("timeoutMillis", timeout.toMillis());
        }
        List<Map<String, Object>> states = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("url", endpoint.url);
            Instant until = endpoint.downUntil;
            state.put("status", until != null && until.isAfter(now) ? "down" : "up");
            if (until != null && until.isAfter(now)) {
                state.put("downUntil", until.toString());
            }
            String error = endpoint.lastError;
            if (error != null) {
                state.put("lastError", error);
            }
            states.add(state);
        }
        details.put("endpoints", states);
        return details;
    }

    private Endpoint pick() {
        Instant now = clock.instant();
        int size = endpoints.size();
        int start = Math.floorMod(next.getAndIncrement(), size);
        Endpoint longestDown = null;
        for (int i = 0; i < size; i++) {
            Endpoint candidate = endpoints.get((start + i) % size);
            Instant until = candidate.downUntil;
            if (until == null || !until.isAfter(now)) {
                return candidate;
            }
            if (longestDown == null || until.isBefore(longestDown.downUntil)) {
                longestDown = candidate;
            }
        }
        return longestDown;
    }

    private boolean fallsBack(Throwable error) {
        return fallback != null && !isClientError(error);
    }

    private ModelTimeoutException timedOut() {
        return new ModelTimeoutException(backend, timeout);
    }

    private static CompletionRequest withModel(CompletionRequest request, @Nullable String model) {
        return new CompletionRequest(request.query(), model, request.messages(), request.maxTokens(),
                request.parameters());
    }

    /**
     * Whether the model server refused the request itself (4xx but 408 and 429): Ollama's client
     * throws Spring's exceptions, the OpenAI SDK its own, both found by their status code.
     */
    static boolean isClientError(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            int status = -1;
            if (cause instanceof HttpClientErrorException http) {
                status = http.getStatusCode().value();
            }
            else if (cause instanceof WebClientResponseException web) {
                status = web.getStatusCode().value();
            }
            else if (cause instanceof OpenAIServiceException openAi) {
                status = openAi.statusCode();
            }
            if (status >= 400) {
                return status < 500 && status != 408 && status != 429;
            }
        }
        return false;
    }

    /** One endpoint and what the tier's calls learnt of it. */
    private final class Endpoint {

        final String url;

        final ChatBackend backend;

        volatile @Nullable Instant downUntil;

        volatile @Nullable String lastError;

        Endpoint(String url, ChatBackend backend) {
            this.url = url;
            this.backend = backend;
        }

        void up() {
            if (downUntil != null) {
                log.info("Tier '{}' endpoint {} answers again", tier, url);
            }
            downUntil = null;
        }

        void failed(Throwable error) {
            if (isClientError(error)) {
                return;
            }
            lastError = error.getMessage();
            downUntil = clock.instant().plus(cooldown);
            log.warn("Tier '{}' endpoint {} failed ({}); skipped for {} s", tier, url, error.getMessage(),
                    cooldown.toSeconds());
        }
    }
}
