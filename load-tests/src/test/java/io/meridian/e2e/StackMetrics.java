package io.meridian.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local stack's own counts, scraped from the gateway's and the task servers'
 * {@code /actuator/prometheus} (on their management ports, with the admin token that
 * {@code bin/meridian} keeps in its state directory).
 *
 * <p>A task server's work is read from its queue meters: {@code meridian_tasks_total} by
 * {@code outcome} (every attempt that ended: completed, retried, failed, dead_lettered, cancelled)
 * and the gauges {@code meridian_queue_in_flight} (running) and {@code meridian_queue_depth}
 * (waiting, retries included), summed over the region's queues.
 */
final class StackMetrics {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final List<String> ENDED = List.of("completed", "retried", "failed", "dead_lettered", "cancelled");

    private final LocalStack stack;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    StackMetrics(LocalStack stack) {
        this.stack = stack;
    }

    /** One sample of a scrape. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /**
     * What one region's queues have done and hold.
     *
     * @param region    the region's id, from the meters' {@code region} tag
     * @param completed tasks that succeeded
     * @param attempts  attempts that ended, whatever their outcome: each one a model call begun
     * @param busy      tasks running or waiting
     */
    record RegionWork(String region, long completed, long attempts, long busy) {

        RegionWork minus(RegionWork before) {
            return new RegionWork(region, completed - before.completed, attempts - before.attempts, busy);
        }

        @Override
        public String toString() {
            return region + ": " + completed + " completed, " + attempts + " attempts ended, " + busy + " busy";
        }
    }

    /** The work of the region whose task server's actuator listens on {@code managementPort}. */
    RegionWork region(int managementPort) throws Exception {
        List<Sample> samples = scrape(managementPort);
        String region = null;
        long completed = 0;
        long attempts = 0;
        long busy = 0;
        for (Sample sample : samples) {
            switch (sample.name()) {
                case "meridian_tasks_total" -> {
                    String outcome = sample.labels().getOrDefault("outcome", "");
                    region = sample.labels().get("region");
                    if (ENDED.contains(outcome)) {
                        attempts += whole(sample);
                    }
                    if (outcome.equals("completed")) {
                        completed += whole(sample);
                    }
                }
                case "meridian_queue_in_flight", "meridian_queue_depth" -> busy += whole(sample);
                default -> {
                }
            }
        }
        if (region == null) {
            throw new IllegalStateException("no meridian_tasks_total on port " + managementPort);
        }
        return new RegionWork(region, completed, attempts, busy);
    }

    /** The work of every region whose actuator listens on one of {@code managementPorts}, by region. */
    Map<String, RegionWork> regions(List<Integer> managementPorts) throws Exception {
        Map<String, RegionWork> work = new LinkedHashMap<>();
        for (int port : managementPorts) {
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

    /** A count; NaN (the queue store unreadable for a moment) fails the read, so that a wait polls again. */
    private static long whole(Sample sample) {
        if (Double.isNaN(sample.value())) {
            throw new IllegalStateException(sample.name() + " " + sample.labels() + " is NaN: its queue was unreadable");
        }
        return Math.round(sample.value());
    }
}
