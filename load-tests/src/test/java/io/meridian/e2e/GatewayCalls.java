package io.meridian.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls through the local stack's gateway as a client behind a trusted proxy makes them (its
 * address in X-Forwarded-For picks its region), each awaited to its end, a stream read to its last
 * event. Queries carry a word of their own, which the simulated model's answer repeats.
 */
final class GatewayCalls {

    static final JsonMapper json = JsonMapper.builder().build();
    private static final Pattern UNIQUE_WORD = Pattern.compile("\\bw[0-9a-f]{12}\\b");

    private final LocalStack stack;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** Calls through {@code stack}'s gateway, each given {@code timeout} for its answer's headers. */
    GatewayCalls(LocalStack stack, Duration timeout) {
        this.stack = stack;
        this.timeout = timeout;
    }

    /** What one long call got: its status, region header, body and, for a stream, its data lines. */
    record Call(String name, String key, String client, String body, int status, String region, String answer,
            List<String> events) {

        JsonNode json() {
            return GatewayCalls.json.readTree(answer);
        }

        @Override
        public String toString() {
            return name + " -> " + status + " from " + region + ": " + answer.substring(0, Math.min(400, answer.length()));
        }
    }

    /** Runs {@code calls} at once and gives their results by name, each awaited a little past the timeout. */
    <T> Map<String, T> concurrently(Map<String, Callable<T>> calls) throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, Future<T>> futures = new LinkedHashMap<>();
            calls.forEach((name, call) -> futures.put(name, threads.submit(call)));
            Map<String, T> results = new LinkedHashMap<>();
            for (Map.Entry<String, Future<T>> future : futures.entrySet()) {
                results.put(future.getKey(), future.getValue().get(timeout.toSeconds() + 30, TimeUnit.SECONDS));
            }
            return results;
        }
    }

    private HttpRequest.Builder request(String path, String key, String client, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + path)).timeout(timeout)
                .header("X-Forwarded-For", client).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return key == null ? request : request.header("Idempotency-Key", key);
    }

    /** A POST of {@code body} to {@code path} from {@code client}, with an Idempotency-Key unless {@code key} is null. */
    Call post(String name, String path, String key, String client, String body) throws Exception {
        HttpResponse<String> response = http.send(request(path, key, client, body).build(), HttpResponse.BodyHandlers.ofString());
        return new Call(name, key, client, body, response.statusCode(),
                response.headers().firstValue("X-Meridian-Region").orElse("?"), response.body(), List.of());
    }

    /** A streamed chat completion, read to its end: the data lines of its events. */
    Call stream(String name, String client, String body) throws Exception {
        HttpResponse<Stream<String>> response = http.send(
                request("/v1/chat/completions", null, client, body).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        List<String> data = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        try (var lines = response.body()) {
            lines.forEach(line -> {
                all.append(line).append('\n');
                if (line.startsWith("data:")) {
                    data.add(line.substring(5).strip());
                }
            });
        }
        return new Call(name, null, client, body, response.statusCode(),
                response.headers().firstValue("X-Meridian-Region").orElse("?"), all.toString(), data);
    }

    /** The text of a streamed answer: its chunks' delta contents, in order. */
    static String streamedText(Call streamed) {
        StringBuilder text = new StringBuilder();
        for (String data : streamed.events()) {
            if (data.startsWith("{")) {
                text.append(json.readTree(data).path("choices").path(0).path("delta").path("content").asString(""));
            }
        }
        return text.toString();
    }

    /** A {@code /process} body whose query has a word of its own. */
    static String processBody(String what) {
        return "{\"query\":\"Long " + what + " call " + word() + "\"}";
    }

    /** A chat completion body whose one user message has a word of its own. */
    static String chatBody(String what, boolean stream) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"Long " + what + " chat " + word() + "\"}],\"stream\":"
                + stream + "}";
    }

    private static String word() {
        return "w" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** The word of its own in a body made here. */
    static String uniqueWord(String body) {
        Matcher word = UNIQUE_WORD.matcher(body);
        if (!word.find()) {
            throw new IllegalArgumentException("no unique word in " + body);
        }
        return word.group();
    }
}
