package io.meridian.taskserver.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebHandler;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/** What is handed to an answer runs on its connection's event loop; without a connection, on {@code parallel()}. */
class ConnectionLoopTests {

    static final Duration WAIT = Duration.ofSeconds(30);

    /** Answers with the thread that handled the request and the thread that the request's scheduler ran a task on. */
    static final WebHandler THREADS = exchange -> Mono.deferContextual(context -> {
        String handling = Thread.currentThread().getName();
        return Mono.fromCallable(() -> Thread.currentThread().getName())
                .subscribeOn(ConnectionLoop.of(context))
                .flatMap(scheduled -> exchange.getResponse().writeWith(Mono.just(exchange.getResponse().bufferFactory()
                        .wrap((handling + " " + scheduled).getBytes(StandardCharsets.UTF_8)))));
    });

    @Test
    void aRequestOnAConnectionIsGivenThatConnectionsEventLoop() {
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .handle(new ReactorHttpHandlerAdapter(WebHttpHandlerBuilder.webHandler(THREADS)
                        .filter(new ConnectionLoop()).build()))
                .bindNow(WAIT);
        try {
            String answer = HttpClient.create().get().uri("http://127.0.0.1:" + server.port() + "/")
                    .responseContent().aggregate().asString().block(WAIT);
            String[] threads = answer.split(" ");

            assertThat(threads[1]).as("the scheduler's thread").isEqualTo(threads[0]).doesNotStartWith("parallel");
        }
        finally {
            server.disposeNow(WAIT);
        }
    }

    @Test
    void aRequestWithoutAConnectionIsGivenTheParallelScheduler() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/").build());

        new ConnectionLoop().filter(exchange, THREADS::handle).block(WAIT);

        assertThat(exchange.getResponse().getBodyAsString().block(WAIT)).matches("\\S+ parallel-\\d+");
    }
}
