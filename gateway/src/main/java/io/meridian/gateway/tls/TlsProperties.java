package io.meridian.gateway.tls;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Transport security of the gateway. HTTPS itself is Spring Boot's: {@code server.ssl.bundle}
 * names an SSL bundle ({@code spring.ssl.bundle.pem.<name>.…}, {@code reload-on-update: true} to
 * pick up renewed certificates without a restart).
 *
 * @param httpPort           a second, plain-HTTP listener next to the HTTPS server port, or
 *                           {@code null} for none
 * @param redirectHttp       whether that listener only redirects to HTTPS (308, same host, path and
 *                           query) instead of serving; serving is for local stacks and for a TLS-
 *                           terminating load balancer in front
 * @param hsts               the Strict-Transport-Security header on HTTPS answers
 * @param regionClientBundle the SSL bundle with the gateway's client certificate and the CA that
 *                           signed the regions' certificates, for mutual TLS to {@code https}
 *                           region endpoints; {@code null}: the JDK's default trust and no client
 *                           certificate
 */
@Validated
@ConfigurationProperties("meridian.tls")
public record TlsProperties(
        @Nullable @Min(1) @Max(65535) Integer httpPort,
        @DefaultValue("true") boolean redirectHttp,
        @DefaultValue @NotNull @Valid Hsts hsts,
        @Nullable String regionClientBundle) {

    /**
     * @param enabled           whether HTTPS answers carry the header
     * @param maxAge            how long browsers remember to use HTTPS only
     * @param includeSubdomains whether the rule covers subdomains too
     */
    public record Hsts(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("365d") @NotNull Duration maxAge,
            @DefaultValue("true") boolean includeSubdomains) {

        /** The header's value. */
        public String value() {
            return "max-age=" + maxAge.toSeconds() + (includeSubdomains ? "; includeSubDomains" : "");
        }
    }
}
