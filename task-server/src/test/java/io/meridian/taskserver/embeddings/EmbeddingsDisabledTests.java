package io.meridian.taskserver.embeddings;

import static io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.taskserver.web.ApiError;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A region with {@code meridian.model.embeddings.enabled=false} serves no embeddings and lists no embedding model. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.model.embeddings.enabled=false" })
@AutoConfigureWebTestClient
class EmbeddingsDisabledTests {

    @Autowired
    private WebTestClient client;

    @Autowired
    private ApplicationContext context;

    @Test
    void anEmbeddingsRequestIsNotFoundSayingTheRegionServesNone() {
        String message = assertApiError(client.post().uri("/v1/embeddings").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\": \"simulated-embedding\", \"input\": \"hi\"}").exchange(),
                404, ApiError.MODEL_NOT_FOUND, "model");

        assertThat(message).contains("serves no embeddings").contains("meridian.model.embeddings.enabled");
        assertThat(context.getBeansOfType(EmbeddingBackend.class)).isEmpty();
        client.get().uri("/v1/models").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.data[?(@.meridian.kind == 'embedding')]").isEmpty();
    }
}
