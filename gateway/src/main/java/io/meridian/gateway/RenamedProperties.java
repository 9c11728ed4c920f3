package io.meridian.gateway;

import io.meridian.boot.RenamedPropertiesProcessor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.logging.DeferredLogFactory;

/**
 * Keeps the gateway's renamed properties working under their old names, with one WARN line per old
 * name that is still set (the rules are {@link RenamedPropertiesProcessor}'s). The old names also
 * carry Boot's deprecation metadata ({@code additional-spring-configuration-metadata.json}), so
 * IDEs flag them.
 */
public class RenamedProperties extends RenamedPropertiesProcessor {

    /** Old name to new name; each also covers its indexed and nested descendants ({@code [0]}, {@code .x}). */
    static final Map<String, String> RENAMED = renamed();

    /** Name of the property source that holds the values read from old names. */
    static final String SOURCE_NAME = RenamedPropertiesProcessor.SOURCE_NAME;

    public RenamedProperties(DeferredLogFactory logFactory) {
        super(logFactory, RENAMED);
    }

    private static Map<String, String> renamed() {
        Map<String, String> renamed = new LinkedHashMap<>();
        for (String name : new String[] {"trusted-proxies", "forwarded-header", "max-forwarded-entries"}) {
            renamed.put("meridian." + name, "meridian.client." + name);
        }
        for (String name : new String[] {"failure-rate-threshold", "slow-call-rate-threshold", "slow-call-duration",
                "sliding-window-size", "minimum-number-of-calls", "wait-in-open-state",
                "permitted-calls-in-half-open-state"}) {
            renamed.put("meridian.circuit-breaker." + name, "meridian.failover.circuit-breaker." + name);
        }
        // The one attempt timeout bounded every call's wait for its answer to start; the take deadline is
        // that wait for every kind of call, while non-streamed answers now follow their region's limits.
        renamed.put("meridian.failover.attempt-timeout", "meridian.failover.deadlines.take");
        renamed.put("meridian.bulkhead.max-concurrent", "meridian.failover.bulkhead.max-concurrent");
        // One shared Redis: both old names lead to it; when both are set, the first one here wins.
        renamed.put("meridian.auth.redis-url", "meridian.redis.url");
        renamed.put("meridian.rate-limit.redis-url", "meridian.redis.url");
        return Collections.unmodifiableMap(renamed);
    }
}
