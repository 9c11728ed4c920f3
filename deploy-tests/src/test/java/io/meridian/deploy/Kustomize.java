package io.meridian.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Renders a Kustomize overlay with {@code kubectl kustomize}, as an operator would before applying
 * it, and parses every object with the fabric8 model. Custom resources (KEDA's ScaledObject,
 * cert-manager's Certificate and Issuer) come back as {@code GenericKubernetesResource}.
 *
 * <p>Renders are cached per overlay: each takes a JVM-external process and the tests read the same
 * ones many times.
 */
final class Kustomize {

    /** The overlays a deployment consists of, under {@code k8s/overlays/}. */
    static final List<String> REGION_OVERLAYS = List.of("us-east", "eu-central", "ap-southeast");

    static final String GATEWAY_OVERLAY = "gateway";

    private static final Map<String, List<HasMetadata>> RENDERS = new ConcurrentHashMap<>();

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Kustomize() {
    }

    /** The repository root: the parent of this module, where {@code k8s/} lives. */
    static Path repositoryRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("k8s/overlays"))) {
                return p;
            }
        }
        throw new IllegalStateException("no k8s/overlays above " + dir);
    }

    static List<String> allOverlays() {
        return java.util.stream.Stream.concat(REGION_OVERLAYS.stream(), java.util.stream.Stream.of(GATEWAY_OVERLAY))
                .toList();
    }

    /** The objects of {@code k8s/overlays/<overlay>}, rendered once. */
    static List<HasMetadata> render(String overlay) {
        return RENDERS.computeIfAbsent(overlay, o -> parse(kubectlKustomize(repositoryRoot().resolve("k8s/overlays").resolve(o))));
    }

    /**
     * The objects of a region overlay with components added, as an operator who lists them in the
     * overlay's {@code components} gets them. The overlay is rendered from a kustomization written
     * under {@code dir}, which names the overlay and the components by relative paths (Kustomize
     * refuses absolute ones) and puts what they add in the region's namespace, as the overlay would.
     *
     * @param overlay    the overlay under {@code k8s/overlays/}
     * @param dir        an empty directory to write the kustomization in
     * @param components the components under {@code k8s/components/}
     * @return the objects
     */
    static List<HasMetadata> renderWith(String overlay, Path dir, String... components) {
        Path k8s = repositoryRoot().resolve("k8s");
        StringBuilder kustomization = new StringBuilder("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n")
                .append("namespace: meridian-").append(overlay).append("\n")
                .append("resources:\n  - ").append(relative(dir, k8s.resolve("overlays").resolve(overlay))).append("\n")
                .append("components:\n");
        for (String component : components) {
            kustomization.append("  - ").append(relative(dir, k8s.resolve("components").resolve(component))).append("\n");
        }
        try {
            Files.writeString(dir.resolve("kustomization.yaml"), kustomization);
        }
        catch (IOException ex) {
            throw new IllegalStateException("writing a kustomization in " + dir, ex);
        }
        return parse(kubectlKustomize(dir));
    }

    private static String relative(Path from, Path to) {
        return from.toAbsolutePath().normalize().relativize(to.toAbsolutePath().normalize()).toString();
    }

    /** Parses a multi-document YAML stream of Kubernetes objects. */
    static List<HasMetadata> parse(String yaml) {
        Object parsed = SERIALIZATION.unmarshal(yaml);
        if (parsed instanceof List<?> list) {
            return list.stream().map(HasMetadata.class::cast).toList();
        }
        return List.of((HasMetadata) parsed);
    }

    private static String kubectlKustomize(Path dir) {
        Process process;
        try {
            process = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(false).start();
        }
        catch (IOException ex) {
            throw new IllegalStateException("kubectl is not installed: the Kubernetes manifests cannot be rendered. "
                    + "Install it with 'apt-get install -y kubernetes-client' (.ci/run does so).", ex);
        }
        try {
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + dir + " failed: "
                        + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        }
        catch (IOException ex) {
            throw new IllegalStateException("reading kubectl kustomize " + dir, ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted rendering " + dir, ex);
        }
        finally {
            process.destroy();
        }
    }
}
