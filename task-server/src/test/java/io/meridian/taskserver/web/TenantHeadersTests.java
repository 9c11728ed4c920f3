package io.meridian.taskserver.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.testsupport.TestRegion;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * What a region does for the gateway's budgets: it refuses a model the tenant may not use before
 * queueing anything, and reports the tokens each finished answer used (a header, or a closing
 * comment on a stream).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.model.simulated.latency=0ms",
        "meridian.model.simulated.time-to-first-token=0ms",
        "meridian.model.simulated.tokens-per-second=2000"})
@AutoConfigureWebTestClient
class TenantHeadersTests {

    @Autowired
    private WebTestClient client;

    @Test
    void aModelTheTenantMayNotUseIsRefusedNamingTheModelsItMay() {
        client.post().uri("/v1/tasks").contentType(MediaType.APPLICATION_JSON)
                .header(TenantHeaders.ALLOWED_MODELS, "qwen3,llama3")
                .bodyValue("{\"query\":\"hi\",\"model\":\"gpt-5\"}").exchange()
                .expectStatus().isForbidden()
                .expectBody()
                .jsonPath("$.error").isEqualTo(ApiError.MODEL_NOT_ALLOWED)
                .jsonPath("$.field").isEqualTo("model")
                .jsonPath("$.message").value(message -> assertThat((String) message).contains("qwen3, llama3").contains("gpt-5"));
    }

    @Test
    void theDefaultModelCountsTooAndAnAllowedOneIsServed() {
        client.post().uri("/process").contentType(MediaType.APPLICATION_JSON)
                .header(TenantHeaders.ALLOWED_MODELS, "some-other-model")
                .bodyValue("{\"query\":\"hi\"}").exchange()
                .expectStatus().isForbidden();
        client.post().uri("/process").contentType(MediaType.APPLICATION_JSON)
                .header(TenantHeaders.ALLOWED_MODELS, "qwen3:14b, qwen3")
                .bodyValue("{\"query\":\"hi\",\"model\":\"qwen3\"}").exchange()
                .expectStatus().isOk();
    }

    @Test
    void aFinishedAnswerReportsItsTokensInAHeader() {
        client.post().uri("/process").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\":\"What is the capital of France?\"}").exchange()
                .expectStatus().isOk()
                .expectHeader().value(TenantHeaders.USAGE, usage -> assertThat(usage).matches("prompt=\\d+, completion=\\d+"));
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").exchange()
                .expectStatus().isOk()
                .expectHeader().value(TenantHeaders.USAGE, usage -> assertThat(usage).matches("prompt=\\d+, completion=\\d+"));
    }

    @Test
    void aFinishedTaskReportsItsTokensWhenReadAndInItsEvents() {
        String body = client.post().uri("/v1/tasks").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\":\"hi\"}").exchange().expectStatus().isAccepted()
                .expectBody(String.class).returnResult().getResponseBody();
        String id = java.util.Objects.requireNonNull(body).replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                client.get().uri("/v1/tasks/" + id).exchange().expectStatus().isOk()
                        .expectHeader().value(TenantHeaders.USAGE, usage -> assertThat(usage).matches("prompt=\\d+, completion=\\d+")));
        String events = client.get().uri("/v1/tasks/" + id + "/events").accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(events).containsPattern(":\\s?meridian-usage prompt=\\d+ completion=\\d+");
    }

    @Test
    void aStreamedAnswerEndsWithAUsageCommentBeforeDone() {
        String stream = client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .bodyValue("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(stream).containsPattern(":meridian-usage prompt=\\d+ completion=\\d+\\n\\ndata:\\[DONE]|"
                + ": ?meridian-usage prompt=\\d+ completion=\\d+\\n\\ndata: ?\\[DONE]");
    }
}
