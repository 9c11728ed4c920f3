package io.meridian.gateway.routing;

import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Hands a request for Meridian's route straight to Spring Cloud Gateway's filtering handler, the
 * last of the web filters, instead of through WebFlux's dispatcher, which would find the same
 * handler by asking every handler mapping in turn and the route locator for every route.
 *
 * <p>Performance note: the dispatch walks a {@code concatMap} over the handler mappings and a
 * {@code filterWhen} over the routes for every request, each operator reading the Reactor
 * context as it subscribes; in a profile of the proxy-overhead benchmark that walk was the largest
 * cost the plain gateway shares with Meridian (docs/benchmarks.md). Meridian has one route, whose
 * predicate is {@link ApiPaths#isRouted}, so the walk always ends at it.
 *
 * <p>What the dispatcher would do otherwise is kept: a request on a separate management port is
 * not routed (as {@code RoutePredicateHandlerMapping} refuses it), and a CORS pre-flight goes on to
 * the dispatcher, whose handler mapping answers it. The route's filters and the global filters
 * run as they would, in the same order: the handler is the same.
 */
final class DirectRouteFilter implements WebFilter, Ordered {

    private final RouteLocator routes;
    private final FilteringWebHandler handler;
    private final @Nullable Integer managementPort;
    private volatile @Nullable Route route;

    /**
     * @param routes      where Meridian's route is found, once
     * @param handler     Spring Cloud Gateway's handler that runs a route's filters
     * @param environment for the management port, read as Spring Cloud Gateway reads it
     */
    DirectRouteFilter(RouteLocator routes, FilteringWebHandler handler, Environment environment) {
        this.routes = routes;
        this.handler = handler;
        this.managementPort = separateManagementPort(environment);
    }

    /** The management port when it differs from the server port (the only case the route mapping refuses), else {@code null}. */
    private static @Nullable Integer separateManagementPort(Environment environment) {
        Integer management = environment.getProperty("management.server.port", Integer.class);
        Integer server = environment.getProperty("server.port", Integer.class);
        if (management == null || management < 0 || (server == null && management == 8080)
                || (management != 0 && management.equals(server))) {
            return null;
        }
        return management;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (!ApiPaths.isRouted(request.getPath().value()) || CorsUtils.isPreFlightRequest(request)
                || onManagementPort(request)) {
            return chain.filter(exchange);
        }
        Route known = route;
        if (known == null) {
            // Found once; handling completes empty, so the lookup's emptiness is kept apart from it.
            return routes.getRoutes().filter(candidate -> RoutingConfiguration.ROUTE_ID.equals(candidate.getId())).next()
                    .map(Optional::of)
                    .defaultIfEmpty(Optional.empty())
                    .flatMap(found -> {
                        if (found.isEmpty()) {
                            return chain.filter(exchange);
                        }
                        route = found.get();
                        return handle(exchange, found.get());
                    });
        }
        return handle(exchange, known);
    }

    private boolean onManagementPort(ServerHttpRequest request) {
        return managementPort != null && request.getLocalAddress() != null
                && request.getLocalAddress().getPort() == managementPort;
    }

    private Mono<Void> handle(ServerWebExchange exchange, Route found) {
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, found);
        return handler.handle(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
