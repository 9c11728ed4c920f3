package io.meridian.taskserver.web;

import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.util.context.ContextView;

/**
 * The event loop of the connection a request came on, as a scheduler in the request's Reactor
 * context ({@link #of}), so that what another thread hands to the answer (a task's change, from a
 * worker or Redis's subscription) is delivered on the thread that writes to that connection.
 *
 * <p>Design note: one thread hop, not two. Handed first to a shared scheduler, a change costs that
 * scheduler's thread a wake-up, and its write to the connection then costs the event loop another
 * (Netty queues a write from a foreign thread and wakes the loop). Handed straight to the
 * connection's loop, it costs one, and the write happens where the connection lives. What runs
 * there must never block, as anywhere on an event loop; a request that came another way (a test's
 * mock exchange) is given {@link Schedulers#parallel()}, which is what every request got before.
 */
public final class ConnectionLoop implements WebFilter, Ordered {

    /** Order: last, nearest the handler. */
    public static final int ORDER = Ordered.LOWEST_PRECEDENCE;

    private static final String KEY = ConnectionLoop.class.getName();

    /** Where a change handed to a request's answer is delivered: its connection's loop, else {@code parallel()}. */
    public static Scheduler of(ContextView context) {
        return context.getOrDefault(KEY, Schedulers.parallel());
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Connection connection = connection(exchange.getRequest());
        if (connection == null) {
            return chain.filter(exchange);
        }
        EventLoop loop = connection.channel().eventLoop();
        return chain.filter(exchange).contextWrite(context -> context.put(KEY, Schedulers.fromExecutor(loop)));
    }

    private static @Nullable Connection connection(ServerHttpRequest request) {
        try {
            return ServerHttpRequestDecorator.getNativeRequest(request) instanceof Connection connection ? connection : null;
        }
        catch (IllegalStateException noNativeRequest) {
            // A mock request has none.
            return null;
        }
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
