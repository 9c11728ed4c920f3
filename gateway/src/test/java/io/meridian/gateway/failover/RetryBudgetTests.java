package io.meridian.gateway.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class RetryBudgetTests {

    @Test
    void aQuietGatewayMayStillRetryUpToTheFloor() {
        RetryBudget budget = new RetryBudget(0.2, 3);
        budget.requestStarted();

        assertThat(budget.tryAcquireRetry()).isTrue();
        assertThat(budget.tryAcquireRetry()).isTrue();
        assertThat(budget.tryAcquireRetry()).isTrue();
        assertThat(budget.tryAcquireRetry()).isFalse();
    }

    @Test
    void underLoadRetriesAreCappedAtTheRatioOfActiveRequests() {
        RetryBudget budget = new RetryBudget(0.2, 3);
        for (int i = 0; i < 100; i++) {
            budget.requestStarted();
        }

        int granted = 0;
        while (budget.tryAcquireRetry()) {
            granted++;
        }

        assertThat(granted).isEqualTo(20);
    }

    @Test
    void aReleasedRetryMakesRoomForAnother() {
        RetryBudget budget = new RetryBudget(0, 1);
        assertThat(budget.tryAcquireRetry()).isTrue();
        assertThat(budget.tryAcquireRetry()).isFalse();

        budget.releaseRetry();

        assertThat(budget.tryAcquireRetry()).isTrue();
    }

    @Test
    void aBudgetOfNothingAllowsNoRetry() {
        RetryBudget budget = new RetryBudget(0, 0);
        budget.requestStarted();

        assertThat(budget.tryAcquireRetry()).isFalse();
    }

    @Test
    void finishedRequestsShrinkTheBudget() {
        RetryBudget budget = new RetryBudget(0.5, 0);
        budget.requestStarted();
        budget.requestStarted();
        assertThat(budget.limit()).isEqualTo(1);

        budget.requestFinished();

        assertThat(budget.limit()).isZero();
    }

    @Test
    void aRatioOutsideZeroToOneIsRejectedWithTheValue() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RetryBudget(1.5, 3))
                .withMessage("retry budget ratio must be within [0, 1], but was 1.5");
    }
}
