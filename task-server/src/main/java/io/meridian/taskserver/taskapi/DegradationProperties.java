package io.meridian.taskserver.taskapi;

import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Graceful degradation on backlog ({@value #PREFIX}.*): on by default, past a backlog of 20
 * complex tasks.
 *
 * <p>The default threshold is a wait, not a fraction of the queue: with the complex pool's default 2
 * workers and a large model's answer of about 25 s, 20 waiting tasks are about four minutes of GPU
 * work, already more than a synchronous client waits, and a tenth of the queue's default depth (200),
 * so complex work degrades long before it is refused with 429.
 *
 * <p>The {@code @param} lines below become the IDE hints for these properties, hence plain text.
 *
 * @param enabled                 Whether complex tasks run on the simple queue while the complex
 *                                backlog is past complex-backlog-threshold; false keeps every complex
 *                                task on its queue, however long it waits.
 * @param complexBacklogThreshold When the complex queue holds more waiting tasks than this, new
 *                                complex tasks run on the simple queue with its model instead, and
 *                                their result says so (degraded: true, requestedModel).
 */
@ConfigurationProperties(DegradationProperties.PREFIX)
@Validated
public record DegradationProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("" + DEFAULT_COMPLEX_BACKLOG_THRESHOLD) @PositiveOrZero int complexBacklogThreshold) {

    /** Prefix of these properties. */
    public static final String PREFIX = "meridian.degradation";

    /** The complex backlog past which complex tasks degrade, unless configured. */
    public static final int DEFAULT_COMPLEX_BACKLOG_THRESHOLD = 20;

    /**
     * The threshold in force.
     *
     * @return the complex backlog past which complex tasks degrade, or {@code null} when degradation is off
     */
    public @Nullable Integer threshold() {
        return enabled ? complexBacklogThreshold : null;
    }
}
