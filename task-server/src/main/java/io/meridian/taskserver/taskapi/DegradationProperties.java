package io.meridian.taskserver.taskapi;

import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Graceful degradation ({@value #PREFIX}.*): off unless a threshold is set.
 *
 * <p>The {@code @param} lines below become the IDE hints for these properties, hence plain text.
 *
 * @param complexBacklogThreshold When the complex queue holds more waiting tasks than this, new
 *                                complex tasks run on the simple queue with its model instead, and
 *                                their result says so (degraded: true, requestedModel). Unset (the
 *                                default) turns degradation off.
 */
@ConfigurationProperties(DegradationProperties.PREFIX)
@Validated
public record DegradationProperties(@Nullable @PositiveOrZero Integer complexBacklogThreshold) {

    /** Prefix of these properties. */
    public static final String PREFIX = "meridian.degradation";
}
