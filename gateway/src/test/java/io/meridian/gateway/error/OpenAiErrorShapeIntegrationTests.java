package io.meridian.gateway.error;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.meridian.gateway.WindowClock;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import io.meridian.gateway.tenant.ApiKeys;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The errors the gateway answers by itself on OpenAI's endpoints take OpenAI's shape, which the
 * official OpenAI Java SDK reads into its exception's code, param and type; the same errors on
 * Meridian's own endpoints keep Meridian's shape.
 */
@Import(WindowClock.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.client.trusted-proxies=127.0.0.0/8",
        "meridian.health.enabled=false",
        "meridian.proxy.max-body-size=2KB",
        "meridian.auth.anonymous=false",
        "meridian.auth.tenants[0].id=shape",
        "meridian.auth.tenants[0].keys-sha256[0]=" + OpenAiErrorShapeIntegrationTests.SHAPE_HASH,
        "meridian.auth.tenants[1].id=limited",
        "meridian.auth.tenants[1].keys-sha256[0]=" + OpenAiErrorShapeIntegrationTests.LIMITED_HASH,
        "meridian.auth.tenants[1].limits.requests-per-minute=1"})
class OpenAiErrorShapeIntegrationTests extends RegionsIntegrationTest {

    static final String SHAPE_HASH = "e4ae65604f84bbc8c3962172dd3b5738926032f5eef85e2e4c3d7912d320bd83";
    static final String LIMITED_HASH = "f33b2500796d61f96eeef0f5331ddc40c17e434aff139f4d9e00bfe75170d87a";

    private static final ChatCompletionCreateParams HELLO = ChatCompletionCreateParams.builder()
            .model("qwen3").addUserMessage("Hello").build();

    private OpenAIClient openAi(String apiKey) {
        return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(apiKey)
                .putHeader("X-Forwarded-For", "8.8.8.8").maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }

    @Test
    void theHashesAreThoseOfTheTestKeys() {
        assertThat(ApiKeys.sha256("shape-key")).isEqualTo(SHAPE_HASH);
        assertThat(ApiKeys.sha256("limited-key")).isEqualTo(LIMITED_HASH);
    }

    @Test
    void aWrongKeyIsAnAuthenticationErrorTheSdkReads() {
        assertThatThrownBy(() -> openAi("not-a-key").chat().completions().create(HELLO))
                .isInstanceOfSatisfying(UnauthorizedException.class, error -> {
                    assertThat(error.code()).contains("invalid_api_key");
                    assertThat(error.param()).contains(HttpHeaders.AUTHORIZATION);
                    assertThat(error.type()).contains("invalid_request_error");
                    assertThat(error.getMessage()).contains("the API key is not valid");
                });
        assertThat(regions.totalRequests()).as("requests that reached a region").isZero();
    }

    @Test
    void aMissingKeyHasOpenAisShapeOnChatAndMeridiansOnProcess() {
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.code").isEqualTo("missing_api_key")
                .jsonPath("$.error.param").isEqualTo(HttpHeaders.AUTHORIZATION)
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.message").value(message -> assertThat((String) message).contains("API key"))
                .jsonPath("$.status").doesNotExist();
        client.post().uri("/process").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}").exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error").isEqualTo("missing_api_key")
                .jsonPath("$.field").isEqualTo(HttpHeaders.AUTHORIZATION).jsonPath("$.status").isEqualTo(401);
    }

    @Test
    void aTenantOverItsRequestRateIsARateLimitTheSdkReads() {
        client.get().uri("/v1/queues").header(HttpHeaders.AUTHORIZATION, "Bearer limited-key").exchange()
                .expectStatus().isOk();

        assertThatThrownBy(() -> openAi("limited-key").chat().completions().create(HELLO))
                .isInstanceOfSatisfying(RateLimitException.class, error -> {
                    assertThat(error.code()).contains("limit_exceeded");
                    assertThat(error.param()).contains("requests_per_minute");
                    assertThat(error.type()).contains("rate_limit_exceeded");
                    assertThat(error.headers().values(HttpHeaders.RETRY_AFTER)).isNotEmpty();
                });
    }

    @Test
    void regionsThatFailAChatAreAServerErrorTheSdkReads() {
        regions.servers().forEach(region -> region.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))));

        assertThatThrownBy(() -> openAi("shape-key").chat().completions().create(HELLO))
                .isInstanceOfSatisfying(InternalServerException.class, error -> {
                    assertThat(error.statusCode()).isEqualTo(502);
                    assertThat(error.code()).contains("region_failed");
                    assertThat(error.type()).contains("server_error");
                    assertThat(error.param()).isEmpty();
                });
    }

    @Test
    void aBodyOverTheLimitIsRefusedInOpenAisShape() {
        assertThatThrownBy(() -> openAi("shape-key").chat().completions().create(ChatCompletionCreateParams.builder()
                .model("qwen3").addUserMessage("x".repeat(4000)).build()))
                .isInstanceOfSatisfying(OpenAIServiceException.class, error -> {
                    assertThat(error.statusCode()).isEqualTo(413);
                    assertThat(error.code()).contains("payload_too_large");
                    assertThat(error.type()).contains("invalid_request_error");
                });
        assertThat(regions.totalRequests()).as("requests that reached a region").isZero();
    }

    @Test
    void aPathWithoutOneMeaningIsRefusedInOpenAisShape() {
        WebTestClient.bindToServer().responseTimeout(Duration.ofSeconds(20)).build().post()
                .uri(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions;x=1"))
                .header(HttpHeaders.AUTHORIZATION, "Bearer shape-key").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"messages\":[]}").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_path")
                .jsonPath("$.error.param").isEqualTo("path")
                .jsonPath("$.error.type").isEqualTo("invalid_request_error");
    }
}
