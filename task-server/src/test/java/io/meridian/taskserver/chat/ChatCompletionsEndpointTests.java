package io.meridian.taskserver.chat;

import static io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.errors.NotFoundException;
import io.meridian.taskserver.testsupport.ChatStreams;
import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.RegionHeaderFilter;
import io.meridian.taskserver.web.TenantHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/chat/completions} over the queues, on the simulated backend streaming fast:
 * OpenAI's wire format plain and streamed, routing, idempotency, validation naming the field, and
 * an OpenAI client (Spring AI's, on the official OpenAI Java SDK) using the server as its base URL.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.model.simulated.latency=0ms",
        "meridian.model.simulated.time-to-first-token=0ms",
        "meridian.model.simulated.tokens-per-second=2000",
        "meridian.model.aliases.gpt-4o-mini=simple",
        "meridian.model.aliases.big=qwen3:14b",
        "meridian.server.max-query-length=" + ChatCompletionsEndpointTests.MAX_QUERY_LENGTH })
@AutoConfigureWebTestClient
@ExtendWith(OutputCaptureExtension.class)
class ChatCompletionsEndpointTests {

    static final int MAX_QUERY_LENGTH = 300;

    private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT =
            new ParameterizedTypeReference<>() { };

    @Autowired
    private WebTestClient client;

    @LocalServerPort
    private int port;

    private WebTestClient.ResponseSpec post(String json) {
        return client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(json)
                .exchange();
    }

    private static final String CONVERSATION = """
            {"model": "simulated", "messages": [
              {"role": "system", "content": "Be brief."},
              {"role": "user", "content": "First question?"},
              {"role": "assistant", "content": "First answer."},
              {"role": "user", "content": [{"type": "text", "text": "Second "}, {"type": "text", "text": "question?"}]}]}
            """;

    @Test
    void answersInOpenAisWireFormatThroughTheQueues() {
        Map<String, Object> completion = post(CONVERSATION)
                .expectStatus().isOk()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectHeader().valueEquals(RegionHeaderFilter.HEADER, TestRegion.ID)
                .expectBody(JSON_OBJECT).returnResult().getResponseBody();

        assertThat(completion).isNotNull();
        assertThat(completion).containsEntry("object", "chat.completion").containsEntry("model", "simulated");
        assertThat((String) completion.get("id")).startsWith("chatcmpl-" + TestRegion.ID + ".");
        assertThat(((Number) completion.get("created")).longValue()).isPositive();
        @SuppressWarnings("unchecked")
        Map<String, Object> choice = ((List<Map<String, Object>>) completion.get("choices")).getFirst();
        assertThat(choice).containsEntry("index", 0).containsEntry("finish_reason", "stop");
        @SuppressWarnings("unchecked")
        Map<String, Object> message = (Map<String, Object>) choice.get("message");
        assertThat(message).containsEntry("role", "assistant");
        assertThat((String) message.get("content")).contains("Simulated").endsWith("You asked: Second question?");
        @SuppressWarnings("unchecked")
        Map<String, Integer> usage = (Map<String, Integer>) completion.get("usage");
        assertThat(usage.get("completion_tokens")).isPositive();
        assertThat(usage.get("total_tokens")).isEqualTo(usage.get("prompt_tokens") + usage.get("completion_tokens"));

        String taskId = ((String) completion.get("id")).substring("chatcmpl-".length());
        client.get().uri("/v1/tasks/{id}", taskId).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("succeeded")
                .jsonPath("$.queue").isEqualTo("simple")
                .jsonPath("$.query").isEqualTo("system: Be brief.\n\nuser: First question?\n\nassistant: First "
                        + "answer.\n\nuser: Second question?")
                .jsonPath("$.result.answer").isEqualTo(message.get("content"))
                .jsonPath("$.result.usage.totalTokens").isEqualTo(usage.get("total_tokens"));
    }

