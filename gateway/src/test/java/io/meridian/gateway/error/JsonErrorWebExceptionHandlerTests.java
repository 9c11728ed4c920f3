package io.meridian.gateway.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.netty.channel.AbortedException;
import reactor.test.StepVerifier;

class JsonErrorWebExceptionHandlerTests {

    final JsonErrorWebExceptionHandler handler = new JsonErrorWebExceptionHandler();

    @Test
    void writesNothingWhenTheClientHasGoneAway() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/v1/queues"));

        StepVerifier.create(handler.handle(exchange, new AbortedException("Connection has been closed BEFORE send operation")))
                .expectComplete()
                .verify(Duration.ofSeconds(5));

        assertThat(exchange.getResponse().getStatusCode()).isNull();
        assertThat(exchange.getResponse().isCommitted()).isFalse();
    }

    @Test
    void answersAnUnexpectedFailureWithAJsonInternalError() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/v1/queues"));

        StepVerifier.create(handler.handle(exchange, new IllegalStateException("boom")))
                .expectComplete()
                .verify(Duration.ofSeconds(5));

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        StepVerifier.create(exchange.getResponse().getBodyAsString())
                .assertNext(body -> assertThat(body).contains("\"error\":\"internal_error\"").doesNotContain("boom"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }
}
