package io.meridian.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * That BlockHound watches a module's tests: an application's test class extends this, and its
 * tests fail if BlockHound is not installed in that module's test JVM (by
 * {@code blockhound-junit-platform} and the module's {@code BlockHoundIntegration} allowances), so
 * a test that blocks an event loop cannot pass unnoticed.
 */
public abstract class BlockHoundContract {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final Mono<String> PARKS = Mono.fromCallable(() -> {
        LockSupport.parkNanos(1_000);
        return "parked";
    });

    @Test
    void reportsABlockingCallOnANonBlockingThread() {
        StepVerifier.create(PARKS.subscribeOn(Schedulers.parallel()))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(BlockingOperationError.class)
                        .hasMessageContaining("Blocking call!").hasMessageContaining("Unsafe#park"))
                .verify(WAIT);
    }

    @Test
    void letsABoundedElasticThreadBlock() {
        StepVerifier.create(PARKS.subscribeOn(Schedulers.boundedElastic()))
                .expectNext("parked")
                .expectComplete()
                .verify(WAIT);
    }
}
