package io.meridian.load.gatling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A stand-in region that can hold tens of thousands of slow streams at almost no cost: what the
 * gateway alone costs per open stream, and the time to first token it adds, are measured against
 * it. (A task server cannot: its model calls are bounded by workers and {@code
 * maxConcurrentCalls}, far below 10,000.) Reactor Netty on the loopback, plain HTTP, one listener
 * per port given.
 *
 * <ul>
 * <li>{@code GET /readyz}: a task server's readiness answer, with a capacity of 1,000,000, so the
 * gateway's health checks find it ready and its load-aware routing never finds it full.
 * <li>{@code POST /v1/chat/completions} with {@code "stream":true}: {@code text/event-stream},
 * the first content delta at once, then one every {@code --token-interval} until {@code
 * max_tokens} (from the body, default 20) were sent, then {@code data: [DONE]}. Without {@code
 * "stream":true}: one chat completion, at once.
 * <li>{@code GET /streams}: the number of streams open now, as plain text.
 * </ul>
 *
 * <p>Prints the number of open streams every 10 s while it changes.
 *
 * <pre>
 * java -cp … io.meridian.load.gatling.StreamUpstream --ports 20001,20002,20003 --token-interval 1s
 * </pre>
 */
public final class StreamUpstream {

    static final String READY = """
            {"status":"UP","components":{"region":{"status":"UP","details":{"inFlight":0,"capacity":1000000,\
            "queueDepth":0}}}}""";

    private static final Pattern MAX_TOKENS = Pattern.compile("\"max_tokens\"\\s*:\\s*(\\d+)");

    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");

    private final Duration tokenInterval;

    private final AtomicInteger open = new AtomicInteger();

    private final AtomicLong served = new AtomicLong();

    StreamUpstream(Duration tokenInterval) {
        this.tokenInterval = tokenInterval;
    }

    public static void main(String[] args) throws InterruptedException {
        List<Integer> ports = new ArrayList<>();
        Duration interval = Duration.ofSeconds(1);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--ports" -> {
                    for (String port : args[++i].split(",")) {
                        ports.add(Integer.parseInt(port.strip()));
                    }
                }
                case "--token-interval" -> interval = parseDuration(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--ports P1,P2,… --token-interval D)");
            }
        }
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("--ports is required");
        }
        StreamUpstream upstream = new StreamUpstream(interval);
        List<DisposableServer> servers = new ArrayList<>();
        for (int port : ports) {
            servers.add(HttpServer.create().host("127.0.0.1").port(port)
                    .route(routes -> routes
                            .get("/readyz", (request, response) -> response.header("Content-Type", "application/json")
                                    .sendString(Mono.just(READY)))
                            .get("/streams", (request, response) -> response.header("Content-Type", "text/plain")
                                    .sendString(Mono.fromSupplier(() -> upstream.open.get() + "\n")))
                            .post("/v1/chat/completions", upstream::chat))
                    .bindNow());
        }
        System.out.println("stream upstream: listening on " + ports + ", one token every " + interval);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> servers.forEach(DisposableServer::disposeNow)));
        int last = -1;
        while (true) {
            Thread.sleep(10_000);
            int now = upstream.open.get();
            if (now != last) {
                System.out.println("stream upstream: " + now + " open streams, " + upstream.served.get() + " calls served");
                last = now;
            }
        }
    }

    private Mono<Void> chat(HttpServerRequest request, HttpServerResponse response) {
        return request.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
            served.incrementAndGet();
            int tokens = maxTokens(body);
            if (!STREAM.matcher(body).find()) {
                return response.header("Content-Type", "application/json")
                        .sendString(Mono.just(completion(tokens))).then();
            }
            Flux<String> events = Flux.concat(
                    Mono.just(delta(0)),
                    // delayElements, not interval: a slow reader delays the next token instead of
                    // overflowing the timer and cutting the stream short.
                    Flux.range(1, tokens - 1).delayElements(tokenInterval).map(StreamUpstream::delta),
                    Mono.just("data: [DONE]\n\n"));
            return response.header("Content-Type", "text/event-stream").header("Cache-Control", "no-cache")
                    .sendString(events.doOnSubscribe(s -> open.incrementAndGet()).doFinally(s -> open.decrementAndGet()))
                    .then();
        });
    }

    /** {@code 250ms}, {@code 2s} or an ISO-8601 duration. */
    static Duration parseDuration(String value) {
        String v = value.strip();
        if (v.startsWith("P")) {
            return Duration.parse(v);
        }
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        return Duration.ofSeconds(Long.parseLong(v.endsWith("s") ? v.substring(0, v.length() - 1) : v));
    }

    static int maxTokens(String body) {
        Matcher matcher = MAX_TOKENS.matcher(body);
        return matcher.find() ? Math.max(1, Integer.parseInt(matcher.group(1))) : 20;
    }

    private static String delta(long index) {
        return "data: {\"id\":\"chatcmpl-upstream\",\"object\":\"chat.completion.chunk\",\"model\":\"upstream\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"token" + index + " \"},\"finish_reason\":null}]}\n\n";
    }

    private static String completion(int tokens) {
        return "{\"id\":\"chatcmpl-upstream\",\"object\":\"chat.completion\",\"model\":\"upstream\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"" + "token ".repeat(tokens).strip()
                + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":" + tokens
                + ",\"total_tokens\":" + (tokens + 1) + "}}";
    }
}
