package io.meridian.gateway;

import io.meridian.testing.TickingClock;
import java.time.Clock;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * For a test of calendar windows (a UTC minute, a UTC day): the gateway's clock starts at the
 * beginning of a minute with the context, so no test straddles a window's end however slowly it runs.
 */
@TestConfiguration(proxyBeanMethods = false)
public class WindowClock {

    /** In place of the gateway's clock, which backs off too late for a test's configuration. */
    @Bean
    @Primary
    Clock windowClock() {
        return TickingClock.fromNoon();
    }
}
