package io.meridian.gateway.dashboard;

import io.meridian.gateway.GatewayConfigException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The dashboard and its aggregator.
 *
 * @param enabled      whether {@code /dashboard} is served and the regions are polled for it
 * @param pollInterval time between two polls of every region's queues; also the pace of the live updates
 * @param timeout      how long one region may take to answer a poll before it counts as unreachable
 * @param history      how far back the per-queue charts reach; kept in the gateway's memory only
 */
@Validated
@ConfigurationProperties(DashboardProperties.PREFIX)
public record DashboardProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("2s") Duration pollInterval,
        @DefaultValue("1500ms") Duration timeout,
        @DefaultValue("15m") Duration history) {

    public static final String PREFIX = "meridian.dashboard";

    public DashboardProperties {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new GatewayConfigException(PREFIX + ".poll-interval", "must be positive, but was " + pollInterval);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new GatewayConfigException(PREFIX + ".timeout", "must be positive, but was " + timeout);
        }
        if (history.compareTo(pollInterval) < 0) {
            throw new GatewayConfigException(PREFIX + ".history",
                    "must be at least the poll interval (" + pollInterval + "), but was " + history);
        }
    }

    /** How many samples the history holds per queue. */
    int samples() {
        return (int) Math.min(10_000, Math.max(1, history.toMillis() / pollInterval.toMillis()));
    }
}
