package io.meridian.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CoreDsl;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

/**
 * What the simulations share: where the gateway is, how long and how hard to run (system
 * properties, so one command line can shorten or stretch any simulation), and the requests a
 * Meridian client sends, each with the checks a client would make.
 *
 * <p>Every request carries {@code X-Forwarded-For: #{clientIp}}: the local stack trusts loopback
 * as a proxy, so each virtual user plays a client at the address its feeder gave it.
 */
final class MeridianLoad {

    /** System property naming the gateway's base URL. */
    static final String BASE_URL = "meridian.baseUrl";

    /** The gateway's base URL: {@code -Dmeridian.baseUrl}, by default {@code http://localhost:8080}. */
    static String baseUrl() {
        return System.getProperty(BASE_URL, "http://localhost:8080");
    }

    /** The protocol every simulation uses: JSON in and out, at {@link #baseUrl()}. */
    static HttpProtocolBuilder httpProtocol() {
        return http.baseUrl(baseUrl())
                .acceptHeader("application/json")
                .contentTypeHeader("application/json")
                .userAgentHeader("meridian-load-tests");
    }

    /**
     * A duration from the system property {@code name} (seconds, or an ISO-8601 duration such as
     * {@code PT2M}), else {@code fallback}.
     */
    static Duration duration(String name, Duration fallback) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return value.startsWith("P") ? Duration.parse(value) : Duration.ofSeconds(Long.parseLong(value.strip()));
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException("-D" + name + " must be seconds or an ISO-8601 duration, but was '"
                    + value + "'", ex);
        }
    }

    /** A positive number from the system property {@code name}, else {@code fallback}. */
    static double rate(String name, double fallback) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        double rate;
        try {
            rate = Double.parseDouble(value.strip());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("-D" + name + " must be a number, but was '" + value + "'", ex);
        }
        if (!(rate > 0)) {
            throw new IllegalArgumentException("-D" + name + " must be positive, but was " + rate);
        }
        return rate;
    }

    /** An integer from the system property {@code name}, else {@code fallback}. */
    static int integer(String name, int fallback) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("-D" + name + " must be an integer, but was '" + value + "'", ex);
        }
    }

    /**
     * {@code POST /process} as the fed client; answered 200 by the region the client's country
     * belongs to ({@code #{expectedRegion}}) with a model answer.
     */
    static HttpRequestActionBuilder process(String name) {
        return http(name).post("/process")
                .header("X-Forwarded-For", "#{clientIp}")
                .body(StringBody("{\"query\":\"Hello from #{country}\"}"))
                .check(status().is(200),
                        header("X-Meridian-Region").isEL("#{expectedRegion}"),
                        jsonPath("$.answer").exists());
    }

    /**
     * {@code POST /process} with a fresh {@code Idempotency-Key}, so the gateway may re-send it to
     * another region after a region fails mid-request; answered 200 by any region in {@code
     * servingRegions}.
     */
    static HttpRequestActionBuilder keyedProcess(String name, Set<String> servingRegions) {
        return http(name).post("/process")
                .header("X-Forwarded-For", "#{clientIp}")
                .header("Idempotency-Key", session -> UUID.randomUUID().toString())
                .body(StringBody("{\"query\":\"Hello from #{country}\"}"))
                .check(status().is(200),
                        header("X-Meridian-Region").in(servingRegions.toArray(String[]::new)),
                        jsonPath("$.answer").exists());
    }

    /**
     * {@code POST /v1/tasks}: 202 with the task's id, which names the client's region; saves the id
     * as {@code taskId}.
     */
    static HttpRequestActionBuilder submitTask(String name) {
        return http(name).post("/v1/tasks")
                .header("X-Forwarded-For", "#{clientIp}")
                .body(StringBody("{\"query\":\"Summarise the news from #{country}\"}"))
                .check(status().is(202),
                        jsonPath("$.id").saveAs("taskId"),
                        jsonPath("$.id").transform(id -> id.substring(0, id.indexOf('.'))).isEL("#{expectedRegion}"));
    }

    /**
     * Polls {@code GET /v1/tasks/#{taskId}} every {@code interval} until the task is final or
     * {@code maxPolls} polls were made. A poll fails when the task failed, was cancelled or was
     * dead-lettered; a task not finished after {@code maxPolls} polls fails one last poll named
     * {@code "<name> (unfinished)"}, so every task that does not succeed counts as an error.
     */
    static ChainBuilder pollTask(String name, Duration interval, int maxPolls) {
        return CoreDsl.exec(session -> session.set("taskStatus", "queued").set("polls", 0))
                .asLongAs(session -> !isFinal(session.getString("taskStatus")) && session.getInt("polls") < maxPolls).on(
                        CoreDsl.pause(interval)
                                .exec(session -> session.set("polls", session.getInt("polls") + 1))
                                .exec(http(name).get("/v1/tasks/#{taskId}")
                                        .header("X-Forwarded-For", "#{clientIp}")
                                        .check(status().is(200),
                                                jsonPath("$.status").in("queued", "running", "succeeded").saveAs("taskStatus"))))
                .doIf(session -> !isFinal(session.getString("taskStatus"))).then(
                        CoreDsl.exec(http(name + " (unfinished)").get("/v1/tasks/#{taskId}")
                                .header("X-Forwarded-For", "#{clientIp}")
                                .check(status().is(200), jsonPath("$.status").is("succeeded"))));
    }

    private static boolean isFinal(String status) {
        return switch (status) {
            case "queued", "running" -> false;
            default -> true;
        };
    }

    /**
     * {@code GET /v1/tasks/#{taskId}/events} read to its end: the server sends one event per status
     * change and closes the stream after the final one, which must be {@code succeeded}. The
     * response time is the time until that last event.
     */
    static HttpRequestActionBuilder taskEvents(String name) {
        return http(name).get("/v1/tasks/#{taskId}/events")
                .header("X-Forwarded-For", "#{clientIp}")
                .header("Accept", "text/event-stream")
                .check(status().is(200), regex("event: ?succeeded").exists());
    }

    /**
     * {@code POST /v1/chat/completions} with {@code "stream": true}, read to its end: 200, {@code
     * text/event-stream}, at least one content delta, and the closing {@code data:[DONE]}. The
     * response time is the time until the last token.
     */
    static HttpRequestActionBuilder chatStream(String name) {
        return http(name).post("/v1/chat/completions")
                .header("X-Forwarded-For", "#{clientIp}")
                .header("Accept", "text/event-stream")
                .body(StringBody("""
                        {"messages":[{"role":"system","content":"Be brief."},\
                        {"role":"user","content":"What is the weather like in #{country}?"}],\
                        "stream":true,"stream_options":{"include_usage":true}}"""))
                .check(status().is(200),
                        header("Content-Type").transform(type -> type.startsWith("text/event-stream")).is(true),
                        regex("\"delta\":\\{\"content\":\"[^\"]+\"").count().gte(1),
                        substring("[DONE]").exists());
    }

    private MeridianLoad() {
    }
}
