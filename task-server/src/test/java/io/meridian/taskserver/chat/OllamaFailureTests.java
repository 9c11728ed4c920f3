package io.meridian.taskserver.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.testsupport.ScriptedChatBackend;
import io.meridian.taskserver.testsupport.TestRegion;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A model that fails, as Ollama's clients see it on {@code /api/chat}: a stream ends with Ollama's
 * error line, a plain call is the error status with Ollama's error body.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.queues.simple.retry-delay=10ms",
        "meridian.tasks.sync-wait=20s"})
@AutoConfigureWebTestClient
class OllamaFailureTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String POISON = "{\"model\": \"simple\", %s \"messages\": [{\"role\": \"user\", \"content\": \"poison\"}]}";

    @TestConfiguration(proxyBeanMethods = false)
    static class ScriptedModel {

        @Bean
        @Primary
        ScriptedChatBackend scriptedChatBackend() {
            return new ScriptedChatBackend().poison("user: poison");
        }
    }

    @Autowired
    private WebTestClient client;

    @Test
    void aStreamOfAFailedTaskEndsWithOllamasErrorLine() {
        List<String> lines = client.mutate().responseTimeout(Duration.ofSeconds(30)).build()
                .post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON).bodyValue(POISON.formatted(""))
                .exchange()
                .expectStatus().isOk()
                .returnResult(String.class).getResponseBody().collectList().block(Duration.ofSeconds(30));

        assertThat(lines).isNotNull();
        JsonNode last = JSON.readTree(lines.getLast());
        assertThat(last.propertyNames()).containsExactly("error");
        assertThat(last.path("error").stringValue()).contains("(model_error");
        assertThat(lines).noneMatch(line -> line.contains("\"done\":true"));
    }

    @Test
    void aPlainCallOfAFailedTaskIsItsErrorInOllamasShape() {
        String body = client.mutate().responseTimeout(Duration.ofSeconds(30)).build()
                .post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(POISON.formatted("\"stream\": false,")).exchange()
                .expectStatus().isEqualTo(502)
                .expectBody(String.class).returnResult().getResponseBody();

        JsonNode error = JSON.readTree(body);
        assertThat(error.propertyNames()).containsExactly("error");
        assertThat(error.path("error").stringValue()).contains("(model_error");
    }
}
