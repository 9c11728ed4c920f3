package io.meridian.gateway.tenant;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Bursts of concurrent requests against one tenant's budget of 100 tokens a day, through a running
 * gateway to WireMock regions that report usage as task servers do: the tokens served never pass
 * the budget. Each tenant's requests reserve 10 tokens (the default here) and use exactly that, so
 * the bound is exact: 10 requests' worth. Anonymous access is on while tenants are configured, as
 * the start-up failure needed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.client.trusted-proxies=127.0.0.0/8",
        "meridian.health.enabled=false",
        "meridian.rate-limit.enabled=false",
        "meridian.failover.bulkhead.max-concurrent=1000",
        "meridian.auth.anonymous=true",
        "meridian.auth.anonymous-limits.tokens-per-day=1000000",
        "meridian.auth.reservation.default-tokens=10",
        "meridian.auth.tenants[0].id=sync64",
        "meridian.auth.tenants[0].keys-sha256[0]=" + BudgetConcurrencyIntegrationTests.SYNC64,
        "meridian.auth.tenants[0].limits.tokens-per-day=100",
        "meridian.auth.tenants[1].id=sync200",
        "meridian.auth.tenants[1].keys-sha256[0]=" + BudgetConcurrencyIntegrationTests.SYNC200,
        "meridian.auth.tenants[1].limits.tokens-per-day=100",
        "meridian.auth.tenants[2].id=tasks",
        "meridian.auth.tenants[2].keys-sha256[0]=" + BudgetConcurrencyIntegrationTests.TASKS,
        "meridian.auth.tenants[2].limits.tokens-per-day=100",
        "meridian.auth.tenants[3].id=streams",
        "meridian.auth.tenants[3].keys-sha256[0]=" + BudgetConcurrencyIntegrationTests.STREAMS,
        "meridian.auth.tenants[3].limits.tokens-per-day=100",
        "meridian.auth.tenants[4].id=strict",
        "meridian.auth.tenants[4].keys-sha256[0]=" + BudgetConcurrencyIntegrationTests.STRICT,
        "meridian.auth.tenants[4].limits.tokens-per-day=1000"})
class BudgetConcurrencyIntegrationTests extends RegionsIntegrationTest {

    // SHA-256 of "sync64-key", "sync200-key", "tasks-key", "streams-key", "strict-key".
    static final String SYNC64 = "fcd897c3c89eb7012a1af040adbba8a67f6532ef55b6bc36293d5e8fda224b68";
    static final String SYNC200 = "00d6652480c5ca079ca20fa4dacb544554f82c9fcc93f3b387989db15ee975e2";
    static final String TASKS = "4d1bc5ee860a4b6b7d7c02f679deeb10558fd56051437f874975e76c3e334da2";
    static final String STREAMS = "016c708ac325161d381f0866866db37bb0db98d513057cf33e76be38970d202c";
    static final String STRICT = "083ec72c0b3129e378780f0a1f44da8c40053ed7f6810e5644b459af0cb5731b";

    private static final Pattern USAGE = Pattern.compile("prompt=(\\d+), completion=(\\d+)");

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    record Answer(int status, @Nullable String usage, String body) {
    }

