package io.meridian.gateway.forwarding;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Flux;

/**
 * The start of a region's answer: its status and headers have arrived, its body has not been read.
 * It is either relayed ({@link #body}) or {@link #discard discarded}, once.
 */
public interface RegionAnswer {

    /** The answer's status code. */
    int status();

    /** The first value of the answer's header {@code name} (any case), or {@code null}. */
    @Nullable String header(String name);

    /** Adds the answer's headers that may reach the client (no hop-by-hop ones) to {@code target}. */
    void copyHeaders(HttpHeaders target);

    /** The answer's body as it arrives; cancelling it closes the region's connection. */
    Flux<DataBuffer> body(DataBufferFactory buffers);

    /** Drops the answer unread and closes its connection. */
    void discard();
}
