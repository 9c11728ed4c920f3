package io.meridian.gateway.dashboard;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.meridian.protocol.FailedTask;

/**
 * A failed or dead-lettered task on the dashboard: the protocol's {@link FailedTask} as its region
 * listed it, with that region's id in front ({@code {"region":…,"id":…,"tenant":…,…}}).
 *
 * @param region the region that holds it
 * @param task   the task as the region reported it
 */
public record RegionFailure(String region, @JsonUnwrapped FailedTask task) {
}
