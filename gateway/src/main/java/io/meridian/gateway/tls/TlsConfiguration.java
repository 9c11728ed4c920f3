package io.meridian.gateway.tls;

import io.meridian.gateway.server.ListenerSettings;
import java.util.List;
import java.util.function.UnaryOperator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.HttpHandler;
import reactor.netty.http.server.HttpServer;

@Configuration(proxyBeanMethods = false)
class TlsConfiguration {

    @Bean
    RegionClientTls regionClientTls(TlsProperties properties, ObjectProvider<SslBundles> bundles) {
        return new RegionClientTls(properties.regionClientBundle(), bundles.getIfAvailable());
    }

    /** Only when the server port speaks HTTPS: a plain-HTTP gateway pays nothing for it. */
    @Bean
    @ConditionalOnProperty(name = "server.ssl.bundle")
    HstsFilter hstsFilter(TlsProperties properties) {
        return new HstsFilter(properties.hsts().enabled() ? properties.hsts().value() : null);
    }

    @Bean
    @ConditionalOnProperty(name = "meridian.tls.http-port")
    PlainHttpListener plainHttpListener(TlsProperties properties, ApplicationContext context, ObjectProvider<HttpHandler> handler,
            ListenerSettings settings, ObjectProvider<NettyServerCustomizer> customizers) {
        Integer port = properties.httpPort();
        if (port == null) {
            throw new IllegalStateException("meridian.tls.http-port is set but empty");
        }
        // What Spring Boot does for the server port: its request decoder limits, then every
        // customizer of the application's Netty server, in order.
        List<NettyServerCustomizer> all = customizers.orderedStream().toList();
        UnaryOperator<HttpServer> listenerSettings = server -> {
            HttpServer customized = settings.withServerPortDecoder(server);
            for (NettyServerCustomizer customizer : all) {
                customized = customizer.apply(customized);
            }
            return customized;
        };
        return new PlainHttpListener(port, properties.redirectHttp(),
                () -> ((WebServerApplicationContext) context).getWebServer().getPort(), handler.getObject(), listenerSettings);
    }
}
