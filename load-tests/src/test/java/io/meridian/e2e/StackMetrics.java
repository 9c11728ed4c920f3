package io.meridian.e2e;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The local stack's own counts: each region's queues from its task server's {@code GET /v1/queues}
 * (called on the region's port as the gateway calls it, with the gateway's client certificate for
 * the mutual TLS that {@code bin/meridian} sets up), and the gateway's meters from its
 * {@code /actuator/prometheus} (on its management port, with the admin token that
 * {@code bin/meridian} keeps in its state directory).
 *
 * <p>A region's queues give, per queue, the attempts that ended by outcome ({@code completed},
 * {@code retried}, {@code failed}, {@code deadLettered}, {@code cancelled}), those running
 * ({@code inFlight}) and those waiting ({@code depth}, retries included); they are summed over the
 * region's queues. (The task servers' {@code meridian_tasks_total} and queue gauges would say the
 * same, but read NaN on the local stack: their snapshot is never taken.)
 */
final class StackMetrics {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final List<String> ENDED = List.of("completed", "retried", "failed", "deadLettered", "cancelled");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final LocalStack stack;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpClient asGateway;

    StackMetrics(LocalStack stack) throws Exception {
        this.stack = stack;
        this.asGateway = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).sslContext(gatewayTls(stack.home.resolve("tls"))).build();
    }

    /** The gateway's side of the regions' mutual TLS: its key and certificate, and the local CA. */
    private static SSLContext gatewayTls(Path tls) throws Exception {
        char[] password = Files.readString(tls.resolve("password")).strip().toCharArray();
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(pkcs12(tls.resolve("gateway.p12"), password), password);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(pkcs12(tls.resolve("truststore.p12"), password));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    private static KeyStore pkcs12(Path file, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        return store;
    }

    /** One sample of a scrape. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /**
     * What one region's queues have done and hold.
     *
     * @param region    the region's id
     * @param completed tasks that succeeded
     * @param attempts  attempts that ended, whatever their outcome: each one a model call begun
     * @param busy      tasks running or waiting
     */
    record RegionWork(String region, long completed, long attempts, long busy) {

        @Override
        public String toString() {
            return region + ": " + completed + " completed, " + attempts + " attempts ended, " + busy + " busy";
        }
    }

    /** The work of the region whose task server listens on {@code regionPort}. */
    RegionWork region(int regionPort) throws Exception {
        HttpResponse<String> response = asGateway.send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + regionPort + "/v1/queues")).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /v1/queues on port " + regionPort + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        JsonNode view = JSON.readTree(response.body());
        long completed = 0;
        long attempts = 0;
        long busy = 0;
        for (JsonNode queue : view.path("queues")) {
            completed += queue.path("completed").asLong();
            for (String outcome : ENDED) {
                attempts += queue.path(outcome).asLong();
            }
            busy += queue.path("inFlight").asLong() + queue.path("depth").asLong();
        }
        return new RegionWork(view.path("region").asString(), completed, attempts, busy);
    }

    /** The work of every region whose task server listens on one of {@code regionPorts}, by region. */
    Map<String, RegionWork> regions(List<Integer> regionPorts) throws Exception {
        Map<String, RegionWork> work = new LinkedHashMap<>();
        for (int port : regionPorts) {
            RegionWork region = region(port);
            work.put(region.region(), region);
        }
        return work;
    }

    /** The sum of the gateway's samples named {@code name} or {@code name_total}, 0 when it has none. */
    double gatewayCounter(String name) throws Exception {
        double sum = 0;
        for (Sample sample : scrape(stack.gatewayManagementPort)) {
            if (sample.name().equals(name) || sample.name().equals(name + "_total")) {
                sum += sample.value();
            }
        }
        return sum;
    }

    /** The gateway's sample named {@code name} whose {@code label} is {@code value}, NaN when it has none. */
    double gatewayGauge(String name, String label, String value) throws Exception {
        for (Sample sample : scrape(stack.gatewayManagementPort)) {
            if (sample.name().equals(name) && value.equals(sample.labels().get(label))) {
                return sample.value();
            }
        }
        return Double.NaN;
    }

    List<Sample> scrape(int managementPort) throws Exception {
        String token = Files.readString(stack.home.resolve("admin-token")).strip();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /actuator/prometheus on port " + managementPort + " answered "
                    + response.statusCode());
        }
        List<Sample> samples = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.find()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
        }
        return samples;
    }
}
