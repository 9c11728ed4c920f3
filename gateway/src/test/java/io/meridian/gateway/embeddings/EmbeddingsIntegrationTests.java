package io.meridian.gateway.embeddings;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.meridian.gateway.routing.GeoRoutingFilter;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import io.meridian.gateway.tenant.ApiKeys;
import io.meridian.gateway.tenant.TenantProperties;
import io.meridian.gateway.tenant.UsageLedger;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * {@code POST /v1/embeddings} through the gateway, called by the official OpenAI Java SDK, against
 * WireMock regions that answer as a task server does: OpenAI's embeddings body and the tokens it
 * cost in {@code X-Meridian-Usage}. The tenant's key is checked, its budget charged from that
 * usage, and an embeddings call (a POST without an idempotency key) is re-sent to the next region
 * when one fails, since embedding the same input twice changes nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.client.trusted-proxies=127.0.0.0/8",
        "meridian.health.enabled=false",
        "meridian.auth.anonymous=false",
        "meridian.auth.reservation.default-tokens=5",
        "meridian.auth.tenants[0].id=embedder",
        "meridian.auth.tenants[0].keys-sha256[0]=" + EmbeddingsIntegrationTests.EMBED_HASH,
        "meridian.auth.tenants[0].limits.tokens-per-day=1000"})
class EmbeddingsIntegrationTests extends RegionsIntegrationTest {

    static final String EMBED_HASH = "d296a62c58d7f7211ffa8cb31ee15c970594c88387633d86457ebe33c4e24ccc";

    private static final String PATH = "/v1/embeddings";

    @Autowired
    private UsageLedger ledger;

    private OpenAIClient openAi() {
        return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("embed-key")
                .putHeader("X-Forwarded-For", "8.8.8.8").maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }

    /** Every region answers embeddings as a task server does, naming itself. */
    private void regionsEmbed(int promptTokens) {
        regions.servers().forEach(server -> server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("X-Meridian-Usage", "prompt=" + promptTokens + ", completion=0")
                .withBody("{\"object\": \"list\", \"data\": [{\"object\": \"embedding\", \"index\": 0, "
                        + "\"embedding\": [0.6, 0.8]}, {\"object\": \"embedding\", \"index\": 1, \"embedding\": [1.0, 0.0]}], "
                        + "\"model\": \"nomic-embed-text\", \"usage\": {\"prompt_tokens\": " + promptTokens
                        + ", \"total_tokens\": " + promptTokens + "}}"))));
    }

    private long tokensToday(String tenant) {
        TenantProperties.Limits none = new TenantProperties.Limits(null, null, null, null);
        return ledger.reserve(tenant, none, none, 0).block().usage().tokensToday();
    }

    private static int embeddingsRequests(WireMockServer server) {
        return server.findAll(postRequestedFor(urlEqualTo(PATH))).size();
    }

    @Test
    void theHashIsThatOfTheTestKey() {
        assertThat(ApiKeys.sha256("embed-key")).isEqualTo(EMBED_HASH);
    }

    @Test
    void theSdksEmbeddingsReachARegionAsTheTenantsAndChargeItsBudgetWithTheTokensReported() {
        regionsEmbed(12);
        long before = tokensToday("embedder");

        CreateEmbeddingResponse answer = openAi().embeddings().create(EmbeddingCreateParams.builder()
                .model("nomic-embed-text").inputOfArrayOfStrings(List.of("red apple", "a pear")).build());

        assertThat(answer.data()).hasSize(2);
        assertThat(answer.data().get(0).embedding()).containsExactly(0.6f, 0.8f);
        assertThat(answer.data().get(1).index()).isEqualTo(1);
        assertThat(answer.model()).isEqualTo("nomic-embed-text");
        assertThat(answer.usage().promptTokens()).isEqualTo(12);
        WireMockServer served = regions.servers().stream().filter(server -> embeddingsRequests(server) == 1)
                .findFirst().orElseThrow();
        served.verify(postRequestedFor(urlEqualTo(PATH))
                .withHeader("X-Meridian-Tenant", equalTo("embedder"))
                .withoutHeader(HttpHeaders.AUTHORIZATION)
                .withRequestBody(matchingJsonPath("$.model", equalTo("nomic-embed-text")))
                .withRequestBody(matchingJsonPath("$.input[1]", equalTo("a pear"))));
        // The reservation (5) is settled to the reported usage once the answer has been relayed.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> tokensToday("embedder") == before + 12);
    }

    @Test
    void anEmbeddingsCallIsResentToTheNextRegionWhenOneResetsTheConnection() {
        regionsEmbed(3);
        String first = client.post().uri(PATH).header("X-Forwarded-For", "8.8.8.8")
                .header(HttpHeaders.AUTHORIZATION, "Bearer embed-key").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"input\": \"hi\"}").exchange().expectStatus().isOk()
                .returnResult(String.class).getResponseHeaders().getFirst(GeoRoutingFilter.REGION_HEADER);
        assertThat(first).isNotNull();
        regions.get(first).resetRequests();
        regions.get(first).stubFor(post(urlEqualTo(PATH)).willReturn(aResponse()
                .withFault(Fault.CONNECTION_RESET_BY_PEER)));

        String second = client.post().uri(PATH).header("X-Forwarded-For", "8.8.8.8")
                .header(HttpHeaders.AUTHORIZATION, "Bearer embed-key").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"input\": \"hi\"}").exchange().expectStatus().isOk()
                .expectHeader().valueEquals("X-Meridian-Failovers", "1")
                .expectBody().jsonPath("$.data[0].embedding[0]").isEqualTo(0.6)
                .returnResult().getResponseHeaders().getFirst(GeoRoutingFilter.REGION_HEADER);

        assertThat(second).isNotEqualTo(first);
        assertThat(embeddingsRequests(regions.get(first))).as("the attempt the region failed").isEqualTo(1);
        assertThat(embeddingsRequests(regions.get(second))).isEqualTo(1);
    }
}
