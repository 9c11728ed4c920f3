package io.meridian.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The invariants every rendered manifest must keep. Each check returns the violations it found, one
 * line each naming the object and what is wrong, so a failing test reads like a review comment.
 * {@code ManifestChecksTests} feeds each check a deliberately bad object to prove it can fail.
 */
final class ManifestChecks {

    /**
     * The most replicas any scaler may ask for. Unbounded scaling was a named cost risk of the
     * original design; raising a ceiling is a deliberate change here and in the ResourceQuota.
     */
    static final int REPLICA_CEILING = 20;

    /**
     * An image is pinned by an exact version tag ({@code name:1.2.3}, {@code name:v7.1.0},
     * {@code name:21.0.7_6-jre}), optionally followed by a digest, or by a digest alone. Never
     * {@code latest}, never a bare name, never a floating major tag such as {@code redis:7}.
     */
    static final Pattern PINNED_IMAGE = Pattern.compile(
            "[^@:\\s]+(?::[0-9a-z][\\w.-]*)?@sha256:[0-9a-f]{64}"
            + "|[^@\\s]+:v?\\d+\\.\\d+(?:\\.\\d+)?(?:[._-][\\w.-]+)?");

    private ManifestChecks() {
    }

    /** A pod template and the object that owns it. */
    record Workload(HasMetadata owner, PodTemplateSpec template) {

        String describe() {
            return owner.getKind() + " " + owner.getMetadata().getNamespace() + "/" + owner.getMetadata().getName();
        }

        PodSpec spec() {
            return template.getSpec();
        }

        Map<String, String> labels() {
            return template.getMetadata() == null || template.getMetadata().getLabels() == null ? Map.of()
                    : template.getMetadata().getLabels();
        }

        Stream<Container> containers() {
            return Stream.concat(spec().getContainers().stream(),
                    spec().getInitContainers() == null ? Stream.empty() : spec().getInitContainers().stream());
        }
    }

    static List<Workload> workloads(List<HasMetadata> objects) {
        List<Workload> workloads = new ArrayList<>();
        for (HasMetadata o : objects) {
            PodTemplateSpec template = switch (o) {
                case Deployment d -> d.getSpec().getTemplate();
                case StatefulSet s -> s.getSpec().getTemplate();
                case DaemonSet d -> d.getSpec().getTemplate();
                case Job j -> j.getSpec().getTemplate();
                case CronJob c -> c.getSpec().getJobTemplate().getSpec().getTemplate();
                default -> null;
            };
            if (template != null) {
                workloads.add(new Workload(o, template));
            }
        }
        return workloads;
    }

    /** Every container states CPU and memory requests and limits. */
    static List<String> resources(List<HasMetadata> objects) {
        List<String> violations = new ArrayList<>();
        for (Workload w : workloads(objects)) {
            w.containers().forEach(c -> {
                ResourceRequirements r = c.getResources();
                for (String kind : List.of("cpu", "memory")) {
                    if (r == null || r.getRequests() == null || !r.getRequests().containsKey(kind)) {
                        violations.add(w.describe() + " container " + c.getName() + " has no " + kind + " request");
                    }
                    if (r == null || r.getLimits() == null || !r.getLimits().containsKey(kind)) {
                        violations.add(w.describe() + " container " + c.getName() + " has no " + kind + " limit");
                    }
                }
            });
        }
        return violations;
    }

    /** Every image is pinned (see {@link #PINNED_IMAGE}). */
    static List<String> imagesPinned(List<HasMetadata> objects) {
        List<String> violations = new ArrayList<>();
        for (Workload w : workloads(objects)) {
            w.containers().forEach(c -> {
                String image = c.getImage();
                if (image == null || !PINNED_IMAGE.matcher(image).matches() || image.contains(":latest")) {
                    violations.add(w.describe() + " container " + c.getName() + " image '" + image
                            + "' is not pinned to an exact version tag or a digest");
                }
            });
        }
        return violations;
    }

