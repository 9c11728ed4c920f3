package io.meridian.gateway.tls;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URI;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A plain-HTTP port next to the HTTPS server port ({@code meridian.tls.http-port}): it either
 * redirects every request to the same path over HTTPS (308, so that a POST stays a POST) or serves
 * the application exactly like the HTTPS port does (the same handler, filters and routes).
 *
 * <p>Design note: Spring Boot runs one web server per application context. The second port is a
 * Reactor Netty server of its own, started after the main one and stopped before it, fed the
 * application's {@link HttpHandler}; requests on it carry no TLS session, so HSTS is never sent
 * there. It gets the server port's listener settings (header size limit, timeouts, connection caps,
 * strict parsing, JSON answers to requests that cannot be decoded): no port is the soft one.
 */
final class PlainHttpListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PlainHttpListener.class);

    /** A DNS name, an IPv4 address or a bracketed IPv6 address: nothing else goes into a Location. */
    private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile(
            "[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");

    private final int port;
    private final boolean redirect;
    private final java.util.function.IntSupplier httpsPort;
    private final HttpHandler application;
    private final UnaryOperator<HttpServer> listenerSettings;
    private volatile @Nullable DisposableServer server;

    /**
     * @param httpsPort        the HTTPS server's port once it runs (a configured port of 0 is known only then)
     * @param listenerSettings what the server port gets too: header limits, timeouts, connection caps
     *                         and JSON answers to undecodable requests
     */
    PlainHttpListener(int port, boolean redirect, java.util.function.IntSupplier httpsPort, HttpHandler application,
            UnaryOperator<HttpServer> listenerSettings) {
        this.port = port;
        this.redirect = redirect;
        this.httpsPort = httpsPort;
        this.application = application;
        this.listenerSettings = listenerSettings;
    }

    @Override
    public void start() {
        HttpServer http = listenerSettings.apply(HttpServer.create().port(port));
        http = redirect ? http.handle(this::redirect) : http.handle(new ReactorHttpHandlerAdapter(application));
        server = http.bindNow();
        log.info("Plain HTTP on port {} {}", port, redirect ? "redirects to HTTPS on port " + httpsPort.getAsInt()
                : "serves the gateway");
    }

    private Mono<Void> redirect(HttpServerRequest request, HttpServerResponse response) {
        String host = request.requestHeaders().get("Host");
        String hostName = host == null || host.isBlank() ? "localhost" : stripPort(host);
        int target = httpsPort.getAsInt();
        String location = "https://" + hostName + (target == 443 ? "" : ":" + target) + request.uri();
        if (!HOST.matcher(hostName).matches() || !valid(location)) {
            return response.status(HttpResponseStatus.BAD_REQUEST)
                    .header("Content-Type", "application/json")
                    .sendString(Mono.just("{\"error\":\"invalid_request\",\"message\":\"the Host header or the request "
                            + "target is not a valid URL\",\"field\":\"Host\",\"status\":400}"))
                    .then();
        }
        return response.status(HttpResponseStatus.PERMANENT_REDIRECT).header("Location", location)
                .header("Content-Length", "0").send();
    }

    private static boolean valid(String location) {
        try {
            URI.create(location);
            return true;
        } catch (IllegalArgumentException ex) {
            return false;
        }
    }

    /** {@code host[:port]} or {@code [v6][:port]} without the port. */
    static String stripPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    @Override
    public void stop() {
        DisposableServer running = server;
        if (running != null) {
            running.disposeNow();
            server = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** After the main web server has started; stopped before it. */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE;
    }
}