    @Test
    void streamsChunksTokenByTokenThenTheFinishTheUsageAndDone() {
        List<String> events = ChatStreams.stream(client, """
                {"messages": [{"role": "user", "content": "Stream this please"}],
                 "stream": true, "stream_options": {"include_usage": true}}
                """);

        assertThat(events.getLast()).isEqualTo(ChatCompletionsController.DONE);
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(ChatStreams::json).toList();
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.path("object").stringValue()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.path("id").stringValue()).isEqualTo(chunks.getFirst().path("id").stringValue());
        });
        JsonNode first = chunks.getFirst().path("choices").get(0);
        assertThat(first.path("delta").path("role").stringValue()).isEqualTo("assistant");
        JsonNode finish = chunks.get(chunks.size() - 2).path("choices").get(0);
        assertThat(finish.path("finish_reason").stringValue()).isEqualTo("stop");
        assertThat(finish.path("delta").isEmpty()).isTrue();
        JsonNode usageChunk = chunks.getLast();
        assertThat(usageChunk.path("choices").isEmpty()).isTrue();
        List<String> pieces = ChatStreams.contents(events);
        String answer = String.join("", pieces);
        assertThat(answer).contains("Simulated").endsWith("You asked: Stream this please");
        // One chunk per word (after the role chunk's empty content), as the backend produced them.
        assertThat(pieces).hasSize(1 + usageChunk.path("usage").path("completion_tokens").asInt());
        assertThat(usageChunk.path("usage").path("total_tokens").asInt()).isEqualTo(
                usageChunk.path("usage").path("prompt_tokens").asInt()
                        + usageChunk.path("usage").path("completion_tokens").asInt());
    }

    @Test
    void holdsTheAnswerToMaxTokensAndToTheGatewaysSmallerCap() {
        post("{\"max_tokens\": 3, \"messages\": [{\"role\": \"user\", \"content\": \"a long question\"}]}")
                .expectStatus().isOk()
                .expectBody().jsonPath("$.usage.completion_tokens").isEqualTo(3);
        post("{\"max_completion_tokens\": 4, \"max_tokens\": 9, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                .expectStatus().isOk()
                .expectBody().jsonPath("$.usage.completion_tokens").isEqualTo(4);
        client.post().uri("/v1/chat/completions").header(TenantHeaders.MAX_TOKENS, "2")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"max_tokens\": 10, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.usage.completion_tokens").isEqualTo(2);
        client.post().uri("/process").header(TenantHeaders.MAX_TOKENS, "5").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\": \"a question\"}")
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.usage.completionTokens").isEqualTo(5);
    }

    @Test
    void refusesACapHeaderThatIsNotAWholeNumber() {
        for (String cap : List.of("0", "-1", "1.5", "99999999999", "ten")) {
            client.post().uri("/v1/chat/completions").header(TenantHeaders.MAX_TOKENS, cap)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectBody()
                    .jsonPath("$.error.code").isEqualTo("invalid_header")
                    .jsonPath("$.error.param").isEqualTo(TenantHeaders.MAX_TOKENS);
        }
    }

    @Test
    void streamsWithoutAUsageChunkUnlessAskedFor() {
        List<String> events = ChatStreams.stream(client,
                "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stream\": true}");

        JsonNode last = ChatStreams.json(events.get(events.size() - 2));
        assertThat(last.path("choices").get(0).path("finish_reason").stringValue()).isEqualTo("stop");
        assertThat(last.has("usage")).isFalse();
        assertThat(events.getLast()).isEqualTo(ChatCompletionsController.DONE);
    }

    @Test
    void routesAModelNamingTheComplexQueuesModelOrTheQueueThere() {
        for (String model : List.of("qwen3:14b", "complex")) {
            post("{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.meridian.queue").isEqualTo("complex")
                    .jsonPath("$.meridian.degraded").isEqualTo(false);
        }
    }

    @Test
    void routesAnAliasToWhatItStandsFor() {
        post("{\"model\": \"gpt-4o-mini\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.model").isEqualTo("simulated")
                .jsonPath("$.meridian.queue").isEqualTo("simple");
        post("{\"model\": \"big\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.meridian.queue").isEqualTo("complex");
    }

    @Test
    void refusesAModelTheRegionDoesNotServeWith404InOpenAisShape() {
        String message = assertApiError(post("{\"model\": \"gpt-4o-does-not-exist\", \"messages\": "
                + "[{\"role\": \"user\", \"content\": \"hi\"}]}"), 404, ApiError.MODEL_NOT_FOUND, "model");

        assertThat(message).contains("'gpt-4o-does-not-exist'").contains(TestRegion.ID).contains("GET /v1/models");
    }

    @Test
    void refusesABadRequestInOpenAisShapeNamingTheParam() {
        Map<String, Object> body = post("{\"messages\": [{\"role\": \"robot\", \"content\": \"b\"}]}")
                .expectStatus().isBadRequest()
                .expectBody(JSON_OBJECT).returnResult().getResponseBody();

        assertThat(body).containsOnlyKeys("error");
        assertThat(body.get("error")).isEqualTo(Map.of("message", ((Map<?, ?>) body.get("error")).get("message"),
                "type", "invalid_request_error", "param", "messages[0].role", "code", "invalid_request"));
    }

    @Test
    void answersTheSameTaskForTheSameIdempotencyKey() {
        String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"once\"}]}";
        String first = client.post().uri("/v1/chat/completions").header("Idempotency-Key", "chat-key-1")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isOk().expectBody(JSON_OBJECT).returnResult().getResponseBody().get("id").toString();
        String again = client.post().uri("/v1/chat/completions").header("Idempotency-Key", "chat-key-1")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isOk().expectBody(JSON_OBJECT).returnResult().getResponseBody().get("id").toString();

        assertThat(again).isEqualTo(first);
    }

    @Test
    void reportsLengthWhenMaxTokensCutTheAnswerPlainAndInTheStreamsLastChunk() {
        Map<String, Object> completion = post("""
                {"messages": [{"role": "user", "content": "Why is the sky blue?"}], "max_tokens": 3}
                """).expectStatus().isOk().expectBody(JSON_OBJECT).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        Map<String, Object> choice = ((List<Map<String, Object>>) completion.get("choices")).getFirst();
        List<String> events = ChatStreams.stream(client, """
                {"messages": [{"role": "user", "content": "Why is the sky blue?"}], "max_tokens": 3, "stream": true}
                """);
        JsonNode last = ChatStreams.json(events.get(events.size() - 2)).path("choices").get(0);

        assertThat(choice).containsEntry("finish_reason", "length");
        assertThat(choice.get("message")).isEqualTo(Map.of("role", "assistant", "content", "Simulated answer from"));
        assertThat(last.path("finish_reason").stringValue()).isEqualTo("length");
        assertThat(ChatStreams.content(events)).isEqualTo("Simulated answer from");
    }

    @Test
    void endsTheAnswerBeforeAStopSequenceAndAnswersJsonInJsonMode() {
        String stopped = post("""
                {"messages": [{"role": "user", "content": "Why?"}], "stop": "(no"}
                """).expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody()
                .path("choices").get(0).path("message").path("content").stringValue();
        String json = post("""
                {"messages": [{"role": "user", "content": "Why?"}], "response_format": {"type": "json_object"}}
                """).expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody()
                .path("choices").get(0).path("message").path("content").stringValue();

        assertThat(stopped).isEqualTo("Simulated answer from region " + TestRegion.ID + " ");
        assertThat(ChatStreams.json(json).path("answer").stringValue()).endsWith("You asked: Why?");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"}}]        | tools",
        "\"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"x\", \"schema\": {}}} | response_format" })
    void refusesWhatTheSimulatedModelCannotHonourNamingTheField(String parameter, String field) {
        String message = assertApiError(post("{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}], "
                + parameter + "}"), 400, ApiError.INVALID_REQUEST, field);

        assertThat(message).endsWith("is not supported by this region's model backend ('simulated')");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}                                                                              | messages",
        "{\"messages\": []}                                                              | messages",
        "{\"messages\": \"hi\"}                                                          | messages",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, 3]}                   | messages[1]",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"content\": \"b\"}]} | messages[1].role",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"function\", \"content\": \"b\"}]} | messages[1].role",
        "{\"messages\": [{\"role\": \"user\", \"content\": 42}]}                         | messages[0].content",
        "{\"messages\": [{\"role\": \"user\"}]}                                          | messages[0].content",
        "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\"}]}]}  | messages[0].content[0].type",
        "{\"model\": 7, \"messages\": [{\"role\": \"user\", \"content\": \"a\"}]}          | model",
        "{\"stream\": \"yes\", \"messages\": [{\"role\": \"user\", \"content\": \"a\"}]}   | stream",
        "{\"temperature\": 3, \"messages\": [{\"role\": \"user\", \"content\": \"a\"}]}    | temperature",
        "{\"max_tokens\": 0, \"messages\": [{\"role\": \"user\", \"content\": \"a\"}]}     | max_tokens",
        "{\"n\": 2, \"messages\": [{\"role\": \"user\", \"content\": \"a\"}]}              | n" })
    void refusesAnInvalidRequestNamingTheField(String body, String field) {
        String message = assertApiError(post(body), 400, ApiError.INVALID_REQUEST, field);

        assertThat(message).startsWith(field);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "max_tokens            | 9223372036854775808  | max_tokens_too_large",
        "max_tokens            | -9223372036854775809 | invalid_request",
        "max_tokens            | -1                   | invalid_request",
        "max_tokens            | 1e400                | invalid_request",
        "max_tokens            | '\"12\"'           | invalid_request",
        "max_tokens            | 1.5                  | invalid_request",
        "max_completion_tokens | 9223372036854775808  | max_tokens_too_large",
        "max_completion_tokens | -1                   | invalid_request",
        "max_completion_tokens | 1e400                | invalid_request",
        "max_completion_tokens | '\"12\"'           | invalid_request",
        "max_completion_tokens | 1.5                  | invalid_request",
        "n                     | 9223372036854775808  | invalid_request",
        "n                     | -1                   | invalid_request",
        "n                     | 1e400                | invalid_request",
        "n                     | '\"12\"'           | invalid_request",
        "n                     | 1.5                  | invalid_request" })
    void refusesAnIntegerFieldOutOfRangeOrOfAnotherTypeNamingTheFieldWithoutAStackTrace(String field, String value,
            String code, CapturedOutput output) {
        String body = "{\"" + field + "\": " + value + ", \"messages\": [{\"role\": \"user\", \"content\": \"a\"}]}";

        String message = assertApiError(post(body), 400, code, field);

        assertThat(message).startsWith(field).doesNotContain("Exception").hasSizeLessThan(200);
        assertThat(output.getAll()).doesNotContain("Unexpected failure", "JsonNodeException");
    }

    @Test
    void refusesAConversationLongerThanTheQueryLimitNamingMessages() {
        String text = "x".repeat(MAX_QUERY_LENGTH);
        assertApiError(post("{\"messages\": [{\"role\": \"user\", \"content\": \"" + text + "\"}]}"), 400,
                ApiError.QUERY_TOO_LONG, "messages");
    }

    @Test
    void refusesAStreamedRequestBeforeStreamingWhenItIsInvalid() {
        assertApiError(post("{\"stream\": true, \"messages\": [{\"role\": \"robot\", \"content\": \"a\"}]}"), 400,
                ApiError.INVALID_REQUEST, "messages[0].role");
    }

    @Test
    void servesAnOpenAiClientThatUsesItAsBaseUrl() {
        OpenAiChatModel openAi = OpenAiChatModel.builder()
                .options(OpenAiChatOptions.builder()
                        .baseUrl("http://localhost:" + port + "/v1")
                        .apiKey("not-needed")
                        .model("gpt-4o-mini")
                        .maxRetries(0)
                        .build())
                .build();
        Prompt prompt = new Prompt(List.of(new SystemMessage("Be brief."), new UserMessage("Hello there")));

        ChatResponse plain = openAi.call(prompt);
        String streamed = openAi.stream(prompt)
                .map(response -> response.getResult() != null && response.getResult().getOutput().getText() != null
                        ? response.getResult().getOutput().getText() : "")
                .reduce("", String::concat)
                .block(java.time.Duration.ofSeconds(10));

        assertThat(plain.getResult().getOutput().getText()).endsWith("You asked: Hello there");
        assertThat(plain.getMetadata().getId()).startsWith("chatcmpl-" + TestRegion.ID + ".");
        assertThat(plain.getMetadata().getUsage().getTotalTokens()).isPositive();
        assertThat(streamed).isEqualTo(plain.getResult().getOutput().getText());
    }

    @Test
    void anOpenAiClientReadsTheCodeParamAndTypeOfAnError() {
        OpenAiChatModel openAi = OpenAiChatModel.builder()
                .options(OpenAiChatOptions.builder()
                        .baseUrl("http://localhost:" + port + "/v1")
                        .apiKey("not-needed")
                        .model("gpt-4o-does-not-exist")
                        .maxRetries(0)
                        .build())
                .build();

        assertThatThrownBy(() -> openAi.call(new Prompt(List.of(new UserMessage("Hello there")))))
                .isInstanceOfSatisfying(NotFoundException.class, error -> {
                    assertThat(error.statusCode()).isEqualTo(404);
                    assertThat(error.code()).contains(ApiError.MODEL_NOT_FOUND);
                    assertThat(error.param()).contains("model");
                    assertThat(error.type()).contains("invalid_request_error");
                    assertThat(error.getMessage()).contains("'gpt-4o-does-not-exist' does not exist");
                });
    }
}
