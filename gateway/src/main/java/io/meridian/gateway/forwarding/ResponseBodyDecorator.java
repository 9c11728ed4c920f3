package io.meridian.gateway.forwarding;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;

/** Changes or watches a region's answer body on its way to the client (token metering, for one). */
@FunctionalInterface
public interface ResponseBodyDecorator {

    /**
     * The body to relay instead of {@code body}.
     *
     * @param streaming whether the answer is a stream of events, each flushed as it comes
     * @param buffers   the client response's buffer factory
     */
    Flux<DataBuffer> decorate(ServerWebExchange exchange, RegionAnswer answer, boolean streaming, Flux<DataBuffer> body,
            DataBufferFactory buffers);
}