    WebClient burstClient() {
        ConnectionProvider connections = ConnectionProvider.builder("burst").maxConnections(256)
                .pendingAcquireMaxCount(-1).build();
        return WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections)))
                .build();
    }

    /** {@code requests} POSTs of {@code body} to {@code path} with {@code key}, all at once. */
    List<Answer> burst(int requests, String path, String key, String body) {
        WebClient web = burstClient();
        return Flux.range(0, requests)
                .flatMap(i -> web.post().uri(path).header("X-Forwarded-For", "8.8.8.8")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + key).contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(body)
                        .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                                .map(text -> new Answer(response.statusCode().value(),
                                        response.headers().asHttpHeaders().getFirst("X-Meridian-Usage"), text))), requests)
                .collectList().block(Duration.ofSeconds(120));
    }

    static long tokens(@Nullable String usage) {
        if (usage == null) {
            return 0;
        }
        Matcher matcher = USAGE.matcher(usage);
        return matcher.find() ? Long.parseLong(matcher.group(1)) + Long.parseLong(matcher.group(2)) : 0;
    }

    void regionsAnswerSlowly(String path, int status, String usage, String location) {
        for (WireMockServer server : regions.servers()) {
            var response = aResponse().withStatus(status).withFixedDelay(300)
                    .withHeader("Content-Type", "application/json").withBody("{\"status\":\"ok\"}");
            if (!usage.isEmpty()) {
                response = response.withHeader("X-Meridian-Usage", usage);
            }
            if (!location.isEmpty()) {
                response = response.withHeader(HttpHeaders.LOCATION, location);
            }
            server.stubFor(any(urlEqualTo(path)).willReturn(response));
        }
    }

    int postsReceived(String path) {
        return regions.servers().stream()
                .mapToInt(server -> server.findAll(postRequestedFor(urlEqualTo(path))).size()).sum();
    }

    @Test
    void theTestKeysHashToTheConfiguredHashes() {
        assertThat(ApiKeys.sha256("sync64-key")).isEqualTo(SYNC64);
        assertThat(ApiKeys.sha256("sync200-key")).isEqualTo(SYNC200);
        assertThat(ApiKeys.sha256("tasks-key")).isEqualTo(TASKS);
        assertThat(ApiKeys.sha256("streams-key")).isEqualTo(STREAMS);
        assertThat(ApiKeys.sha256("strict-key")).isEqualTo(STRICT);
    }

    @ParameterizedTest(name = "{0} concurrent requests")
    @ValueSource(ints = {64, 200})
    void concurrentSynchronousRequestsAreServedNoMoreThanTheBudget(int requests) {
        regionsAnswerSlowly("/process", 200, "prompt=4, completion=6", "");
        String key = requests == 64 ? "sync64-key" : "sync200-key";

        List<Answer> answers = burst(requests, "/process", key, "{\"query\":\"hi\"}");

        long served = answers.stream().filter(answer -> answer.status() == 200).mapToLong(answer -> tokens(answer.usage())).sum();
        assertThat(served).isLessThanOrEqualTo(100);
        assertThat(answers).filteredOn(answer -> answer.status() == 200).hasSize(postsReceived("/process"));
        assertThat(answers).filteredOn(answer -> answer.status() != 200)
                .allSatisfy(answer -> assertThat(answer.status()).isEqualTo(429))
                .allSatisfy(answer -> assertThat(answer.body()).contains("\"field\":\"tokens_per_day\""));
        String tenant = requests == 64 ? "sync64" : "sync200";
        assertThat(meters.get(TenantMetrics.REFUSED).tag("tenant", tenant).tag("limit", "tokens_per_day").counter().count())
                .isEqualTo(answers.stream().filter(answer -> answer.status() == 429).count());
        // {"query":"hi"} reserves 21: the prompt's bound (11) and the default answer (10).
        assertThat(meters.get(TenantMetrics.RESERVED).tag("tenant", tenant).counter().count())
                .isEqualTo(21.0 * answers.stream().filter(answer -> answer.status() == 200).count());
    }

    @Test
    void concurrentAsynchronousTasksAreChargedWhenAcceptedWithoutAnyRead() {
        regionsAnswerSlowly("/v1/tasks", 202, "", "/v1/tasks/us-east.01JD3X9K2M00000000000000AA");

        List<Answer> answers = burst(200, "/v1/tasks", "tasks-key", "{\"query\":\"hi\"}");

        long accepted = answers.stream().filter(answer -> answer.status() == 202).count();
        assertThat(accepted * 10).isLessThanOrEqualTo(100);
        assertThat(postsReceived("/v1/tasks")).isEqualTo((int) accepted);
        // No result was read, yet the budget is spent: the next task is refused.
        assertThat(burst(1, "/v1/tasks", "tasks-key", "{\"query\":\"hi\"}").getFirst().status()).isEqualTo(429);
    }

    @Test
    void concurrentStreamsShareOneAllowance() {
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            events.append("data: {\"choices\":[{\"delta\":{\"content\":\"w").append(i).append(" \"}}]}\n\n");
        }
        events.append(": meridian-usage prompt=5 completion=60\n\ndata: [DONE]\n\n");
        regions.servers().forEach(server -> server.stubFor(any(urlEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "text/event-stream").withChunkedDribbleDelay(60, 600)
                .withBody(events.toString()))));

        List<Answer> answers = burst(30, "/v1/chat/completions", "streams-key",
                "{\"model\":\"qwen3\",\"stream\":true,\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        long streamed = answers.stream().filter(answer -> answer.status() == 200)
                .mapToLong(answer -> StreamBudget.contentChunks(answer.body())).sum();
        assertThat(streamed).isLessThanOrEqualTo(100);
        assertThat(answers).filteredOn(answer -> answer.status() == 200).isNotEmpty()
                .allSatisfy(answer -> assertThat(answer.body()).contains("\"code\":\"limit_exceeded\""));
        assertThat(answers).filteredOn(answer -> answer.status() != 200)
                .allSatisfy(answer -> assertThat(answer.status()).isEqualTo(429));
    }

    @Test
    void aKnownKeyIsItsTenantAndNoKeyIsAnonymousWhileBothAreConfigured() {
        client.post().uri("/process").header("X-Forwarded-For", "8.8.8.8").header(HttpHeaders.AUTHORIZATION, "Bearer strict-key")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}").exchange().expectStatus().isOk();
        client.post().uri("/process").header("X-Forwarded-For", "8.8.8.8")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}").exchange().expectStatus().isOk();
        client.post().uri("/process").header("X-Forwarded-For", "8.8.8.8").header(HttpHeaders.AUTHORIZATION, "Bearer wrong-key")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}").exchange()
                .expectStatus().isUnauthorized();

        regions.get("us-east").verify(postRequestedFor(urlEqualTo("/process")).withHeader(Tenant.HEADER, equalTo("strict")));
        regions.get("us-east").verify(postRequestedFor(urlEqualTo("/process")).withHeader(Tenant.HEADER, equalTo("anonymous")));
    }

    @ParameterizedTest(name = "max_tokens {0}")
    @ValueSource(strings = {"99999999999999999999999", "-1", "0", "1.5", "1e3", "\"10\""})
    void aReservationFieldOutOfRangeIsRefusedNamingIt(String value) {
        client.post().uri("/v1/chat/completions").header("X-Forwarded-For", "8.8.8.8")
                .header(HttpHeaders.AUTHORIZATION, "Bearer strict-key").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"qwen3\",\"max_tokens\":" + value + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_request").jsonPath("$.error.param").isEqualTo("max_tokens")
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.message").value(message -> assertThat((String) message).contains("whole number"));
        assertThat(postsReceived("/v1/chat/completions")).isZero();
    }

    @Test
    void aReservationLargerThanWhatIsLeftIsRefusedBeforeTheRegionSeesIt() {
        client.post().uri("/v1/chat/completions").header("X-Forwarded-For", "8.8.8.8")
                .header(HttpHeaders.AUTHORIZATION, "Bearer strict-key").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"qwen3\",\"max_completion_tokens\":5000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange().expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.error.param").isEqualTo("tokens_per_day")
                .jsonPath("$.error.type").isEqualTo("insufficient_quota")
                .jsonPath("$.error.message").value(message -> assertThat((String) message).contains("reserves 5020")); // and the prompt's bound, 20
        assertThat(postsReceived("/v1/chat/completions")).isZero();
    }
}
