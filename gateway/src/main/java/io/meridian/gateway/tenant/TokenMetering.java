package io.meridian.gateway.tenant;

import io.meridian.protocol.MeridianHeaders;
import io.meridian.protocol.UsageReport;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;

/**
 * Counts the tokens of a region's answer against its tenant: the decorator of the answer body that
 * the forwarding relay applies to every answer of a request the tenant filter admitted.
 *
 * <p>Settles the request's token reservation to what the region reports for this answer: its
 * usage header, an accepted task's charge (the reservation itself, corrected when the task's
 * usage is first read), or a stream's usage comment or chunks ({@link StreamBudget}), its spend
 * priced by the reservation ({@link Pricing}). A task's result or events may be read any number of
 * times: their tokens and spend count once.
 */
public final class TokenMetering {

    private final UsageLedger ledger;

    public TokenMetering(UsageLedger ledger) {
        this.ledger = ledger;
    }

    /**
     * The answer body, metered for the exchange's tenant; {@code body} itself when the request has
     * no tenant.
     *
     * @param status       the answer's status code
     * @param answerHeader the answer's header values by name (any case)
     * @param streaming    whether the answer is a stream of events
     */
    public Flux<DataBuffer> meter(ServerWebExchange exchange, int status, Function<String, @Nullable String> answerHeader,
            boolean streaming, Flux<DataBuffer> body, DataBufferFactory buffers) {
        Tenant tenant = exchange.getAttribute(Tenant.ATTRIBUTE);
        if (tenant == null) {
            return body;
        }
        TokenReservation reservation = exchange.getAttribute(TokenReservation.ATTRIBUTE);
        String once = TokenUsageReport.taskKey(exchange.getRequest().getPath().value());
        String reported = answerHeader.apply(MeridianHeaders.USAGE);
        if (reported != null) {
            UsageReport usage = UsageReport.parse(reported).orElse(new UsageReport(0, 0));
            if (once != null) {
                // A task's result read: the task's model is not known here; its charge remembers its price.
                ledger.recordOnce(tenant.id(), once, usage.prompt(), usage.completion(),
                        reservation != null ? reservation.price() : Price.FREE);
            } else if (reservation != null) {
                reservation.settle(usage.prompt(), usage.completion());
            } else {
                ledger.record(tenant.id(), usage.total());
            }
            return body;
        }
        String accepted = status == 202 ? TokenUsageReport.acceptedTaskKey(answerHeader.apply(HttpHeaders.LOCATION)) : null;
        if (accepted != null && reservation != null) {
            reservation.settleAsTask(accepted);
            return body;
        }
        if (!streaming || once != null) {
            if (reservation != null && (once != null || status >= 300)) {
                // A read, or the region's refusal: no model work on this request.
                reservation.settle(0);
            }
            return streaming ? StreamBudget.meter(body, tenant.id(), ledger, null, null, buffers, once,
                    exchange.getRequest().getPath().value()) : body;
        }
        return StreamBudget.meter(body, tenant.id(), ledger, reservation, exchange.getAttribute(StreamBudget.ATTRIBUTE),
                buffers, null, exchange.getRequest().getPath().value());
    }
}
