package io.meridian.taskserver.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.testsupport.ChatStreams;
import io.meridian.taskserver.testsupport.TestRegion;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/chat/completions} on a preset: the answer's length follows the profile's
 * distribution, and a stream passes it on token by token as the model produces it. The preset's
 * pace is overridden to a few seconds per answer so that the test need not wait a real one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.model.simulated.profile=cpu-small",
        "meridian.model.simulated.time-to-first-token=0ms",
        "meridian.model.simulated.tokens-per-second=8",
        "meridian.model.simulated.answer-tokens.mean=24",
        "meridian.model.simulated.answer-tokens.spread=4" })
@AutoConfigureWebTestClient(timeout = "PT30S")
class SimulatedProfileChatTests {

    private static final String STREAMED = """
            {"messages": [{"role": "user", "content": "Stream this please"}],
             "stream": true, "stream_options": {"include_usage": true}}
            """;

    @Autowired
    private WebTestClient client;

    @Test
    void streamsAPresetsAnswerOneChunkPerTokenWhileTheModelIsStillProducingIt() {
        List<String> firstTwo = client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(STREAMED).exchange()
                .expectStatus().isOk()
                .returnResult(String.class).getResponseBody()
                .take(2) // the role chunk, then the first token
                .collectList().block(Duration.ofSeconds(30));

        assertThat(firstTwo).hasSize(2);
        JsonNode firstToken = ChatStreams.json(firstTwo.get(1));
        assertThat(firstToken.path("choices").get(0).path("delta").path("content").stringValue())
                .isEqualTo("Simulated ");
        // About 3 s of tokens follow the first: the task is still running when it reaches the client.
        String taskId = firstToken.path("id").stringValue().substring("chatcmpl-".length());
        client.get().uri("/v1/tasks/{id}", taskId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("running");
    }

    @Test
    void streamsAsManyChunksAsTheUsageCountsWithinThePresetsLengths() {
        List<String> events = client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(STREAMED).exchange()
                .expectStatus().isOk()
                .returnResult(String.class).getResponseBody()
                .collectList().block(Duration.ofSeconds(30));

        assertThat(events).isNotNull();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        JsonNode usage = ChatStreams.json(events.get(events.size() - 2)).path("usage");
        int completionTokens = usage.path("completion_tokens").asInt();
        assertThat(completionTokens).isBetween(16, 32);
        List<String> pieces = ChatStreams.contents(events);
        // The role chunk's empty content, then one chunk per token.
        assertThat(pieces).hasSize(1 + completionTokens);
        assertThat(pieces.subList(1, pieces.size()))
                .allSatisfy(piece -> assertThat(SimulatedChatBackend.countWords(piece)).isEqualTo(1));
        assertThat(String.join("", pieces)).startsWith("Simulated answer from region " + TestRegion.ID
                + " (no model was called). You asked: Stream this please ");
        assertThat(ChatStreams.json(events.get(1)).path("model").stringValue()).isEqualTo("simulated");
    }

    @Test
    void answersAPresetsNonStreamedCallWithItsWholeLength() {
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.model").isEqualTo("simulated")
                .jsonPath("$.usage.completion_tokens").value(Integer.class,
                        tokens -> assertThat(tokens).isBetween(16, 32));
    }
}
