package io.meridian.taskserver.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisConnectionException;
import io.meridian.taskserver.llm.ModelFailureException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.test.StepVerifier;

/** The last-resort mapping: failures no endpoint test can provoke on purpose. */
class ApiErrorWebExceptionHandlerTests {

    private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(5);

    private final ApiErrorWebExceptionHandler handler =
            new ApiErrorWebExceptionHandler(1024);

    private static MockServerWebExchange exchange() {
        return MockServerWebExchange.from(MockServerHttpRequest.post("/process").build());
    }

    @Test
    void answersAnUnexpectedFailureWith500AndNoDetails() {
        MockServerWebExchange exchange = exchange();

        StepVerifier.create(handler.handle(exchange, new IllegalStateException("jdbc:secret@10.0.0.7")))
                .expectComplete()
                .verify(VERIFY_TIMEOUT);

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(exchange.getResponse().getBodyAsString().block(VERIFY_TIMEOUT)).isEqualTo(
                "{\"error\":\"internal_error\",\"message\":\"an unexpected error occurred; it has been logged\","
                        + "\"field\":null,\"status\":500}");
    }

    @Test
    void answersAModelFailureWith502NamingOnlyTheBackend() {
        MockServerWebExchange exchange = exchange();
        ModelFailureException failure = new ModelFailureException("ollama", "model backend 'ollama' failed to answer",
                new IllegalStateException("HTTP 500 - secret upstream detail"));

        StepVerifier.create(handler.handle(exchange, failure)).expectComplete().verify(VERIFY_TIMEOUT);

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.BAD_GATEWAY);
        assertThat(exchange.getResponse().getBodyAsString().block(VERIFY_TIMEOUT))
                .contains("\"error\":\"model_error\"")
                .doesNotContain("secret");
    }

    @Test
    void answersAnUnreachableQueueStoreWith503AndRetryAfter() {
        MockServerWebExchange exchange = exchange();
        RedisConnectionException failure = new RedisConnectionException("Unable to connect to 10.0.0.7:6379");

        StepVerifier.create(handler.handle(exchange, failure)).expectComplete().verify(VERIFY_TIMEOUT);

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
        assertThat(exchange.getResponse().getBodyAsString().block(VERIFY_TIMEOUT))
                .contains("\"error\":\"queue_unavailable\"", "Idempotency-Key")
                .doesNotContain("10.0.0.7");
    }

    @Test
    void leavesAnAlreadyCommittedAnswerAlone() {
        MockServerWebExchange exchange = exchange();
        IllegalStateException failure = new IllegalStateException("late");
        exchange.getResponse().setComplete().block(VERIFY_TIMEOUT);

        StepVerifier.create(handler.handle(exchange, failure))
                .expectErrorSatisfies(error -> assertThat(error).isSameAs(failure))
                .verify(VERIFY_TIMEOUT);
    }
}
