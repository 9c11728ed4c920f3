package io.meridian.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * What an application really serves, read from its {@code src/main/resources/application.yml} the way
 * Spring Boot would resolve it: the port of the actuator (the management port when one is set, else
 * the server port), its base path, and the liveness/readiness group paths. Kubernetes probes must
 * point there, so moving management to its own port fails the manifest tests until the manifests follow.
 *
 * @param serverPort        {@code server.port}
 * @param actuatorPort      {@code management.server.port}, or the server port when unset
 * @param livenessPath      {@code <base-path>/health/liveness}
 * @param readinessPath     {@code <base-path>/health/readiness}
 * @param shutdownPhase     {@code spring.lifecycle.timeout-per-shutdown-phase} (Spring Boot's default 30 s)
 * @param workerShutdownGrace {@code meridian.workers.shutdown-grace} (WorkerProperties' default 10 s)
 */
record ApplicationConfig(int serverPort, int actuatorPort, String livenessPath, String readinessPath,
        Duration shutdownPhase, Duration workerShutdownGrace) {

    /** Spring Boot's default of {@code spring.lifecycle.timeout-per-shutdown-phase}. */
    static final Duration DEFAULT_SHUTDOWN_PHASE = Duration.ofSeconds(30);

    /** The default of {@code meridian.workers.shutdown-grace} in the task server's WorkerProperties. */
    static final Duration DEFAULT_WORKER_SHUTDOWN_GRACE = Duration.ofSeconds(10);

    static ApplicationConfig of(String module) {
        Path file = Kustomize.repositoryRoot().resolve(module).resolve("src/main/resources/application.yml");
        try (Reader reader = Files.newBufferedReader(file)) {
            Map<String, Object> yaml = new Yaml().load(reader);
            return from(yaml);
        }
        catch (IOException ex) {
            throw new IllegalStateException("cannot read " + file, ex);
        }
    }

    static ApplicationConfig from(Map<String, Object> yaml) {
        int serverPort = Integer.parseInt(String.valueOf(get(yaml, "server.port", 8080)));
        Object managementPort = get(yaml, "management.server.port", null);
        int actuatorPort = managementPort == null ? serverPort : Integer.parseInt(String.valueOf(managementPort));
        String basePath = String.valueOf(get(yaml, "management.endpoints.web.base-path", "/actuator"));
        if (!Boolean.parseBoolean(String.valueOf(get(yaml, "management.endpoint.health.probes.enabled", false)))) {
            throw new IllegalStateException("management.endpoint.health.probes.enabled is not true: "
                    + "the application serves no liveness/readiness groups to probe");
        }
        return new ApplicationConfig(serverPort, actuatorPort, basePath + "/health/liveness",
                basePath + "/health/readiness",
                duration(get(yaml, "spring.lifecycle.timeout-per-shutdown-phase", null), DEFAULT_SHUTDOWN_PHASE),
                duration(get(yaml, "meridian.workers.shutdown-grace", null), DEFAULT_WORKER_SHUTDOWN_GRACE));
    }

    private static Duration duration(Object value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        String text = String.valueOf(value).trim();
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        if (text.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        if (text.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        return Duration.ofMillis(Long.parseLong(text));
    }

    /** A dotted property from nested maps, also accepting keys written flat ({@code a.b: 1}). */
    @SuppressWarnings("unchecked")
    private static Object get(Map<String, Object> yaml, String property, Object fallback) {
        if (yaml.containsKey(property)) {
            return yaml.get(property);
        }
        int dot = property.indexOf('.');
        while (dot > 0) {
            Object child = yaml.get(property.substring(0, dot));
            if (child instanceof Map<?, ?> map) {
                Object found = get((Map<String, Object>) map, property.substring(dot + 1), null);
                if (found != null) {
                    return found;
                }
            }
            dot = property.indexOf('.', dot + 1);
        }
        return fallback;
    }
}
