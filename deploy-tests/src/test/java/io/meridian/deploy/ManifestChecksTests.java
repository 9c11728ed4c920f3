package io.meridian.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.meridian.deploy.NetworkPaths.Pod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** Each invariant check accepts a good object and reports the deliberately broken one. */
class ManifestChecksTests {

    private static final String GOOD = """
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: meridian-test
            ---
            apiVersion: v1
            kind: ResourceQuota
            metadata: {name: q, namespace: meridian-test}
            spec: {hard: {pods: "10"}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: app, namespace: meridian-test}
            spec:
              selector: {matchLabels: {app: app}}
              template:
                metadata: {labels: {app: app}}
                spec:
                  terminationGracePeriodSeconds: 60
                  securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: {type: RuntimeDefault}}
                  containers:
                    - name: app
                      image: meridian/app:1.2.3
                      ports: [{name: http, containerPort: 9001}]
                      lifecycle: {preStop: {sleep: {seconds: 5}}}
                      livenessProbe: {httpGet: {path: /actuator/health/liveness, port: http}}
                      readinessProbe: {httpGet: {path: /actuator/health/readiness, port: 9001}}
                      resources:
                        requests: {cpu: 100m, memory: 128Mi}
                        limits: {cpu: "1", memory: 256Mi}
                      securityContext:
                        allowPrivilegeEscalation: false
                        readOnlyRootFilesystem: true
                        capabilities: {drop: [ALL]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: app, namespace: meridian-test}
            spec: {selector: {app: app}, ports: [{port: 80}]}
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: app, namespace: meridian-test}
            spec: {minAvailable: 1, selector: {matchLabels: {app: app}}}
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: app, namespace: meridian-test}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app}
              minReplicas: 2
              maxReplicas: 20
            ---
            apiVersion: keda.sh/v1alpha1
            kind: ScaledObject
            metadata: {name: app, namespace: meridian-test}
            spec: {scaleTargetRef: {name: app}, minReplicaCount: 1, maxReplicaCount: 10, triggers: []}
            """;

    private static final ApplicationConfig APP = new ApplicationConfig(9001, 9001, "/actuator/health/liveness",
            "/actuator/health/readiness", Duration.ofSeconds(30), Duration.ofSeconds(10));

    private static List<HasMetadata> good() {
        return Kustomize.parse(GOOD);
    }

    private static List<HasMetadata> withContainer(Consumer<Container> breakIt) {
        List<HasMetadata> objects = good();
        objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .forEach(d -> breakIt.accept(d.getSpec().getTemplate().getSpec().getContainers().getFirst()));
        return objects;
    }

