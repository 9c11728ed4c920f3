package io.meridian.gateway.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The tenant's token metering as the relay applies it to an answer body, with no reservation held. */
class TokenMeteringTests {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final Tenant ACME = new Tenant("acme", new TenantProperties.Limits(null, null, null, null), null, Set.of());

    final List<String> recorded = new ArrayList<>();
    final TokenMetering metering = new TokenMetering(new RecordingLedger());

    static MockServerWebExchange exchange(String path, @Nullable Tenant tenant) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(path).build());
        if (tenant != null) {
            exchange.getAttributes().put(Tenant.ATTRIBUTE, tenant);
        }
        return exchange;
    }

    String meter(MockServerWebExchange exchange, int status, Map<String, String> headers, boolean streaming, String... parts) {
        Flux<DataBuffer> body = Flux.fromArray(parts)
                .map(part -> DefaultDataBufferFactory.sharedInstance.wrap(part.getBytes(StandardCharsets.UTF_8)));
        return DataBufferUtils.join(metering.meter(exchange, status, headers::get, streaming, body,
                        DefaultDataBufferFactory.sharedInstance))
                .map(joined -> joined.toString(StandardCharsets.UTF_8)).defaultIfEmpty("").block(WAIT);
    }

    @Test
    void anAnswerWithAUsageHeaderCountsItsTotalForTheTenant() {
        String body = meter(exchange("/v1/chat/completions", ACME), 200,
                Map.of(TokenUsageReport.HEADER, "prompt=12, completion=30"), false, "{\"ok\":true}");

        assertThat(body).isEqualTo("{\"ok\":true}");
        assertThat(recorded).containsExactly("record acme 42");
    }

    @Test
    void aTasksResultCountsOnceUnderTheTasksKey() {
        meter(exchange("/v1/tasks/eu-central.01JD3X9K2M", ACME), 200, Map.of(TokenUsageReport.HEADER, "prompt=1, completion=2"),
                false, "{}");

        assertThat(recorded).containsExactly("once acme task:eu-central.01JD3X9K2M 3");
    }

    @Test
    void aStreamWithoutAReservationCountsItsUsageComment() {
        String body = meter(exchange("/v1/chat/completions", ACME), 200, Map.of(HttpHeaders.CONTENT_TYPE, "text/event-stream"),
                true, "data: {\"content\":\"a\"}\n\n", ": meridian-usage prompt=4 completion=5\n\n");

        assertThat(body).contains("meridian-usage");
        assertThat(recorded).containsExactly("record acme 9");
    }

    @Test
    void anNdjsonStreamCountsItsDoneLinesCountsEvenInOneBufferWithItsPieces() {
        String body = meter(exchange("/api/chat", ACME), 200, Map.of(HttpHeaders.CONTENT_TYPE, "application/x-ndjson"),
                true, "{\"message\":{\"role\":\"assistant\",\"content\":\"a\"},\"done\":false}\n"
                        + "{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\","
                        + "\"prompt_eval_count\":4,\"eval_count\":5}\n");

        assertThat(body).contains("\"eval_count\":5");
        assertThat(recorded).containsExactly("record acme 9");
    }

    @Test
    void anNdjsonStreamWithoutADoneLineCountsItsPieces() {
        meter(exchange("/api/chat", ACME), 200, Map.of(HttpHeaders.CONTENT_TYPE, "application/x-ndjson"), true,
                "{\"message\":{\"role\":\"assistant\",\"content\":\"a\"},\"done\":false}\n",
                "{\"message\":{\"role\":\"assistant\",\"content\":\"b\"},\"done\":false}\n");

        assertThat(recorded).containsExactly("record acme 2");
    }

    @Test
    void aStreamWithoutAReportIsSettledToItsPiecesBeforeItsRequestCanFinish() {
        // The tenant filter finishes the request (unsettled: its whole reservation) as soon as the writer
        // has the stream's end; that may be before anything after the end signal runs.
        TokenReservation reservation = sentReservation("hold-1");

        meterGenerateStream(reservation, Flux.empty())
                .doOnComplete(reservation::finish)
                .blockLast(WAIT);

        assertThat(recorded).containsExactly("settle acme 2");
    }

    @Test
    void aStreamTheClientLeavesIsSettledToThePiecesItWasSent() {
        TokenReservation reservation = sentReservation("hold-2");

        meterGenerateStream(reservation, Flux.never())
                .take(2)
                .doOnComplete(reservation::finish)
                .blockLast(WAIT);

        assertThat(recorded).containsExactly("settle acme 2");
    }

    private TokenReservation sentReservation(String holdId) {
        UsageLedger.Hold hold = new UsageLedger.Hold(holdId, "acme", null, 60, 0,
                new Usage(1, 0, 0, 0, 0, 0), null, true);
        TokenReservation reservation = new TokenReservation(new RecordingLedger(), hold,
                new TenantMetrics(new SimpleMeterRegistry()));
        reservation.sent();
        return reservation;
    }

    /** Two streamed {@code /api/generate} pieces without a done line, then {@code after}, metered for acme. */
    private Flux<DataBuffer> meterGenerateStream(TokenReservation reservation, Flux<String> after) {
        MockServerWebExchange exchange = exchange("/api/generate", ACME);
        exchange.getAttributes().put(TokenReservation.ATTRIBUTE, reservation);
        Flux<DataBuffer> body = Flux.just("{\"response\":\"a\",\"done\":false}\n", "{\"response\":\"b\",\"done\":false}\n")
                .concatWith(after)
                .map(part -> DefaultDataBufferFactory.sharedInstance.wrap(part.getBytes(StandardCharsets.UTF_8)));
        return metering.meter(exchange, 200, Map.of(HttpHeaders.CONTENT_TYPE, "application/x-ndjson")::get, true, body,
                        DefaultDataBufferFactory.sharedInstance)
                .doOnNext(DataBufferUtils::release);
    }

    @Test
    void aRequestWithoutATenantIsNotMetered() {
        String body = meter(exchange("/v1/chat/completions", null), 200,
                Map.of(TokenUsageReport.HEADER, "prompt=12, completion=30"), false, "{}");

        assertThat(body).isEqualTo("{}");
        assertThat(recorded).isEmpty();
    }

    /** A ledger that notes what it was told to count. */
    final class RecordingLedger implements UsageLedger {

        @Override
        public Mono<Hold> reserve(String tenant, @org.jspecify.annotations.Nullable String key, TenantProperties.Limits limits,
                TenantProperties.Limits global, long tokens, long spend) {
            return Mono.error(new AssertionError("metering never reserves"));
        }

        @Override
        public void settle(Hold hold, long tokens, long spend) {
            recorded.add("settle " + hold.tenant() + " " + tokens);
        }

        @Override
        public void settleAsTask(Hold hold, String key, Price price) {
            recorded.add("task " + hold.tenant() + " " + key);
        }

        @Override
        public Mono<Figures> figures(String account) {
            return Mono.error(new AssertionError("metering never reads figures"));
        }

        @Override
        public void record(String tenant, long tokens) {
            recorded.add("record " + tenant + " " + tokens);
        }

        @Override
        public void recordOnce(String tenant, String key, long prompt, long completion, Price price) {
            recorded.add("once " + tenant + " " + key + " " + (prompt + completion));
        }
    }
}
