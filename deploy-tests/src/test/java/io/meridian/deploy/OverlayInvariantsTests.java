package io.meridian.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.meridian.deploy.NetworkPaths.Pod;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import io.meridian.region.RegionsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders every overlay under {@code k8s/overlays} with {@code kubectl kustomize} and checks the
 * invariants an operator would review before applying them.
 */
class OverlayInvariantsTests {

    private static final ApplicationConfig GATEWAY = ApplicationConfig.of("gateway");

    private static final ApplicationConfig TASK_SERVER = ApplicationConfig.of("task-server");

    private static final Pod INGRESS_CONTROLLER = new Pod("ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx"));

    private static final Pod CLUSTER_DNS = new Pod("kube-system", Map.of("k8s-app", "kube-dns"));

    private static final Pod MODEL_SERVER = new Pod("outside-the-cluster", Map.of());

    static Stream<String> overlays() {
        return Kustomize.allOverlays().stream();
    }

    static Stream<String> regions() {
        return Kustomize.REGION_OVERLAYS.stream();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyContainerHasRequestsAndLimits(String overlay) {
        assertThat(ManifestChecks.resources(Kustomize.render(overlay))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyImageIsPinned(String overlay) {
        assertThat(ManifestChecks.imagesPinned(Kustomize.render(overlay))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void nothingRunsAsRootPrivilegedOrEscalating(String overlay) {
        assertThat(ManifestChecks.security(Kustomize.render(overlay))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyScalerHasAMaximumWithinTheCeiling(String overlay) {
        assertThat(ManifestChecks.scalersBounded(Kustomize.render(overlay))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceAndDisruptionBudgetSelectsPods(String overlay) {
        assertThat(ManifestChecks.selectorsMatchPods(Kustomize.render(overlay))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyOverlayHasItsOwnNamespaceWithAQuota(String overlay) {
        assertThat(ManifestChecks.ownNamespaceWithQuota(Kustomize.render(overlay), "meridian-" + overlay)).isEmpty();
    }

    @Test
    void gatewayProbesTheActuatorGroupsTheGatewayServes() {
        assertThat(ManifestChecks.probes(Kustomize.render(Kustomize.GATEWAY_OVERLAY), "meridian-gateway", GATEWAY))
                .isEmpty();
    }

    @ParameterizedTest
    @MethodSource("regions")
    void taskServersProbeTheActuatorGroupsTheTaskServerServes(String region) {
        assertThat(ManifestChecks.probes(Kustomize.render(region), "meridian-task-server", TASK_SERVER)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("regions")
    void taskServersGetMoreTimeToStopThanTheirDrainTakes(String region) {
        assertThat(ManifestChecks.gracefulShutdownFits(Kustomize.render(region), "meridian-task-server", TASK_SERVER))
                .isEmpty();
    }

    @Test
    void gatewayScalesThreeToTwentyAtSeventyPercentCpu() {
        HorizontalPodAutoscaler hpa = Kustomize.render(Kustomize.GATEWAY_OVERLAY).stream()
                .filter(HorizontalPodAutoscaler.class::isInstance).map(HorizontalPodAutoscaler.class::cast)
                .findFirst().orElseThrow();
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(20);
        assertThat(hpa.getSpec().getMetrics().getFirst().getResource().getTarget().getAverageUtilization()).isEqualTo(70);
    }

    @ParameterizedTest
    @MethodSource("regions")
    void taskServersScaleOnTheBacklogOfTheirRegionsStreams(String region) {
        List<HasMetadata> objects = Kustomize.render(region);
        assertThat(objects).noneMatch(HorizontalPodAutoscaler.class::isInstance);
        GenericKubernetesResource scaledObject = objects.stream()
                .filter(o -> o instanceof GenericKubernetesResource r && r.getKind().equals("ScaledObject"))
                .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
        Map<?, ?> spec = (Map<?, ?>) scaledObject.getAdditionalProperties().get("spec");
        List<?> all = (List<?>) spec.get("triggers");
        List<?> triggers = all.stream().filter(t -> "redis-streams".equals(((Map<?, ?>) t).get("type"))).toList();
        List<Object> streams = triggers.stream().map(t -> ((Map<?, ?>) ((Map<?, ?>) t).get("metadata")).get("stream"))
                .map(Object.class::cast).toList();
        List<Object> groups = triggers.stream()
                .map(t -> ((Map<?, ?>) ((Map<?, ?>) t).get("metadata")).get("consumerGroup")).map(Object.class::cast).toList();
        // The spend ceiling bounds the replicas: the formula takes the smaller of the backlog's ask and
        // the task servers' maxReplicas, read from their actuator port, which KEDA may reach.
        int management = Integer.parseInt(objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .findFirst().orElseThrow().getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv().stream()
                .filter(e -> e.getName().equals("MANAGEMENT_SERVER_PORT")).findFirst().orElseThrow().getValue());
        Map<?, ?> ceiling = (Map<?, ?>) all.stream().filter(t -> "spend_ceiling".equals(((Map<?, ?>) t).get("name")))
                .findFirst().orElseThrow();
        assertThat(((Map<?, ?>) ceiling.get("metadata")).get("url"))
                .isEqualTo("http://meridian-task-server-management:" + management + "/actuator/scaling");
        assertThat(((Map<?, ?>) ceiling.get("metadata")).get("valueLocation")).isEqualTo("maxReplicas");
        String formula = String.valueOf(((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) spec.get("advanced"))
                .get("scalingModifiers"))).get("formula"));
        assertThat(formula).startsWith("min(").contains("simple_backlog").contains("complex_backlog")
                .contains("spend_ceiling");
        assertThat(all).extracting(t -> ((Map<?, ?>) t).get("name"))
                .allSatisfy(name -> assertThat(formula).contains(String.valueOf(name)));
        NetworkPaths paths = new NetworkPaths(objects);
        assertThat(paths.allows(new Pod("keda", Map.of()), new Pod("meridian-" + region,
                Map.of("app.kubernetes.io/name", "meridian-task-server")), "TCP", management)).isTrue();
        assertThat(streams).containsExactly("meridian:{" + region + "}:stream:simple", "meridian:{" + region + "}:stream:complex");
        assertThat(groups).containsOnly("workers");
        Deployment taskServer = objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .findFirst().orElseThrow();
        assertThat(taskServer.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv())
                .anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("MERIDIAN_SERVER_REGION");
                    assertThat(e.getValue()).isEqualTo(region);
                });
    }

    @Test
    void networkPoliciesLeaveTheNeededPathsOpenAndCloseTheRest() {
        List<HasMetadata> cluster = overlays().flatMap(o -> Kustomize.render(o).stream()).toList();
        NetworkPaths paths = new NetworkPaths(cluster);
        Pod gateway = pod(cluster, "meridian-gateway", "meridian-gateway");

        assertThat(paths.allows(INGRESS_CONTROLLER, gateway, "TCP", GATEWAY.serverPort()))
                .as("ingress controller -> gateway").isTrue();
        Pod gatewayRedis = pod(cluster, "meridian-gateway", "meridian-redis");
        assertThat(paths.allows(gateway, gatewayRedis, "TCP", 6379)).as("gateway -> its redis").isTrue();
        assertThat(paths.allows(INGRESS_CONTROLLER, gatewayRedis, "TCP", 6379))
                .as("ingress controller -> gateway redis").isFalse();
        for (String region : Kustomize.REGION_OVERLAYS) {
            String ns = "meridian-" + region;
            Pod taskServer = pod(cluster, ns, "meridian-task-server");
            Pod redis = pod(cluster, ns, "meridian-redis");
            assertThat(paths.allows(gateway, taskServer, "TCP", TASK_SERVER.serverPort()))
                    .as("gateway -> %s task server", region).isTrue();
            assertThat(paths.allows(taskServer, redis, "TCP", 6379)).as("%s task server -> redis", region).isTrue();
            assertThat(paths.allows(taskServer, MODEL_SERVER, "TCP", 443)).as("%s task server -> model", region).isTrue();
            assertThat(paths.allows(INGRESS_CONTROLLER, taskServer, "TCP", TASK_SERVER.serverPort()))
                    .as("ingress controller -> %s task server", region).isFalse();
            assertThat(paths.allows(gateway, redis, "TCP", 6379)).as("gateway -> %s redis", region).isFalse();
            assertThat(paths.allows(taskServer, gatewayRedis, "TCP", 6379))
                    .as("%s task server -> gateway redis", region).isFalse();
            for (String other : Kustomize.REGION_OVERLAYS) {
                if (!other.equals(region)) {
                    assertThat(paths.allows(pod(cluster, "meridian-" + other, "meridian-task-server"), redis, "TCP", 6379))
                            .as("%s task server -> %s redis", other, region).isFalse();
                }
            }
        }
        for (ManifestChecks.Workload w : ManifestChecks.workloads(cluster)) {
            Pod p = new Pod(w.owner().getMetadata().getNamespace(), w.labels());
            assertThat(paths.allows(p, CLUSTER_DNS, "UDP", 53)).as("%s -> DNS", w.describe()).isTrue();
        }
    }

    @Test
    void everyGatewayReplicaSharesTheRedisServiceOfItsNamespace() {
        List<HasMetadata> objects = Kustomize.render(Kustomize.GATEWAY_OVERLAY);
        Service redis = objects.stream().filter(Service.class::isInstance).map(Service.class::cast)
                .filter(s -> s.getMetadata().getName().equals("meridian-redis")).findFirst().orElseThrow();
        Deployment gateway = objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .filter(d -> d.getMetadata().getName().equals("meridian-gateway")).findFirst().orElseThrow();

        assertThat(gateway.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv())
                .filteredOn(e -> e.getName().equals("MERIDIAN_REDIS_URL")).singleElement()
                .satisfies(e -> assertThat(e.getValue()).isEqualTo("redis://" + redis.getMetadata().getName() + ":"
                        + redis.getSpec().getPorts().getFirst().getPort()));
        assertThat(objects).filteredOn(o -> o.getKind().equals("StatefulSet"))
                .extracting(o -> o.getMetadata().getName()).containsExactly("meridian-redis");
    }

    @Test
    void regionsConfigMapLoadsWithTheGatewaysLoaderAndPointsAtEachRegionsTaskServers(@TempDir Path dir)
            throws Exception {
        ConfigMap regions = Kustomize.render(Kustomize.GATEWAY_OVERLAY).stream()
                .filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .filter(c -> c.getMetadata().getName().startsWith("meridian-regions")).findFirst().orElseThrow();
        Path file = dir.resolve("regions.yml");
        Files.writeString(file, regions.getData().get("regions.yml"));
        RegionCatalog catalog = RegionsFile.load(file);
        assertThat(catalog.regions()).extracting(Region::id).containsExactlyInAnyOrderElementsOf(Kustomize.REGION_OVERLAYS);
        for (Region region : catalog.regions()) {
            String namespace = "meridian-" + region.id();
            Service service = Kustomize.render(region.id()).stream().filter(Service.class::isInstance)
                    .map(Service.class::cast).filter(s -> s.getMetadata().getName().equals("meridian-task-server"))
                    .findFirst().orElseThrow();
            assertThat(region.endpoints()).allSatisfy(endpoint -> {
                assertThat(endpoint.getHost()).isEqualTo(service.getMetadata().getName() + "." + namespace + ".svc.cluster.local");
                assertThat(endpoint.getPort()).isEqualTo(service.getSpec().getPorts().getFirst().getPort())
                        .isEqualTo(TASK_SERVER.serverPort());
            });
        }
    }

    private static Pod pod(List<HasMetadata> cluster, String namespace, String name) {
        return ManifestChecks.workloads(cluster).stream()
                .filter(w -> w.owner().getMetadata().getNamespace().equals(namespace)
                        && w.owner().getMetadata().getName().equals(name))
                .map(w -> new Pod(namespace, w.labels())).findFirst()
                .orElseThrow(() -> new AssertionError("no workload " + namespace + "/" + name));
    }
}
