package io.meridian.gateway.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

@Configuration(proxyBeanMethods = false)
class ListenerConfiguration {

    static {
        // Before any TLS listener of this context accepts a connection (tests start the gateway
        // without main).
        ListenerSettings.refuseClientInitiatedRenegotiation();
    }

    @Bean
    @ConditionalOnMissingBean
    ListenerSettings listenerSettings(ListenerProperties properties, ObjectProvider<MeterRegistry> registry,
            Environment environment) {
        MeterRegistry meters = registry.getIfAvailable(SimpleMeterRegistry::new);
        Binder binder = Binder.get(environment);
        DataSize headerSize = binder.bind("server.max-http-request-header-size", DataSize.class)
                .orElse(DataSize.ofKilobytes(8));
        DataSize initialLine = binder.bind("server.netty.max-initial-line-length", DataSize.class)
                .orElse(DataSize.ofKilobytes(4));
        ConnectionLimiter limiter = new ConnectionLimiter(properties.maxConnections(), properties.maxConnectionsPerAddress(),
                meters);
        return new ListenerSettings(properties, limiter, new ListenerMeters(meters), System::nanoTime, headerSize,
                initialLine);
    }

    /** The server port; the plain-HTTP port applies the same settings itself. */
    @Bean
    NettyServerCustomizer listenerLimits(ListenerSettings settings) {
        return settings::apply;
    }
}
