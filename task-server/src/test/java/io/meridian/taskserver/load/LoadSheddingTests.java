package io.meridian.taskserver.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.testsupport.TestRegion;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** A server at capacity refuses new work at once instead of queueing it without bound. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.server.capacity=2",
        "meridian.model.simulated.latency=1500ms"})
class LoadSheddingTests {

    @LocalServerPort
    int port;

    @Autowired
    LoadTracker load;

    @Test
    void requestsBeyondCapacityGet503WithRetryAfterWhileTheOthersAreServed() {
        WebTestClient client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(20)).build();

        List<EntityExchangeResult<String>> results = Flux.range(0, 5)
                .parallel(5).runOn(Schedulers.boundedElastic())
                .map(i -> client.post().uri("/process").contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"query\":\"q" + i + "\"}").exchange()
                        .expectBody(String.class).returnResult())
                .sequential().collectList().block(Duration.ofSeconds(30));

        assertThat(results).filteredOn(r -> r.getStatus().value() == 200).hasSize(2);
        assertThat(results).filteredOn(r -> r.getStatus().value() == 503).hasSize(3).allSatisfy(r -> {
            assertThat(r.getResponseHeaders().getFirst("Retry-After")).isEqualTo("1");
            assertThat(r.getResponseBody()).contains("\"error\":\"overloaded\"");
        });
        assertThat(load.inFlight()).isZero();
    }
}
