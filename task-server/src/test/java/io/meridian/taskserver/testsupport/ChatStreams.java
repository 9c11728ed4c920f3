package io.meridian.taskserver.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads a streamed {@code /v1/chat/completions} answer as a client would. */
public final class ChatStreams {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ChatStreams() {
    }

    /**
     * Posts a chat completion request and reads the whole event stream.
     *
     * @param client the client
     * @param body   the request body, with {@code "stream": true}
     * @return the events' data, in order, the last one {@code [DONE]} when the stream ended well
     */
    public static List<String> stream(WebTestClient client, String body) {
        return stream(client, body, Duration.ofSeconds(10));
    }

    /**
     * Posts a chat completion request and reads the whole event stream, waiting at most so long:
     * longer for a model client whose first call in a fresh context warms up.
     *
     * @param client  the client
     * @param body    the request body, with {@code "stream": true}
     * @param timeout the longest wait for the stream's end
     * @return the events' data, in order, the last one {@code [DONE]} when the stream ended well
     */
    public static List<String> stream(WebTestClient client, String body, Duration timeout) {
        List<String> events = client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .returnResult(String.class)
                .getResponseBody()
                .collectList()
                .block(timeout);
        assertThat(events).isNotNull();
        return events;
    }

    /**
     * Parses an event's data.
     *
     * @param data the data of one event
     * @return its JSON
     */
    public static JsonNode json(String data) {
        return JSON.readTree(data);
    }

    /**
     * The content the chunks carry, concatenated.
     *
     * @param events the events' data
     * @return the streamed answer
     */
    public static String content(List<String> events) {
        return String.join("", contents(events));
    }

    /**
     * The content of each chunk that carries some (the first chunk's is empty), in order.
     *
     * @param events the events' data
     * @return the pieces
     */
    public static List<String> contents(List<String> events) {
        List<String> pieces = new ArrayList<>();
        for (String data : events) {
            if (data.equals("[DONE]")) {
                continue;
            }
            JsonNode choices = json(data).path("choices");
            if (!choices.isEmpty()) {
                JsonNode content = choices.get(0).path("delta").path("content");
                if (content.isString()) {
                    pieces.add(content.stringValue());
                }
            }
        }
        return pieces;
    }
}
