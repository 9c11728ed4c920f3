package io.meridian.taskserver.worker;

import static io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.taskserver.admin.AdminToken;
import io.meridian.taskserver.task.TaskView;
import io.meridian.taskserver.testsupport.TestRegion;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The admin API over HTTP: the token, unknown queues, bad sizes, and what pause and resize really do. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {TestRegion.PROPERTY,
        "meridian.admin.token-sha256=" + QueueAdminTests.TOKEN_SHA256})
@AutoConfigureWebTestClient
class QueueAdminTests {

    static final String TOKEN = "correct-horse-battery-staple";

    /** {@code printf %s correct-horse-battery-staple | sha256sum}. */
    static final String TOKEN_SHA256 = "87cbebfeebc05f7c54ac9336c4b4bbec831227a641951a4bde7edd56020f8590";

    @Autowired
    WebTestClient client;

    @AfterEach
    void resumeAndRestoreBounds() {
        admin("/v1/admin/queues/simple/resume", TOKEN).expectStatus().isOk();
        resize("simple", TOKEN, "{\"min\": 2, \"max\": 8}").expectStatus().isOk();
    }

    WebTestClient.ResponseSpec admin(String path, String token) {
        WebTestClient.RequestBodySpec request = client.post().uri(path);
        if (token != null) {
            request.header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        }
        return request.exchange();
    }

    WebTestClient.ResponseSpec resize(String queue, String token, String body) {
        return client.put().uri("/v1/admin/queues/{queue}/workers", queue)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    int depth(String queue) {
        return client.get().uri("/v1/queues").exchange().expectStatus().isOk()
                .expectBody(QueuesController.QueuesView.class).returnResult().getResponseBody()
                .queues().stream().filter(q -> q.name().equals(queue)).findFirst().orElseThrow().depth();
    }

    @Test
    void theConfiguredHashIsTheTokensSha256() {
        assertThat(AdminToken.hash(TOKEN)).isEqualTo(TOKEN_SHA256);
    }

    @Test
    void refusesAMissingOrWrongTokenWith401() {
        assertThat(assertApiError(admin("/v1/admin/queues/simple/pause", null), 401, "unauthorized", "Authorization"))
                .contains("bearer token is required");
        assertThat(assertApiError(admin("/v1/admin/queues/simple/pause", "guess"), 401, "unauthorized", "Authorization"))
                .contains("not valid");
        assertApiError(resize("simple", "guess", "{\"min\": 1, \"max\": 1}"), 401, "unauthorized", "Authorization");
        client.get().uri("/v1/queues").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.queues[0].paused").isEqualTo(false)
                .jsonPath("$.queues[0].workers.min").isEqualTo(2);
    }

    @Test
    void aSecondAuthorizationHeaderIsRefusedWhicheverCopyCarriesTheToken() {
        for (java.util.List<String> copies : java.util.List.of(java.util.List.of("Bearer " + TOKEN, "Bearer guess"),
                java.util.List.of("Bearer guess", "Bearer " + TOKEN))) {
            WebTestClient.ResponseSpec twice = client.put().uri("/v1/admin/queues/simple/workers")
                    .header(HttpHeaders.AUTHORIZATION, copies.toArray(String[]::new))
                    .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"min\": 1, \"max\": 1}").exchange();
            assertThat(assertApiError(twice, 400, "invalid_header", "Authorization")).contains("more than one Authorization");
        }
        // One header whose value names the token among others is judged whole: not the token.
        assertApiError(client.put().uri("/v1/admin/queues/simple/workers")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN + ", Bearer guess")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"min\": 1, \"max\": 1}").exchange(),
                401, "unauthorized", "Authorization");
        client.get().uri("/v1/queues").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.queues[0].workers.max").isEqualTo(8);
    }

    @Test
    void answers404ForAnUnknownQueue() {
        assertThat(assertApiError(admin("/v1/admin/queues/nope/pause", TOKEN), 404, "unknown_queue", "queue"))
                .contains("'nope'");
        assertApiError(resize("nope", TOKEN, "{\"min\": 1, \"max\": 2}"), 404, "unknown_queue", "queue");
    }

    @Test
    void answers400ForBadSizesNamingTheField() {
        assertThat(assertApiError(resize("simple", TOKEN, "{\"min\": 0, \"max\": 2}"), 400, "invalid_workers", "min"))
                .contains("at least 1, but was 0");
        assertThat(assertApiError(resize("simple", TOKEN, "{\"min\": 4, \"max\": 3}"), 400, "invalid_workers", "max"))
                .contains("at least min (4), but was 3");
        assertApiError(resize("simple", TOKEN, "{\"max\": 3}"), 400, "invalid_workers", "min");
        assertApiError(resize("simple", TOKEN, "{\"min\": 3}"), 400, "invalid_workers", "max");
    }

    @Test
    void answers400NamingTheFieldForASizeBeyondTheIntegerRangeOrWithAFraction() {
        assertThat(assertApiError(resize("simple", TOKEN, "{\"min\": 9223372036854775808, \"max\": 8}"), 400,
                "invalid_request", "min")).startsWith("min");
        assertThat(assertApiError(resize("simple", TOKEN, "{\"min\": 2, \"max\": 2147483648}"), 400,
                "invalid_request", "max")).startsWith("max");
        assertThat(assertApiError(resize("simple", TOKEN, "{\"min\": 2, \"max\": 1e400}"), 400,
                "invalid_request", "max")).startsWith("max");
    }

    @Test
    void resizingChangesThePoolsBounds() {
        resize("simple", TOKEN, "{\"min\": 3, \"max\": 5}").expectStatus().isOk()
                .expectBody().jsonPath("$.queue").isEqualTo("simple")
                .jsonPath("$.workers.min").isEqualTo(3)
                .jsonPath("$.workers.max").isEqualTo(5)
                .jsonPath("$.workers.current").isEqualTo(3);
        client.get().uri("/v1/queues").exchange().expectBody()
                .jsonPath("$.queues[?(@.name=='simple')].workers.min").isEqualTo(3)
                .jsonPath("$.queues[?(@.name=='simple')].workers.max").isEqualTo(5);
    }

    @Test
    void deletingTheBoundsPutsThePoolBackOnItsConfiguredOnes() {
        resize("simple", TOKEN, "{\"min\": 3, \"max\": 5}").expectStatus().isOk();
        client.delete().uri("/v1/admin/queues/simple/workers").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.workers.min").isEqualTo(2)
                .jsonPath("$.workers.max").isEqualTo(8);
        client.delete().uri("/v1/admin/queues/simple/workers").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void aPausedQueueAcceptsTasksButStartsNoneUntilResumed() {
        admin("/v1/admin/queues/simple/pause", TOKEN).expectStatus().isOk()
                .expectBody().jsonPath("$.paused").isEqualTo(true);
        TaskView.Accepted accepted = client.post().uri("/v1/tasks").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\": \"hello\", \"kind\": \"simple\"}").exchange()
                .expectStatus().isAccepted()
                .expectBody(TaskView.Accepted.class).returnResult().getResponseBody();
        // Several dispatch ticks pass and the task is still waiting.
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(15))
                .until(() -> depth("simple") == 1);
        client.get().uri("/v1/tasks/{id}", accepted.id()).exchange().expectBody()
                .jsonPath("$.status").isEqualTo("queued");

        admin("/v1/admin/queues/simple/resume", TOKEN).expectStatus().isOk()
                .expectBody().jsonPath("$.paused").isEqualTo(false);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                client.get().uri("/v1/tasks/{id}", accepted.id()).exchange().expectBody()
                        .jsonPath("$.status").isEqualTo("succeeded"));
    }
}
