package io.meridian.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether the NetworkPolicies of a rendered deployment let one pod open a connection to
 * another, with Kubernetes' semantics: a pod selected by no policy of a direction is open in that
 * direction; once selected, a connection needs one rule that admits the peer and the port, on the
 * sender's egress and on the receiver's ingress.
 *
 * <p>Only what Meridian's manifests use is modelled: {@code matchLabels} selectors (a
 * {@code matchExpressions} selector is rejected rather than guessed), numeric ports, and pod and
 * namespace peers. Namespaces carry their {@code kubernetes.io/metadata.name} label as the API
 * server adds it.
 */
final class NetworkPaths {

    /** A pod, as a policy sees it: its namespace, its labels and its namespace's labels. */
    record Pod(String namespace, Map<String, String> labels) {
    }

    private final List<NetworkPolicy> policies;

    private final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();

    NetworkPaths(List<HasMetadata> objects) {
        this.policies = objects.stream().filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast).toList();
        objects.stream().filter(Namespace.class::isInstance).map(Namespace.class::cast).forEach(n -> {
            Map<String, String> labels = new HashMap<>(n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels());
            labels.put("kubernetes.io/metadata.name", n.getMetadata().getName());
            namespaceLabels.put(n.getMetadata().getName(), labels);
        });
    }

    /** Whether {@code from} may open a connection to {@code to} on {@code protocol}/{@code port}. */
    boolean allows(Pod from, Pod to, String protocol, int port) {
        return admitted(from, to, "Egress", protocol, port) && admitted(to, from, "Ingress", protocol, port);
    }

    private boolean admitted(Pod subject, Pod peer, String direction, String protocol, int port) {
        List<NetworkPolicy> selecting = policies.stream()
                .filter(p -> p.getMetadata().getNamespace().equals(subject.namespace()))
                .filter(p -> types(p).contains(direction))
                .filter(p -> matches(p.getSpec().getPodSelector(), subject.labels()))
                .toList();
        if (selecting.isEmpty()) {
            return true;
        }
        for (NetworkPolicy p : selecting) {
            if (direction.equals("Ingress") && p.getSpec().getIngress() != null) {
                for (var rule : p.getSpec().getIngress()) {
                    if (peers(rule.getFrom(), p, peer) && ports(rule.getPorts(), protocol, port)) {
                        return true;
                    }
                }
            }
            if (direction.equals("Egress") && p.getSpec().getEgress() != null) {
                for (var rule : p.getSpec().getEgress()) {
                    if (peers(rule.getTo(), p, peer) && ports(rule.getPorts(), protocol, port)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static List<String> types(NetworkPolicy p) {
        if (p.getSpec().getPolicyTypes() != null && !p.getSpec().getPolicyTypes().isEmpty()) {
            return p.getSpec().getPolicyTypes();
        }
        return p.getSpec().getEgress() != null && !p.getSpec().getEgress().isEmpty()
                ? List.of("Ingress", "Egress") : List.of("Ingress");
    }

    private boolean peers(List<NetworkPolicyPeer> peers, NetworkPolicy policy, Pod peer) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPeer p : peers) {
            if (p.getIpBlock() != null) {
                continue;
            }
            boolean namespaceOk = p.getNamespaceSelector() == null
                    ? peer.namespace().equals(policy.getMetadata().getNamespace())
                    : matches(p.getNamespaceSelector(), namespaceLabels.getOrDefault(peer.namespace(),
                            Map.of("kubernetes.io/metadata.name", peer.namespace())));
            boolean podOk = p.getPodSelector() == null || matches(p.getPodSelector(), peer.labels());
            if (namespaceOk && podOk) {
                return true;
            }
        }
        return false;
    }

    private static boolean ports(List<NetworkPolicyPort> ports, String protocol, int port) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        return ports.stream().anyMatch(p -> (p.getProtocol() == null ? "TCP" : p.getProtocol()).equals(protocol)
                && (p.getPort() == null || (p.getPort().getIntVal() != null && p.getPort().getIntVal() == port)));
    }

    private static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
            throw new IllegalArgumentException("matchExpressions are not evaluated here; use matchLabels: " + selector);
        }
        return selector.getMatchLabels() == null || labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
    }
}
