package io.meridian.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.meridian.deploy.NetworkPaths.Pod;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code model-tiers} component in each region overlay: an Ollama Deployment for the simple
 * tier and a GPU vLLM one for the complex tier, the task servers pointed at them, and the same
 * invariants as every overlay.
 */
class ModelTiersComponentTests {

    private static final String COMPONENT = "model-tiers";

    static Stream<String> regions() {
        return Kustomize.REGION_OVERLAYS.stream();
    }

    private static Deployment deployment(List<HasMetadata> objects, String name) {
        return objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .filter(d -> d.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @MethodSource("regions")
    void keepsEveryOverlayInvariant(String region, @TempDir Path dir) {
        List<HasMetadata> objects = Kustomize.renderWith(region, dir, COMPONENT);

        assertThat(ManifestChecks.resources(objects)).isEmpty();
        assertThat(ManifestChecks.imagesPinned(objects)).isEmpty();
        assertThat(ManifestChecks.security(objects)).isEmpty();
        assertThat(ManifestChecks.selectorsMatchPods(objects)).isEmpty();
        assertThat(ManifestChecks.ownNamespaceWithQuota(objects, "meridian-" + region)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("regions")
    void runsOllamaForTheSimpleTierAndAGpuServerForTheComplexOne(String region, @TempDir Path dir) {
        List<HasMetadata> objects = Kustomize.renderWith(region, dir, COMPONENT);

        assertThat(deployment(objects, "meridian-model-cpu").getSpec().getTemplate().getSpec().getContainers()
                .getFirst().getImage()).startsWith("ollama/ollama:");
        PodSpec gpu = deployment(objects, "meridian-model-gpu").getSpec().getTemplate().getSpec();
        assertThat(gpu.getContainers().getFirst().getResources().getLimits())
                .containsEntry("nvidia.com/gpu", new Quantity("1"));
        assertThat(gpu.getNodeSelector()).containsEntry("meridian.io/model-tier", "gpu");
        assertThat(gpu.getTolerations()).anySatisfy(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));

        Map<String, String> env = deployment(objects, "meridian-task-server").getSpec().getTemplate().getSpec()
                .getContainers().getFirst().getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue, (a, b) -> b));
        assertThat(env).containsEntry("MERIDIAN_SERVER_REGION", region)
                .containsEntry("MERIDIAN_MODEL_TIERS_SIMPLE_BACKEND", "ollama")
                .containsEntry("MERIDIAN_MODEL_TIERS_SIMPLE_ENDPOINTS", "http://meridian-model-cpu:11434")
                .containsEntry("MERIDIAN_MODEL_TIERS_COMPLEX_BACKEND", "openai")
                .containsEntry("MERIDIAN_MODEL_TIERS_COMPLEX_ENDPOINTS", "http://meridian-model-gpu:8000/v1")
                .containsEntry("MERIDIAN_MODEL_TIERS_COMPLEX_FALLBACK", "simple");
    }

    @ParameterizedTest
    @MethodSource("regions")
    void onlyTheRegionsTaskServersReachItsModelServers(String region, @TempDir Path dir) {
        NetworkPaths paths = new NetworkPaths(Kustomize.renderWith(region, dir, COMPONENT));
        String namespace = "meridian-" + region;
        Pod taskServer = new Pod(namespace, Map.of("app.kubernetes.io/name", "meridian-task-server"));
        Pod cpu = new Pod(namespace, Map.of("app.kubernetes.io/name", "meridian-model-cpu",
                "app.kubernetes.io/component", "model-server", "app.kubernetes.io/part-of", "meridian"));
        Pod gpu = new Pod(namespace, Map.of("app.kubernetes.io/name", "meridian-model-gpu",
                "app.kubernetes.io/component", "model-server", "app.kubernetes.io/part-of", "meridian"));
        Pod redis = new Pod(namespace, Map.of("app.kubernetes.io/name", "meridian-redis"));

        assertThat(paths.allows(taskServer, cpu, "TCP", 11434)).isTrue();
        assertThat(paths.allows(taskServer, gpu, "TCP", 8000)).isTrue();
        assertThat(paths.allows(redis, gpu, "TCP", 8000)).isFalse();
        assertThat(paths.allows(cpu, gpu, "TCP", 8000)).isFalse();
    }
}
