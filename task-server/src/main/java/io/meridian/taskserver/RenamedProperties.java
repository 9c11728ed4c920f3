package io.meridian.taskserver;

import io.meridian.boot.RenamedPropertiesProcessor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.logging.DeferredLogFactory;

/**
 * Keeps the task server's renamed properties working under their old names, with one WARN line per
 * old name that is still set (the rules are {@link RenamedPropertiesProcessor}'s). The old names
 * also carry Boot's deprecation metadata ({@code additional-spring-configuration-metadata.json}), so
 * IDEs flag them.
 */
public class RenamedProperties extends RenamedPropertiesProcessor {

    /** Old name to new name; each also covers its indexed and nested descendants ({@code [0]}, {@code .x}). */
    static final Map<String, String> RENAMED = renamed();

    public RenamedProperties(DeferredLogFactory logFactory) {
        super(logFactory, RENAMED);
    }

    private static Map<String, String> renamed() {
        Map<String, String> renamed = new LinkedHashMap<>();
        for (String name : new String[] {"region", "max-query-length", "max-request-size", "capacity",
                "max-json-depth", "max-messages", "max-tokens"}) {
            renamed.put("meridian.task-server." + name, TaskServerProperties.PREFIX + "." + name);
        }
        return Collections.unmodifiableMap(renamed);
    }
}
