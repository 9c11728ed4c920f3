package io.meridian.gateway.dashboard;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.meridian.protocol.FailedTask;
import io.meridian.protocol.QueueSnapshot;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The bodies of a task server's answers the dashboard polls; members it does not show are ignored. */
final class RegionAnswers {

    private RegionAnswers() {
    }

    /**
     * The body of {@code GET /v1/queues}.
     *
     * @param region the region that answered
     * @param queues its queues; their {@code rates} are not read (the dashboard draws its own from
     *               the history, and a region's partial rates must not make it look unreachable)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Queues(@Nullable String region,
            @JsonIgnoreProperties(value = "rates", ignoreUnknown = true) @Nullable List<QueueSnapshot> queues) {
    }

    /**
     * The body of {@code GET /v1/tasks}.
     *
     * @param region the region that answered
     * @param tasks  newest first
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Failures(@Nullable String region, @Nullable List<FailedTask> tasks) {
    }
}
