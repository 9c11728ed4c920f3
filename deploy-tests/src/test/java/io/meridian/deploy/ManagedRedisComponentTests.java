package io.meridian.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.meridian.deploy.NetworkPaths.Pod;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code managed-redis} component in every overlay, a region's or the gateway tier's: the
 * self-hosted Redis is gone, the tier's pods read the URL from the Secret {@code meridian-redis}
 * and may reach a Redis outside the cluster, and every overlay invariant still holds.
 */
class ManagedRedisComponentTests {

    private static final String COMPONENT = "managed-redis";

    private static final Pod MANAGED_REDIS = new Pod("outside-the-cluster", Map.of());

    static Stream<String> overlays() {
        return Kustomize.allOverlays().stream();
    }

    private static String workload(String overlay) {
        return overlay.equals(Kustomize.GATEWAY_OVERLAY) ? "meridian-gateway" : "meridian-task-server";
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void keepsEveryOverlayInvariant(String overlay, @TempDir Path dir) {
        List<HasMetadata> objects = Kustomize.renderWith(overlay, dir, COMPONENT);

        assertThat(ManifestChecks.resources(objects)).isEmpty();
        assertThat(ManifestChecks.imagesPinned(objects)).isEmpty();
        assertThat(ManifestChecks.security(objects)).isEmpty();
        assertThat(ManifestChecks.selectorsMatchPods(objects)).isEmpty();
        assertThat(ManifestChecks.ownNamespaceWithQuota(objects, "meridian-" + overlay)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void replacesTheSelfHostedRedisWithTheSecretsUrl(String overlay, @TempDir Path dir) {
        List<HasMetadata> objects = Kustomize.renderWith(overlay, dir, COMPONENT);

        assertThat(objects).noneSatisfy(o -> assertThat(o.getMetadata().getName()).isEqualTo("meridian-redis"));
        assertThat(objects).noneSatisfy(o -> assertThat(o.getMetadata().getName()).startsWith("redis-from-"));
        List<EnvVar> env = objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .filter(d -> d.getMetadata().getName().equals(workload(overlay))).findFirst().orElseThrow()
                .getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv();
        assertThat(env).filteredOn(e -> e.getName().equals("MERIDIAN_REDIS_URL")).singleElement().satisfies(e -> {
            assertThat(e.getValue()).isNull();
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("meridian-redis");
            assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("url");
        });
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void letsTheTiersPodsReachARedisOutsideTheCluster(String overlay, @TempDir Path dir) {
        NetworkPaths paths = new NetworkPaths(Kustomize.renderWith(overlay, dir, COMPONENT));
        Pod pod = new Pod("meridian-" + overlay, Map.of("app.kubernetes.io/name", workload(overlay)));

        assertThat(paths.allows(pod, MANAGED_REDIS, "TCP", 6380)).isTrue();
        assertThat(paths.allows(pod, MANAGED_REDIS, "TCP", 6379)).isTrue();
        assertThat(paths.allows(pod, MANAGED_REDIS, "TCP", 5432)).isFalse();
    }
}
