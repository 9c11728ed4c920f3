package io.meridian.gateway.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

class CallKindTests {

    static RequestBody json(String body) {
        return RequestBody.of(body.getBytes(StandardCharsets.UTF_8));
    }

    static CallKind kind(HttpMethod method, String path, String body) {
        return CallKind.of(method, path, new HttpHeaders(), json(body));
    }

    @Test
    void aSyncProcessCallRunsTheModelBeforeItAnswers() {
        assertThat(kind(HttpMethod.POST, "/process", "{\"query\":\"hi\"}")).isEqualTo(CallKind.SYNC);
    }

    @Test
    void aChatCompletionIsStreamedWhenItsBodyAsksForAStream() {
        assertThat(kind(HttpMethod.POST, "/v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}"))
                .isEqualTo(CallKind.CHAT);
        assertThat(kind(HttpMethod.POST, "/v1/chat/completions", "{\"model\":\"m\",\"stream\":true}"))
                .isEqualTo(CallKind.CHAT_STREAM);
        assertThat(kind(HttpMethod.POST, "/v1/chat/completions", "{\"stream\" :\n\ttrue,\"model\":\"m\"}"))
                .isEqualTo(CallKind.CHAT_STREAM);
        assertThat(kind(HttpMethod.POST, "/v1/chat/completions", "{\"stream\":false,\"model\":\"m\"}"))
                .isEqualTo(CallKind.CHAT);
        assertThat(kind(HttpMethod.POST, "/v1/chat/completions", "{\"stream_options\":true}"))
                .as("another key that starts with stream").isEqualTo(CallKind.CHAT);
    }

    @Test
    void ollamasChatAndGenerateStreamUnlessTheirBodySaysStreamFalse() {
        for (String path : new String[] {"/api/chat", "/api/generate"}) {
            assertThat(kind(HttpMethod.POST, path, "{\"model\":\"qwen3\",\"messages\":[]}")).as(path)
                    .isEqualTo(CallKind.CHAT_STREAM);
            assertThat(kind(HttpMethod.POST, path, "{\"model\":\"qwen3\",\"stream\":true}")).as(path)
                    .isEqualTo(CallKind.CHAT_STREAM);
            assertThat(kind(HttpMethod.POST, path, "{\"stream\" :\n false,\"model\":\"qwen3\"}")).as(path)
                    .isEqualTo(CallKind.CHAT);
            assertThat(CallKind.of(HttpMethod.POST, path, new HttpHeaders(),
                    RequestBody.streamed(reactor.core.publisher.Flux.empty()))).as("a streamed body: Ollama's default")
                    .isEqualTo(CallKind.CHAT_STREAM);
        }
        assertThat(kind(HttpMethod.GET, "/api/tags", "")).isEqualTo(CallKind.READ);
    }

    @Test
    void aChatCompletionWithAStreamedBodyIsJudgedByItsAcceptHeader() {
        RequestBody streamed = RequestBody.streamed(reactor.core.publisher.Flux.empty());
        HttpHeaders sse = new HttpHeaders();
        sse.add(HttpHeaders.ACCEPT, "application/json, Text/Event-Stream");

        assertThat(CallKind.of(HttpMethod.POST, "/v1/chat/completions", new HttpHeaders(), streamed)).isEqualTo(CallKind.CHAT);
        assertThat(CallKind.of(HttpMethod.POST, "/v1/chat/completions", sse, streamed)).isEqualTo(CallKind.CHAT_STREAM);
        assertThat(streamed.unread()).as("the body is not read to classify it").isTrue();
    }

    @Test
    void aTasksEventStreamOrAnyCallAcceptingEventsIsAnEventStream() {
        HttpHeaders sse = new HttpHeaders();
        sse.add(HttpHeaders.ACCEPT, "text/event-stream");

        assertThat(kind(HttpMethod.GET, "/v1/tasks/us-east.01JD3X9K2M/events", "")).isEqualTo(CallKind.EVENTS);
        assertThat(CallKind.of(HttpMethod.GET, "/v1/tasks/us-east.01JD3X9K2M", sse, json(""))).isEqualTo(CallKind.EVENTS);
    }

    @Test
    void readsSubmissionsAndCancelsAreAnsweredAtOnce() {
        assertThat(kind(HttpMethod.GET, "/v1/tasks/us-east.01JD3X9K2M", "")).isEqualTo(CallKind.READ);
        assertThat(kind(HttpMethod.GET, "/v1/models", "")).isEqualTo(CallKind.READ);
        assertThat(kind(HttpMethod.DELETE, "/v1/tasks/us-east.01JD3X9K2M", "")).isEqualTo(CallKind.READ);
        assertThat(kind(HttpMethod.POST, "/v1/tasks", "{\"query\":\"hi\"}")).isEqualTo(CallKind.READ);
    }

    @Test
    void anyOtherWriteFollowsTheRegionLikeASyncCall() {
        assertThat(kind(HttpMethod.POST, "/v1/embeddings", "{}")).isEqualTo(CallKind.SYNC);
        assertThat(kind(HttpMethod.PUT, "/v1/something", "{}")).isEqualTo(CallKind.SYNC);
    }
}
