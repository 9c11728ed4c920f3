package io.meridian.taskserver.tracing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.taskserver.testsupport.OllamaServerTest;
import io.meridian.taskserver.testsupport.OllamaWire;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client's trace through the task server to the model: the task keeps it across the queue, its
 * status names it, and Ollama (WireMock speaking {@code /api/chat}) receives it, for plain and
 * streamed calls. Logs are ECS JSON; prompts stay out of them.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = {
        "meridian.model.ollama.model=qwen3:4b",
        "meridian.model.timeout=30s", // the first call of a fresh context takes seconds on a busy machine
        "management.tracing.sampling.probability=1.0",
        "logging.structured.format.console=ecs" })
class OllamaTracingTests extends OllamaServerTest {

    static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    static final String CLIENT_SPAN = "b7ad6b7169203331";
    static final String TRACEPARENT = "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01";
    static final Pattern W3C = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]");

    static final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aTasksStatusNamesTheSubmittersTraceAndTheModelCallContinuesIt(CapturedOutput output) {
        ollama.stubFor(post(OllamaWire.CHAT_PATH)
                .willReturn(okJson(OllamaWire.chatAnswer("qwen3:4b", "Paris.", 14, 3))));

        String self = client.post().uri("/v1/tasks")
                .header("traceparent", TRACEPARENT)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\": \"Where is Ruritania's capital?\"}")
                .exchange()
                .expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody()
                .path("links").path("self").asString();

        JsonNode status = await().atMost(Duration.ofSeconds(10)).until(() -> client.get().uri(self).exchange()
                .expectBody(JsonNode.class).returnResult().getResponseBody(),
                task -> "succeeded".equals(task.path("status").asString()));
        assertThat(status.path("traceId").asString()).isEqualTo(TRACE_ID);

        Matcher sent = traceparentSentToTheModel();
        assertThat(sent.group(1)).isEqualTo(TRACE_ID);
        assertThat(sent.group(2)).as("a span of the task server, not the client's").isNotEqualTo(CLIENT_SPAN);

        JsonNode line = taskLine(output, status.path("id").asString());
        assertThat(line.path("outcome").asString()).isEqualTo("succeeded");
        assertThat(line.path("traceId").asString()).isEqualTo(TRACE_ID);
        assertThat(line.path("queue").asString()).isEqualTo("simple");
        assertThat(line.path("promptTokens").asInt()).isEqualTo(14);
        assertThat(line.has("prompt")).isFalse();
        assertThat(output.getAll()).doesNotContain("Ruritania");
    }

    @Test
    void aRequestWithoutAContextGetsATraceOfItsOwnThatReachesTheModel() {
        ollama.stubFor(post(OllamaWire.CHAT_PATH)
                .willReturn(okJson(OllamaWire.chatAnswer("qwen3:4b", "Paris.", 14, 3))));

        client.post().uri("/process").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\": \"Capital of France?\"}")
                .exchange()
                .expectStatus().isOk();

        assertThat(traceparentSentToTheModel().group(1)).isNotEqualTo(TRACE_ID).isNotEqualTo("0".repeat(32));
    }

    @Test
    void aStreamedCallContinuesTheTraceToo() {
        String ndjson = """
                {"model":"qwen3:4b","created_at":"2025-05-01T10:15:30Z","message":{"role":"assistant","content":"Par"},"done":false}
                {"model":"qwen3:4b","created_at":"2025-05-01T10:15:31Z","message":{"role":"assistant","content":"is."},"done":true,"done_reason":"stop","prompt_eval_count":9,"eval_count":2}
                """;
        ollama.stubFor(post(OllamaWire.CHAT_PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/x-ndjson").withBody(ndjson)));

        List<String> events = client.post().uri("/v1/chat/completions")
                .header("traceparent", TRACEPARENT)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"qwen3:4b\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Capital?\"}]}")
                .exchange()
                .expectStatus().isOk()
                .returnResult(String.class).getResponseBody().collectList().block(Duration.ofSeconds(60));
        assertThat(events).isNotEmpty();

        assertThat(traceparentSentToTheModel().group(1)).isEqualTo(TRACE_ID);
    }

    private static Matcher traceparentSentToTheModel() {
        String header = ollama.findAll(postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))).getLast()
                .getHeader("traceparent");
        assertThat(header).as("traceparent sent to the model server").isNotNull();
        Matcher matcher = W3C.matcher(header);
        assertThat(matcher.matches()).as(header).isTrue();
        return matcher;
    }

    /** The line logged for the task {@code taskId}, or for any task when it is empty. */
    static JsonNode taskLine(CapturedOutput output, String taskId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> output.getOut().lines()
                .filter(line -> line.startsWith("{") && line.contains(taskId) && line.contains("meridian.tasks"))
                .map(json::readTree)
                .filter(node -> "meridian.tasks".equals(node.path("log").path("logger").asString()))
                .filter(node -> taskId.isEmpty() || taskId.equals(node.path("taskId").asString()))
                .findFirst(), Optional::isPresent).orElseThrow();
    }
}
