package io.meridian.gateway.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Flux;

class StreamingResponseRelayTests {

    static final Duration WAIT = Duration.ofSeconds(30);

    /** An answer whose body arrives in the given parts. */
    record Answer(int status, Map<String, String> headers, List<String> parts) implements RegionAnswer {

        @Override
        public @Nullable String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }

        @Override
        public void copyHeaders(HttpHeaders target) {
            headers.forEach(target::add);
        }

        @Override
        public Flux<DataBuffer> body(DataBufferFactory buffers) {
            return Flux.fromIterable(parts).map(part -> buffers.wrap(part.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public void discard() {
        }
    }

    static MockServerWebExchange exchange() {
        return MockServerWebExchange.from(MockServerHttpRequest.get("/v1/tasks/eu.01JD3X9K2M/events").build());
    }

    @Test
    void theGatewaysHeadersReplaceTheRegionsAndTheDecoratorsSeeTheBodyInOrder() {
        MockServerWebExchange exchange = exchange();
        Answer answer = new Answer(201, Map.of("Content-Type", "application/json", "X-Meridian-Region", "spoofed"),
                List.of("{\"a\":", "1}"));
        ResponseBodyDecorator upper = (e, a, streaming, body, buffers) -> body.map(buffer -> {
            String text = buffer.toString(StandardCharsets.UTF_8).toUpperCase();
            DataBufferUtils.release(buffer);
            return buffers.wrap(text.getBytes(StandardCharsets.UTF_8));
        });
        ResponseBodyDecorator framed = (e, a, streaming, body, buffers) ->
                Flux.concat(Flux.just(buffers.wrap("<".getBytes(StandardCharsets.UTF_8))), body,
                        Flux.just(buffers.wrap(">".getBytes(StandardCharsets.UTF_8))));

        ResponseRelay.streaming(List.of(upper, framed))
                .relay(exchange, answer, headers -> headers.set("X-Meridian-Region", "eu-central")).block(WAIT);

        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(201);
        assertThat(exchange.getResponse().getHeaders().get("X-Meridian-Region")).containsExactly("eu-central");
        assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(exchange.getResponse().getBodyAsString().block(WAIT)).isEqualTo("<{\"A\":1}>");
    }

    @Test
    void anEventStreamIsRelayedAsItArrivesAndTheDecoratorsAreToldSo() {
        MockServerWebExchange exchange = exchange();
        Answer answer = new Answer(200, Map.of("Content-Type", "text/event-stream"), List.of("data: 1\n\n", "data: 2\n\n"));
        boolean[] streamed = {false};

        ResponseRelay.streaming(List.of((e, a, streaming, body, buffers) -> {
            streamed[0] = streaming;
            return body;
        })).relay(exchange, answer, headers -> { }).block(WAIT);

        assertThat(streamed[0]).isTrue();
        assertThat(exchange.getResponse().getBodyAsString().block(WAIT)).isEqualTo("data: 1\n\ndata: 2\n\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "text/event-stream                 | true",
            "Text/Event-Stream; charset=utf-8  | true",
            "' application/x-ndjson'           | true",
            "application/x-ndjson;q=1          | true",
            "text/event-streaming              | false",
            "application/json                  | false",
            "null                              | false"})
    void onlyEventStreamsAndNdjsonAreFlushedAsTheyCome(@Nullable String contentType, boolean streaming) {
        assertThat(StreamingResponseRelay.isStreaming(contentType)).isEqualTo(streaming);
    }
}
