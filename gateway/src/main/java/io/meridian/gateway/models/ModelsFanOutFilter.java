package io.meridian.gateway.models;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.isAlreadyRouted;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.setAlreadyRouted;

import io.meridian.gateway.error.ErrorResponses;
import io.meridian.gateway.failover.FailoverForwardingFilter;
import io.meridian.gateway.failover.RegionGuards;
import io.meridian.gateway.forwarding.CallKind;
import io.meridian.gateway.forwarding.Deadline;
import io.meridian.gateway.forwarding.RegionAnswer;
import io.meridian.gateway.forwarding.RegionClient;
import io.meridian.gateway.forwarding.RegionRequest;
import io.meridian.gateway.forwarding.RequestBody;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.routing.ApiPaths;
import io.meridian.gateway.routing.RoutingAttributes;
import io.meridian.gateway.routing.RoutingDecision;
import io.meridian.protocol.ErrorCodes;
import io.meridian.region.RankedRegion;
import io.meridian.region.Region;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers {@code GET /v1/models}, {@code GET /v1/models/{id}} and Ollama's {@code GET /api/tags}
 * from every region the request may reach, instead of forwarding it to one: a model is served
 * wherever one region serves it, and a client listing models should see them all, whichever API
 * it speaks.
 *
 * <p>Design note: it runs where the forwarding filter would, after the key check, the rate limit,
 * residency and drains have shaped the request's candidates ({@link RoutingDecision}), so a tenant
 * confined to a zone lists only that zone's models and one restricted to some models only those
 * (the regions read its allowed models from the headers the {@link RegionClient} sends, as on every
 * request). Every healthy candidate whose circuit is closed is asked at once, through the same
 * client and with the same headers as a forwarded request, on one healthy endpoint, within
 * {@code meridian.models.timeout}; the answers are merged by id ({@link ModelLists}: OpenAI's
 * {@code id}, Ollama's {@code name}), each list in its own shape. A region that is down, open,
 * slow or failing is left out and named under {@code meridian.unavailable}, in both shapes: the
 * answer is partial rather than late. Only when no region answers is it {@code 503
 * no_region_available} (in Ollama's error shape on {@code /api/tags}, as every error there). For one id, the model is found when any region has it and {@code 404
 * model_not_found} when every region that answered has not.
 *
 * <p>Nothing here touches the circuit breakers or the retry budget: a listing is a read the gateway
 * makes on the client's behalf, and a region's failure to list is not a failed request.
 */
public final class ModelsFanOutFilter implements GlobalFilter, Ordered {

    /** Just before the forwarding filter, which then finds the exchange answered. */
    public static final int ORDER = FailoverForwardingFilter.ORDER - 1;

    private static final String LIST_PATH = "/v1/models";

    private static final String TAGS_PATH = ApiPaths.OLLAMA_TAGS;

    private static final String ITEM_PREFIX = "/v1/models/";

    /** Largest model list read from one region. */
    private static final int MAX_LIST_BYTES = 1024 * 1024;

    private final RegionClient client;
    private final HealthRegistry health;
    private final RegionGuards guards;
    private final Duration timeout;
    private final long retryAfterSeconds;
    private final JsonMapper json = JsonMapper.builder().build();

    ModelsFanOutFilter(RegionClient client, HealthRegistry health, RegionGuards guards, Duration timeout,
            long retryAfterSeconds) {
        this.client = client;
        this.health = health;
        this.guards = guards;
        this.timeout = timeout;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * Whether the request asks for the models: {@code GET} (or {@code HEAD}) on OpenAI's list or
     * one model, or on Ollama's tags.
     */
    static boolean isModelsRequest(HttpMethod method, String path) {
        return (method == HttpMethod.GET || method == HttpMethod.HEAD)
                && (path.equals(LIST_PATH) || path.equals(TAGS_PATH)
                        || path.startsWith(ITEM_PREFIX) && path.length() > ITEM_PREFIX.length());
    }

    /** The list format a path asks for, or {@code null} for one model. */
    private static ModelLists.@Nullable Format listFormat(String path) {
        return switch (path) {
            case LIST_PATH -> ModelLists.Format.OPENAI;
            case TAGS_PATH -> ModelLists.Format.OLLAMA;
            default -> null;
        };
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        RoutingDecision decision = RoutingAttributes.decision(exchange);
        String path = exchange.getRequest().getPath().value();
        if (decision == null || isAlreadyRouted(exchange) || !isModelsRequest(exchange.getRequest().getMethod(), path)) {
            return chain.filter(exchange);
        }
        setAlreadyRouted(exchange);
        List<Region> asked = new ArrayList<>();
        List<ModelLists.Unavailable> unavailable = new ArrayList<>();
        for (RankedRegion candidate : decision.candidates()) {
            Region region = candidate.region();
            if (!health.isHealthy(region)) {
                unavailable.add(new ModelLists.Unavailable(region.id(), "down"));
            } else if (guards.circuitOpen(region)) {
                unavailable.add(new ModelLists.Unavailable(region.id(), "circuit open"));
            } else {
                asked.add(region);
            }
        }
        // The gateway reads these answers itself, so it asks for them unencoded, whatever the client accepts.
        ServerWebExchange plain = exchange.mutate()
                .request(builder -> builder.headers(headers -> headers.remove(HttpHeaders.ACCEPT_ENCODING))).build();
        RegionRequest request = RegionRequest.of(plain, RequestBody.of(new byte[0]));
        Deadline deadline = new Deadline(CallKind.READ, timeout, timeout, timeout);
        return Flux.fromIterable(asked)
                .flatMapSequential(region -> ask(region, request, deadline))
                .collectList()
                .flatMap(answers -> answer(exchange, path, answers, unavailable));
    }

    /** One region's answer: its status and body, or why it gave none. */
    private record Reply(Region region, int status, @Nullable JsonNode body, @Nullable String failure) {
    }

    private Mono<Reply> ask(Region region, RegionRequest request, Deadline deadline) {
        URI endpoint = region.endpoints().stream().filter(health::isHealthy).findFirst().orElse(region.primaryEndpoint());
        return client.send(endpoint, request, deadline)
                .flatMap(answer -> read(region, answer, request.exchange()))
                .timeout(timeout.multipliedBy(2), Mono.error(() -> new TimeoutException("no answer")))
                .onErrorResume(failure -> Mono.just(new Reply(region, 0, null, reason(failure))));
    }

    private Mono<Reply> read(Region region, RegionAnswer answer, ServerWebExchange exchange) {
        int status = answer.status();
        if (status != 200 && status != 404) {
            answer.discard();
            return Mono.just(new Reply(region, status, null, "answered " + status));
        }
        return DataBufferUtils.join(answer.body(exchange.getResponse().bufferFactory()),
                        MAX_LIST_BYTES)
                .map(buffer -> {
                    try {
                        return new Reply(region, status, json.readTree(buffer.asInputStream()), null);
                    } finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .defaultIfEmpty(new Reply(region, status, null, "answered " + status + " without a body"));
    }

    private static String reason(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            // Reactor Netty's response timeout is a ReadTimeoutException, as is a stalled body.
            if (cause instanceof TimeoutException || cause instanceof ReadTimeoutException) {
                return "timeout";
            }
        }
        return failure instanceof tools.jackson.core.JacksonException ? "answered something that is not JSON"
                : "unreachable";
    }

    private Mono<Void> answer(ServerWebExchange exchange, String path, List<Reply> replies,
            List<ModelLists.Unavailable> unavailable) {
        List<ModelLists.Unavailable> missing = new ArrayList<>(unavailable);
        List<ModelLists.RegionModels> found = new ArrayList<>();
        List<String> answered = new ArrayList<>();
        List<String> notFound = new ArrayList<>();
        ModelLists.Format format = listFormat(path);
        boolean list = format != null;
        for (Reply reply : replies) {
            JsonNode body = reply.body();
            if (reply.status() == 200 && body != null && body.isObject()) {
                JsonNode models = format != null ? body.get(format.member()) : body;
                if (list && (models == null || !models.isArray())) {
                    missing.add(new ModelLists.Unavailable(reply.region().id(), "answered something that is not a list"));
                    continue;
                }
                answered.add(reply.region().id());
                found.add(new ModelLists.RegionModels(reply.region().id(),
                        list ? models.valueStream().toList() : List.of(models)));
            } else if (reply.status() == 404 && !list) {
                answered.add(reply.region().id());
                notFound.add(reply.region().id());
            } else {
                missing.add(new ModelLists.Unavailable(reply.region().id(),
                        reply.failure() != null ? reply.failure() : "answered " + reply.status()));
            }
        }
        if (answered.isEmpty()) {
            exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
            return ErrorResponses.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, ErrorCodes.NO_REGION_AVAILABLE,
                    "no region answered " + path + ": " + describe(missing), null);
        }
        List<ObjectNode> models = ModelLists.merge(format != null ? format : ModelLists.Format.OPENAI, found);
        if (format != null) {
            return write(exchange, ModelLists.list(format, models, answered, missing));
        }
        if (models.isEmpty()) {
            String id = path.substring(ITEM_PREFIX.length());
            return ErrorResponses.write(exchange, HttpStatus.NOT_FOUND, ErrorCodes.MODEL_NOT_FOUND, "the model '"
                    + shown(id) + "' does not exist in any region that answered (" + String.join(", ", notFound)
                    + ") or this API key may not use it"
                    + (missing.isEmpty() ? "" : "; not asked or not answering: " + describe(missing)), "model");
        }
        return write(exchange, models.getFirst());
    }

    private static String describe(List<ModelLists.Unavailable> missing) {
        if (missing.isEmpty()) {
            return "none may serve this request";
        }
        return String.join(", ", missing.stream().map(region -> region.region() + " (" + region.reason() + ")").toList());
    }

    private static String shown(String id) {
        return id.length() <= 100 ? id : id.substring(0, 100) + "...";
    }

    private Mono<Void> write(ServerWebExchange exchange, JsonNode document) {
        byte[] body = json.writeValueAsString(document).getBytes(StandardCharsets.UTF_8);
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.OK);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setContentLength(body.length);
        if (exchange.getRequest().getMethod() == HttpMethod.HEAD) {
            return response.setComplete();
        }
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