    private static List<HasMetadata> withDeployment(Consumer<Deployment> breakIt) {
        List<HasMetadata> objects = good();
        objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).forEach(breakIt);
        return objects;
    }

    @Test
    void goodObjectsPassEveryCheck() {
        List<HasMetadata> objects = good();
        assertThat(ManifestChecks.resources(objects)).isEmpty();
        assertThat(ManifestChecks.imagesPinned(objects)).isEmpty();
        assertThat(ManifestChecks.security(objects)).isEmpty();
        assertThat(ManifestChecks.probes(objects, "app", APP)).isEmpty();
        assertThat(ManifestChecks.scalersBounded(objects)).isEmpty();
        assertThat(ManifestChecks.selectorsMatchPods(objects)).isEmpty();
        assertThat(ManifestChecks.ownNamespaceWithQuota(objects, "meridian-test")).isEmpty();
        assertThat(ManifestChecks.gracefulShutdownFits(objects, "app", APP)).isEmpty();
    }

    @Test
    void reportsAContainerWithoutAMemoryLimit() {
        assertThat(ManifestChecks.resources(withContainer(c -> c.getResources().getLimits().remove("memory"))))
                .containsExactly("Deployment meridian-test/app container app has no memory limit");
    }

    @Test
    void reportsLatestBareAndFloatingImages() {
        for (String image : List.of("meridian/app:latest", "meridian/app", "redis:7", "meridian/app@sha256:abc")) {
            assertThat(ManifestChecks.imagesPinned(withContainer(c -> c.setImage(image)))).as(image).hasSize(1);
        }
        for (String image : List.of("redis:7.4.2", "maxmindinc/geoipupdate:v7.1.0",
                "eclipse-temurin:21.0.7_6-jre-noble", "meridian/app:1.2.3@sha256:" + "a".repeat(64),
                "meridian/app@sha256:" + "0".repeat(64))) {
            assertThat(ManifestChecks.imagesPinned(withContainer(c -> c.setImage(image)))).as(image).isEmpty();
        }
    }

    @Test
    void reportsRootEscalationPrivilegeAndAWritableRoot() {
        assertThat(ManifestChecks.security(withContainer(c -> c.getSecurityContext().setRunAsUser(0L))))
                .singleElement().asString().contains("runAsUser");
        assertThat(ManifestChecks.security(withDeployment(d ->
                d.getSpec().getTemplate().getSpec().getSecurityContext().setRunAsNonRoot(null))))
                .singleElement().asString().contains("runAsNonRoot");
        assertThat(ManifestChecks.security(withContainer(c -> c.getSecurityContext().setAllowPrivilegeEscalation(true))))
                .singleElement().asString().contains("allowPrivilegeEscalation");
        assertThat(ManifestChecks.security(withContainer(c -> c.getSecurityContext().setPrivileged(true))))
                .singleElement().asString().contains("privileged");
        assertThat(ManifestChecks.security(withContainer(c -> c.getSecurityContext().setReadOnlyRootFilesystem(false))))
                .singleElement().asString().contains("readOnlyRootFilesystem");
        assertThat(ManifestChecks.security(withContainer(c -> c.getSecurityContext().getCapabilities().setDrop(List.of()))))
                .singleElement().asString().contains("drop ALL");
        assertThat(ManifestChecks.security(withDeployment(d ->
                d.getSpec().getTemplate().getSpec().getSecurityContext().setSeccompProfile(null))))
                .singleElement().asString().contains("seccompProfile");
        assertThat(ManifestChecks.security(withDeployment(d -> d.getSpec().getTemplate().getSpec().setHostNetwork(true))))
                .singleElement().asString().contains("host namespace");
    }

    @Test
    void reportsProbesOnAnotherPathOrPort() {
        assertThat(ManifestChecks.probes(withContainer(c -> c.getLivenessProbe().getHttpGet().setPath("/health")), "app", APP))
                .singleElement().asString().contains("path is /health, but the application serves /actuator/health/liveness");
        assertThat(ManifestChecks.probes(withContainer(c -> c.getReadinessProbe().getHttpGet()
                .setPort(new IntOrString(8080))), "app", APP))
                .singleElement().asString().contains("port 8080 is 8080, but the application serves it on 9001");
        ApplicationConfig ownManagementPort = new ApplicationConfig(9001, 9091, APP.livenessPath(), APP.readinessPath(),
                APP.shutdownPhase(), APP.workerShutdownGrace());
        assertThat(ManifestChecks.probes(good(), "app", ownManagementPort)).hasSize(2);
        assertThat(ManifestChecks.probes(withContainer(c -> c.setReadinessProbe(null)), "app", APP))
                .singleElement().asString().contains("readiness probe is missing");
    }

    @Test
    void anActuatorPortSetInTheContainersEnvironmentIsWhereProbesMustGo() {
        java.util.function.Consumer<io.fabric8.kubernetes.api.model.Container> ownPort = c -> c.getEnv()
                .add(new io.fabric8.kubernetes.api.model.EnvVar("MANAGEMENT_SERVER_PORT", "9101", null));
        assertThat(ManifestChecks.probes(withContainer(c -> {
            if (c.getEnv() == null) {
                c.setEnv(new java.util.ArrayList<>());
            }
            ownPort.accept(c);
        }), "app", APP)).hasSize(2).allSatisfy(v -> assertThat(v).contains("the application serves it on 9101"));
        assertThat(ManifestChecks.probes(withContainer(c -> {
            if (c.getEnv() == null) {
                c.setEnv(new java.util.ArrayList<>());
            }
            ownPort.accept(c);
            c.getLivenessProbe().getHttpGet().setPort(new IntOrString(9101));
            c.getReadinessProbe().getHttpGet().setPort(new IntOrString(9101));
            if (c.getStartupProbe() != null) {
                c.getStartupProbe().getHttpGet().setPort(new IntOrString(9101));
            }
        }), "app", APP)).isEmpty();
    }

    @Test
    void reportsUnboundedAndOverCeilingScalers() {
        List<HasMetadata> objects = good();
        objects.stream().filter(o -> o instanceof io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler)
                .map(io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class::cast)
                .forEach(h -> h.getSpec().setMaxReplicas(ManifestChecks.REPLICA_CEILING + 1));
        objects.stream().filter(o -> o.getKind().equals("ScaledObject"))
                .map(io.fabric8.kubernetes.api.model.GenericKubernetesResource.class::cast)
                .forEach(s -> ((Map<?, ?>) s.getAdditionalProperties().get("spec")).remove("maxReplicaCount"));
        assertThat(ManifestChecks.scalersBounded(objects)).containsExactlyInAnyOrder(
                "HorizontalPodAutoscaler app maximum 21 is above the ceiling 20",
                "ScaledObject app has no maximum replica count");
    }

    @Test
    void reportsServicesAndBudgetsThatSelectNoPod() {
        List<HasMetadata> objects = withDeployment(d -> d.getSpec().getTemplate().getMetadata().setLabels(Map.of("app", "other")));
        assertThat(ManifestChecks.selectorsMatchPods(objects)).containsExactlyInAnyOrder(
                "Service meridian-test/app selects no pod: no workload's pods carry {app=app}",
                "PodDisruptionBudget meridian-test/app selects no pod: no workload's pods carry {app=app}");
    }

    @Test
    void reportsAnOverlayWithoutItsNamespaceOrQuota() {
        List<HasMetadata> objects = good().stream().filter(o -> !o.getKind().equals("ResourceQuota")).toList();
        assertThat(ManifestChecks.ownNamespaceWithQuota(objects, "meridian-test"))
                .containsExactly("no ResourceQuota in namespace meridian-test");
        assertThat(ManifestChecks.ownNamespaceWithQuota(good(), "meridian-other"))
                .contains("no Namespace meridian-other", "Deployment app is in namespace meridian-test, not meridian-other");
    }

    @Test
    void reportsAGracePeriodShorterThanTheDrain() {
        assertThat(ManifestChecks.gracefulShutdownFits(withDeployment(d ->
                d.getSpec().getTemplate().getSpec().setTerminationGracePeriodSeconds(45L)), "app", APP))
                .containsExactly("Deployment meridian-test/app terminationGracePeriodSeconds 45 is not above the drain "
                        + "of 45 s (pre-stop 5 s + shutdown phase 30 s + worker grace 10 s)");
    }

    @Test
    void readsPortsPathsAndDrainFromApplicationYaml() {
        Map<String, Object> yaml = new Yaml().load("""
                server: {port: 9001}
                spring.lifecycle.timeout-per-shutdown-phase: 20s
                management:
                  server: {port: 9091}
                  endpoints.web.base-path: /manage
                  endpoint: {health: {probes: {enabled: true}}}
                meridian: {workers: {shutdown-grace: 15s}}
                """);
        assertThat(ApplicationConfig.from(yaml)).isEqualTo(new ApplicationConfig(9001, 9091, "/manage/health/liveness",
                "/manage/health/readiness", Duration.ofSeconds(20), Duration.ofSeconds(15)));
    }

    @Test
    void networkPathsFollowKubernetesSemantics() {
        List<HasMetadata> objects = Kustomize.parse("""
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: a, labels: {tier: front}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny, namespace: b}
                spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: allow, namespace: b}
                spec:
                  podSelector: {matchLabels: {app: server}}
                  policyTypes: [Ingress]
                  ingress:
                    - from: [{namespaceSelector: {matchLabels: {tier: front}}, podSelector: {matchLabels: {app: client}}}]
                      ports: [{protocol: TCP, port: 9001}]
                """);
        NetworkPaths paths = new NetworkPaths(objects);
        Pod client = new Pod("a", Map.of("app", "client"));
        Pod server = new Pod("b", Map.of("app", "server"));
        assertThat(paths.allows(client, server, "TCP", 9001)).isTrue();
        assertThat(paths.allows(client, server, "TCP", 9002)).as("other port").isFalse();
        assertThat(paths.allows(new Pod("a", Map.of("app", "other")), server, "TCP", 9001)).as("other pod").isFalse();
        assertThat(paths.allows(new Pod("c", Map.of("app", "client")), server, "TCP", 9001)).as("other namespace").isFalse();
        assertThat(paths.allows(server, client, "TCP", 9001)).as("server egress denied by default-deny").isFalse();
    }
}
