package io.meridian.gateway.models;

import io.meridian.gateway.GatewayConfigException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the gateway gathers the regions' models for {@code GET /v1/models} and Ollama's
 * {@code GET /api/tags} ({@value #PREFIX}.*).
 *
 * @param timeout How long one region may take to list its models; a region slower than this is
 *                left out of the answer and named under meridian.unavailable.
 */
@Validated
@ConfigurationProperties(ModelsProperties.PREFIX)
public record ModelsProperties(@DefaultValue("2s") Duration timeout) {

    /** Prefix of these properties. */
    public static final String PREFIX = "meridian.models";

    /**
     * Checks the timeout.
     *
     * @throws GatewayConfigException if it is not positive
     */
    public ModelsProperties {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new GatewayConfigException(PREFIX + ".timeout", "must be positive, but was " + timeout);
        }
    }
}
