package io.meridian.gateway;

import io.meridian.gateway.server.ListenerSettings;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Meridian's global gateway: one public address, every client served by its nearest healthy region. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    public static void main(String[] args) {
        ListenerSettings.refuseClientInitiatedRenegotiation();
        SpringApplication.run(GatewayApplication.class, args);
    }
}
