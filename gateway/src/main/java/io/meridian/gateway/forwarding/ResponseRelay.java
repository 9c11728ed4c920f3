package io.meridian.gateway.forwarding;

import java.util.List;
import java.util.function.Consumer;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Writes a region's answer to the client: the only place an answer crosses the gateway. */
public interface ResponseRelay {

    /**
     * Relays {@code answer} as the exchange's response.
     *
     * @param gatewayHeaders sets the gateway's own answer headers, after the region's were copied,
     *                       so that they replace any the region sent under the same names
     */
    Mono<Void> relay(ServerWebExchange exchange, RegionAnswer answer, Consumer<HttpHeaders> gatewayHeaders);

    /**
     * The relay that streams each answer straight through without buffering it, flushing each
     * buffer of an event stream, through {@code decorators} in order.
     */
    static ResponseRelay streaming(List<ResponseBodyDecorator> decorators) {
        return new StreamingResponseRelay(decorators);
    }
}