    /** Nothing runs as root, privileged, escalating, with capabilities, host namespaces or a writable root. */
    static List<String> security(List<HasMetadata> objects) {
        List<String> violations = new ArrayList<>();
        for (Workload w : workloads(objects)) {
            PodSpec spec = w.spec();
            PodSecurityContext pod = spec.getSecurityContext();
            if (Boolean.TRUE.equals(spec.getHostNetwork()) || Boolean.TRUE.equals(spec.getHostPID())
                    || Boolean.TRUE.equals(spec.getHostIPC())) {
                violations.add(w.describe() + " shares a host namespace");
            }
            w.containers().forEach(c -> {
                String where = w.describe() + " container " + c.getName();
                SecurityContext sc = c.getSecurityContext();
                if (sc == null) {
                    violations.add(where + " has no securityContext");
                    return;
                }
                Boolean nonRoot = sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot()
                        : pod == null ? null : pod.getRunAsNonRoot();
                Long user = sc.getRunAsUser() != null ? sc.getRunAsUser() : pod == null ? null : pod.getRunAsUser();
                if (!Boolean.TRUE.equals(nonRoot)) {
                    violations.add(where + " does not set runAsNonRoot: true");
                }
                if (user == null || user == 0) {
                    violations.add(where + " runAsUser must be a numeric non-root id, but was " + user);
                }
                if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
                    violations.add(where + " does not set allowPrivilegeEscalation: false");
                }
                if (Boolean.TRUE.equals(sc.getPrivileged())) {
                    violations.add(where + " is privileged");
                }
                if (!Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
                    violations.add(where + " does not set readOnlyRootFilesystem: true");
                }
                if (sc.getCapabilities() == null || sc.getCapabilities().getDrop() == null
                        || !sc.getCapabilities().getDrop().contains("ALL")) {
                    violations.add(where + " does not drop ALL capabilities");
                }
                else if (sc.getCapabilities().getAdd() != null && !sc.getCapabilities().getAdd().isEmpty()) {
                    violations.add(where + " adds capabilities " + sc.getCapabilities().getAdd());
                }
                String seccomp = sc.getSeccompProfile() != null ? sc.getSeccompProfile().getType()
                        : pod != null && pod.getSeccompProfile() != null ? pod.getSeccompProfile().getType() : null;
                if (!"RuntimeDefault".equals(seccomp) && !"Localhost".equals(seccomp)) {
                    violations.add(where + " seccompProfile must be RuntimeDefault, but was " + seccomp);
                }
            });
        }
        return violations;
    }

    /**
     * The Deployment named {@code deployment} probes liveness and readiness at the paths and port its
     * application serves; a named probe port is resolved through the container's ports.
     */
    static List<String> probes(List<HasMetadata> objects, String deployment, ApplicationConfig app) {
        List<String> violations = new ArrayList<>();
        List<Workload> matching = workloads(objects).stream()
                .filter(w -> w.owner() instanceof Deployment && w.owner().getMetadata().getName().equals(deployment))
                .toList();
        if (matching.isEmpty()) {
            violations.add("no Deployment " + deployment);
        }
        for (Workload w : matching) {
            Container c = w.spec().getContainers().getFirst();
            String where = w.describe() + " container " + c.getName();
            int port = actuatorPort(c, app);
            checkProbe(violations, where + " liveness probe", c, c.getLivenessProbe(), app.livenessPath(), port);
            checkProbe(violations, where + " readiness probe", c, c.getReadinessProbe(), app.readinessPath(), port);
            if (c.getStartupProbe() != null) {
                checkProbe(violations, where + " startup probe", c, c.getStartupProbe(), app.livenessPath(), port);
            }
        }
        return violations;
    }

    /**
     * The port actuator answers on in this container: {@code MANAGEMENT_SERVER_PORT} from its
     * environment (Spring Boot's relaxed binding of {@code management.server.port}) when set there,
     * else what the application's {@code application.yml} says.
     */
    static int actuatorPort(Container c, ApplicationConfig app) {
        if (c.getEnv() != null) {
            for (var env : c.getEnv()) {
                if ("MANAGEMENT_SERVER_PORT".equals(env.getName()) && env.getValue() != null) {
                    return Integer.parseInt(env.getValue().strip());
                }
            }
        }
        return app.actuatorPort();
    }

    private static void checkProbe(List<String> violations, String where, Container c, Probe probe, String path, int port) {
        if (probe == null || probe.getHttpGet() == null) {
            violations.add(where + " is missing or not an HTTP GET");
            return;
        }
        HTTPGetAction get = probe.getHttpGet();
        if (!path.equals(get.getPath())) {
            violations.add(where + " path is " + get.getPath() + ", but the application serves " + path);
        }
        Integer actual = resolvePort(c, get.getPort());
        if (actual == null || actual != port) {
            violations.add(where + " port " + portText(get.getPort()) + " is " + actual
                    + ", but the application serves it on " + port);
        }
    }

    private static String portText(IntOrString port) {
        return port == null ? "null" : port.getStrVal() != null ? "'" + port.getStrVal() + "'" : String.valueOf(port.getIntVal());
    }

    static Integer resolvePort(Container c, IntOrString port) {
        if (port == null) {
            return null;
        }
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return c.getPorts() == null ? null : c.getPorts().stream()
                .filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort).findFirst().orElse(null);
    }

    /** Every HorizontalPodAutoscaler and KEDA ScaledObject has a maximum at or below the ceiling. */
    static List<String> scalersBounded(List<HasMetadata> objects) {
        List<String> violations = new ArrayList<>();
        for (HasMetadata o : objects) {
            String where = o.getKind() + " " + o.getMetadata().getName();
            Integer max = null;
            Integer min = null;
            if (o instanceof HorizontalPodAutoscaler hpa) {
                max = hpa.getSpec().getMaxReplicas();
                min = hpa.getSpec().getMinReplicas();
            }
            else if (o instanceof GenericKubernetesResource r && "ScaledObject".equals(r.getKind())) {
                Map<?, ?> spec = (Map<?, ?>) r.getAdditionalProperties().get("spec");
                max = spec == null ? null : (Integer) spec.get("maxReplicaCount");
                min = spec == null ? null : (Integer) spec.get("minReplicaCount");
            }
            else {
                continue;
            }
            if (max == null) {
                violations.add(where + " has no maximum replica count");
            }
            else if (max > REPLICA_CEILING) {
                violations.add(where + " maximum " + max + " is above the ceiling " + REPLICA_CEILING);
            }
            else if (min != null && min > max) {
                violations.add(where + " minimum " + min + " is above its maximum " + max);
            }
        }
        return violations;
    }

    /** Every Service and PodDisruptionBudget selects the pods of some workload in its namespace. */
    static List<String> selectorsMatchPods(List<HasMetadata> objects) {
        List<String> violations = new ArrayList<>();
        List<Workload> workloads = workloads(objects);
        for (HasMetadata o : objects) {
            Map<String, String> selector;
            if (o instanceof Service s) {
                selector = s.getSpec().getSelector();
            }
            else if (o instanceof PodDisruptionBudget pdb) {
                LabelSelector ls = pdb.getSpec().getSelector();
                if (ls != null && ls.getMatchExpressions() != null && !ls.getMatchExpressions().isEmpty()) {
                    violations.add("PodDisruptionBudget " + pdb.getMetadata().getName() + " uses matchExpressions, "
                            + "which this check does not evaluate; use matchLabels");
                    continue;
                }
                selector = ls == null ? null : ls.getMatchLabels();
            }
            else {
                continue;
            }
            String where = o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
            if (selector == null || selector.isEmpty()) {
                violations.add(where + " has an empty selector");
                continue;
            }
            boolean selects = workloads.stream()
                    .filter(w -> Objects.equals(w.owner().getMetadata().getNamespace(), o.getMetadata().getNamespace()))
                    .anyMatch(w -> w.labels().entrySet().containsAll(selector.entrySet()));
            if (!selects) {
                violations.add(where + " selects no pod: no workload's pods carry " + selector);
            }
        }
        return violations;
    }

    /**
     * Every namespaced object of an overlay lives in {@code namespace}, which the overlay creates
     * along with a ResourceQuota in it.
     */
    static List<String> ownNamespaceWithQuota(List<HasMetadata> objects, String namespace) {
        List<String> violations = new ArrayList<>();
        if (objects.stream().noneMatch(o -> o instanceof Namespace n && n.getMetadata().getName().equals(namespace))) {
            violations.add("no Namespace " + namespace);
        }
        if (objects.stream().noneMatch(o -> o instanceof ResourceQuota q && namespace.equals(q.getMetadata().getNamespace()))) {
            violations.add("no ResourceQuota in namespace " + namespace);
        }
        objects.stream().filter(o -> !(o instanceof Namespace))
                .filter(o -> !namespace.equals(o.getMetadata().getNamespace()))
                .forEach(o -> violations.add(o.getKind() + " " + o.getMetadata().getName() + " is in namespace "
                        + o.getMetadata().getNamespace() + ", not " + namespace));
        return violations;
    }

    /**
     * The Deployment's pods get more time to stop than the application's drain takes: the pre-stop
     * pause, the web server's graceful phase and the worker pools' shutdown grace, one after another.
     */
    static List<String> gracefulShutdownFits(List<HasMetadata> objects, String deployment, ApplicationConfig app) {
        List<String> violations = new ArrayList<>();
        for (Workload w : workloads(objects)) {
            if (!(w.owner() instanceof Deployment) || !w.owner().getMetadata().getName().equals(deployment)) {
                continue;
            }
            Container c = w.spec().getContainers().getFirst();
            long preStop = c.getLifecycle() != null && c.getLifecycle().getPreStop() != null
                    && c.getLifecycle().getPreStop().getSleep() != null
                    ? c.getLifecycle().getPreStop().getSleep().getSeconds() : 0;
            Duration drain = Duration.ofSeconds(preStop).plus(app.shutdownPhase()).plus(app.workerShutdownGrace());
            Long grace = w.spec().getTerminationGracePeriodSeconds();
            long effective = grace == null ? 30 : grace;
            if (effective <= drain.toSeconds()) {
                violations.add(w.describe() + " terminationGracePeriodSeconds " + effective
                        + " is not above the drain of " + drain.toSeconds() + " s (pre-stop " + preStop
                        + " s + shutdown phase " + app.shutdownPhase().toSeconds() + " s + worker grace "
                        + app.workerShutdownGrace().toSeconds() + " s)");
            }
        }
        return violations;
    }
}
