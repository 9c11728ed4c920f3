package io.meridian.taskserver.health;

import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.testsupport.TestRegion;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The limits a region writes in its readiness report, by which the gateway sizes its deadlines and
 * tells a lost task: the sync wait, the longest task timeout of its queues, its store's epoch and kind.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.tasks.sync-wait=45s",
        "meridian.model.timeout=70s",
        "meridian.queues.simple.task-timeout=20s",
        "meridian.queues.complex.task-timeout=95s"})
@AutoConfigureWebTestClient
class ReadinessLimitsTests {

    @Autowired
    private WebTestClient client;

    @Autowired
    private TaskQueue queue;

    @Test
    void readinessReportsSyncWaitLongestTaskTimeoutEpochAndStore() {
        client.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.components.region.details.syncWaitMillis").isEqualTo(45_000)
                .jsonPath("$.components.region.details.modelTimeoutMillis").isEqualTo(95_000)
                .jsonPath("$.components.region.details.epoch").isEqualTo(queue.epoch().id())
                .jsonPath("$.components.region.details.store").isEqualTo("memory");
    }

    @Test
    void theSameLimitsAreOnTheMainPortAtReadyz() {
        client.get().uri("/readyz").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.components.region.details.syncWaitMillis").isEqualTo(45_000)
                .jsonPath("$.components.region.details.epoch").isEqualTo(queue.epoch().id());
    }
}
