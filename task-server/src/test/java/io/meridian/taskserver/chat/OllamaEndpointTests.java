package io.meridian.taskserver.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.protocol.OllamaErrors;
import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.taskserver.web.RegionHeaderFilter;
import io.meridian.taskserver.web.TenantHeaders;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.ollama.OllamaChatModel;
import org.springframework.ai.ollama.api.OllamaApi;
import org.springframework.ai.ollama.api.OllamaChatOptions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/chat}, {@code /api/generate}, {@code /api/tags} and {@code /api/version} over the
 * queues, on the simulated backend streaming fast: Ollama's wire format streamed (its default) and
 * plain, its options reaching the model, errors in Ollama's shape, and an Ollama client Meridian
 * does not own (Spring AI's {@code OllamaChatModel} on {@code OllamaApi}) using the server as its
 * base URL.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.model.simulated.latency=0ms",
        "meridian.model.simulated.time-to-first-token=0ms",
        "meridian.model.simulated.tokens-per-second=2000",
        "meridian.model.aliases.qwen3=simple" })
@AutoConfigureWebTestClient
class OllamaEndpointTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Autowired
    private WebTestClient client;

    @LocalServerPort
    private int port;

    private WebTestClient.ResponseSpec post(String path, String json) {
        return client.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private List<JsonNode> lines(String path, String json) {
        List<String> lines = client.mutate().responseTimeout(TIMEOUT).build()
                .post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange()
                .expectStatus().isOk()
                .expectHeader().contentType(MediaType.APPLICATION_NDJSON)
                .returnResult(String.class).getResponseBody().collectList().block(TIMEOUT);
        assertThat(lines).isNotNull();
        return lines.stream().filter(line -> !line.isBlank()).map(JSON::readTree).toList();
    }

    private static String text(List<JsonNode> lines, String member) {
        StringBuilder text = new StringBuilder();
        for (JsonNode line : lines) {
            text.append(member.equals("response") ? line.path("response").stringValue("")
                    : line.path("message").path("content").stringValue(""));
        }
        return text.toString();
    }

    private static String error(WebTestClient.ResponseSpec answer, int status) {
        JsonNode body = JSON.readTree(answer.expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody(String.class).returnResult().getResponseBody());
        assertThat(body.propertyNames()).containsExactly("error");
        assertThat(body.path("error").isString()).isTrue();
        return body.path("error").stringValue();
    }

    @Test
    void streamsNdjsonByDefaultAndEndsWithTheDoneLineAndItsCounts() {
        List<JsonNode> lines = lines("/api/chat", """
                {"model": "qwen3", "messages": [{"role": "system", "content": "Be brief."},
                                                {"role": "user", "content": "Why is the sky blue?"}]}
                """);

        List<JsonNode> pieces = lines.subList(0, lines.size() - 1);
        assertThat(pieces).hasSizeGreaterThan(2).allSatisfy(line -> {
            assertThat(line.path("done").booleanValue()).isFalse();
            assertThat(line.path("message").path("role").stringValue()).isEqualTo("assistant");
            assertThat(line.path("created_at").stringValue()).endsWith("Z");
            assertThat(line.has("done_reason")).isFalse();
        });
        JsonNode last = lines.getLast();
        assertThat(last.path("done").booleanValue()).isTrue();
        assertThat(last.path("done_reason").stringValue()).isEqualTo("stop");
        assertThat(last.path("model").stringValue()).isEqualTo("simulated");
        assertThat(last.path("eval_count").intValue()).isPositive();
        assertThat(last.path("prompt_eval_count").intValue()).isPositive();
        assertThat(last.path("total_duration").isIntegralNumber()).isTrue();
        String taskId = last.path("meridian").path("taskId").stringValue();
        assertThat(taskId).startsWith(TestRegion.ID + ".");
        assertThat(last.path("meridian").path("queue").stringValue()).isEqualTo("simple");

        client.get().uri("/v1/tasks/{id}", taskId).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.query").isEqualTo("system: Be brief.\n\nuser: Why is the sky blue?")
                .jsonPath("$.result.answer").isEqualTo(text(lines, "message"))
                .jsonPath("$.result.usage.completionTokens").isEqualTo(last.path("eval_count").intValue());
    }

    @Test
    void answersOneObjectWithStreamFalseAndReportsItsUsageToTheGateway() {
        JsonNode answer = JSON.readTree(post("/api/chat", """
                {"model": "qwen3", "stream": false, "messages": [{"role": "user", "content": "Hello?"}]}
                """)
                .expectStatus().isOk()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectHeader().valueEquals(RegionHeaderFilter.HEADER, TestRegion.ID)
                .expectHeader().value(TenantHeaders.USAGE, usage -> assertThat(usage).startsWith("prompt="))
                .expectBody(String.class).returnResult().getResponseBody());

        assertThat(answer.path("done").booleanValue()).isTrue();
        assertThat(answer.path("done_reason").stringValue()).isEqualTo("stop");
        assertThat(answer.path("message").path("content").stringValue()).endsWith("You asked: Hello?");
        assertThat(answer.path("eval_count").intValue()).isPositive();
    }

    @Test
    void generateTakesAPromptAndASystemAndAnswersInResponse() {
        List<JsonNode> lines = lines("/api/generate", """
                {"model": "qwen3", "prompt": "Why is the sky blue?", "system": "Be brief."}
                """);

        assertThat(lines).allSatisfy(line -> assertThat(line.has("message")).isFalse());
        assertThat(lines.getLast().path("done").booleanValue()).isTrue();
        assertThat(text(lines, "response")).endsWith("You asked: Why is the sky blue?");

        JsonNode plain = JSON.readTree(post("/api/generate", """
                {"model": "qwen3", "prompt": "Hi?", "stream": false}
                """).expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());
        assertThat(plain.path("response").stringValue()).endsWith("You asked: Hi?");
    }

    @Test
    void optionsReachTheModelAsItsChatParameters() {
        JsonNode cut = JSON.readTree(post("/api/chat", """
                {"model": "qwen3", "stream": false, "messages": [{"role": "user", "content": "Why?"}],
                 "options": {"num_predict": 5, "temperature": 0.2, "top_p": 0.9}}
                """).expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());
        assertThat(cut.path("message").path("content").stringValue())
                .isEqualTo("Simulated answer from region " + TestRegion.ID);
        assertThat(cut.path("done_reason").stringValue()).isEqualTo("length");
        assertThat(cut.path("eval_count").intValue()).isEqualTo(5);

        List<JsonNode> stopped = lines("/api/chat", """
                {"model": "qwen3", "messages": [{"role": "user", "content": "Why?"}],
                 "options": {"stop": ["region"], "seed": 7}}
                """);
        assertThat(text(stopped, "message")).isEqualTo("Simulated answer from ");
        assertThat(stopped.getLast().path("done_reason").stringValue()).isEqualTo("stop");

        JsonNode json = JSON.readTree(post("/api/chat", """
                {"model": "qwen3", "stream": false, "format": "json", "messages": [{"role": "user", "content": "Why?"}]}
                """).expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());
        assertThat(JSON.readTree(json.path("message").path("content").stringValue()).path("simulated").booleanValue())
                .isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"model\": \"qwen3\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"options\": {\"temperature\": 3}}"
                + "| options.temperature",
        "{\"model\": \"qwen3\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"options\": {\"top_k\": 40}}"
                + "| options.top_k",
        "{\"model\": \"qwen3\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"options\": {\"num_predict\": 0}}"
                + "| options.num_predict",
        "{\"model\": \"qwen3\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"format\": {\"type\": \"object\"}}"
                + "| format",
        "{\"model\": \"qwen3\", \"messages\": [{\"role\": \"robot\", \"content\": \"Hi\"}]}| messages[0].role",
        "{\"model\": \"qwen3\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\", \"images\": [\"iVBO\"]}]}"
                + "| messages[0].images",
        "{\"model\": \"qwen3\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"stream\": \"yes\"}| stream",
        "{\"model\": \"qwen3\", \"messages\": []}| messages",
        "{\"model\": \"qwen3\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"keep_alive\": \"5 minutes\"}"
                + "| keep_alive",
    })
    void refusesWhatItCannotHonourInOllamasShapeNamingTheField(String body, String field) {
        String message = error(post("/api/chat", body), 400);

        assertThat(message).endsWith("(invalid_request, field " + field + ")");
    }

    @Test
    void acceptsAndIgnoresAKeepAliveOnTheSimulatedBackendWhichLoadsNoModel() {
        post("/api/chat", """
                {"model": "qwen3", "stream": false, "keep_alive": "30m", "messages": [{"role": "user", "content": "Hi"}]}
                """).expectStatus().isOk().expectBody().jsonPath("$.done").isEqualTo(true);
        post("/api/generate", """
                {"model": "qwen3", "stream": false, "keep_alive": -1, "prompt": "Hi"}
                """).expectStatus().isOk().expectBody().jsonPath("$.done").isEqualTo(true);
    }

    @Test
    void anUnknownModelIs404InOllamasShape() {
        String message = error(post("/api/chat", """
                {"model": "llama9", "messages": [{"role": "user", "content": "Hi"}]}
                """), 404);

        assertThat(message).contains("llama9").endsWith("(model_not_found, field model)");
    }

    @Test
    void aLatestTagNamesTheModelItTags() {
        post("/api/generate", """
                {"model": "qwen3:latest", "prompt": "Hi?", "stream": false}
                """).expectStatus().isOk();
    }

    @Test
    void readsTheBodyWhateverItsContentTypeAsOllamaDoesButRefusesOneThatIsNotJson() {
        client.post().uri("/api/generate").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("{\"model\": \"qwen3\", \"prompt\": \"Hi?\", \"stream\": false}").exchange()
                .expectStatus().isOk();

        String message = error(client.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\": ").exchange(), 400);
        assertThat(message).endsWith("(malformed_json)");
    }

    @Test
    void listsTheNamesItAnswersToInOllamasTagsAndReportsItsVersion() {
        JsonNode tags = JSON.readTree(client.get().uri("/api/tags").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());

        List<String> names = tags.path("models").valueStream().map(model -> model.path("name").stringValue()).toList();
        assertThat(names).contains("simulated", "simple", "complex", "qwen3");
        JsonNode qwen3 = tags.path("models").valueStream()
                .filter(model -> model.path("name").stringValue().equals("qwen3")).findFirst().orElseThrow();
        assertThat(qwen3.path("digest").stringValue()).hasSize(64);
        assertThat(qwen3.path("meridian").path("kind").stringValue()).isEqualTo("alias");

        client.get().uri("/api/version").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.version").isEqualTo(OllamaErrors.API_VERSION);
    }

    @Test
    void springAisOllamaClientChatsWithTheServerAsItsBaseUrl() {
        OllamaApi api = OllamaApi.builder().baseUrl("http://localhost:" + port).build();
        OllamaChatModel model = OllamaChatModel.builder().ollamaApi(api)
                .options(OllamaChatOptions.builder().model("qwen3").numPredict(5).build()).build();

        ChatResponse plain = model.call(new Prompt("Why is the sky blue?"));
        assertThat(plain.getResult().getOutput().getText()).isEqualTo("Simulated answer from region " + TestRegion.ID);
        assertThat(plain.getResult().getMetadata().getFinishReason()).isEqualTo("length");
        assertThat(plain.getMetadata().getUsage().getCompletionTokens()).isEqualTo(5);

        List<ChatResponse> streamed = model.stream(new Prompt("Why is the sky blue?")).collectList().block(TIMEOUT);
        assertThat(streamed).isNotNull().hasSizeGreaterThan(1);
        assertThat(streamed.stream().map(response -> response.getResult() == null ? ""
                : String.valueOf(response.getResult().getOutput().getText())).reduce("", String::concat))
                .isEqualTo("Simulated answer from region " + TestRegion.ID);

        assertThat(api.listModels().models()).extracting(OllamaApi.Model::name).contains("qwen3");
    }
}
