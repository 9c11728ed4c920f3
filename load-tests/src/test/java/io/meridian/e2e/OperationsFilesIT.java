package io.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard and the Prometheus alert rules under {@code ops/} against what a running
 * stack really exposes: every metric they name, and every label value they filter on, must appear
 * in the gateway's and the task servers' {@code /actuator/prometheus} after some traffic. The rules
 * also pass {@code promtool check rules} when Prometheus's tools are installed.
 */
class OperationsFilesIT {

    static final Pattern METRIC = Pattern.compile("\\b(meridian_[a-z0-9_]+)");
    static final Pattern LABEL_MATCH = Pattern.compile("\\b([a-z_]+)=\"([A-Za-z0-9_]+)\"");

    static LocalStack stack;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    /** A scrape with the admin token, which actuator asks for beyond health. */
    static String get(String url) throws Exception {
        String token = Files.readString(stack.home.resolve("admin-token")).strip();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
        return response.body();
    }

    static void post(String path, String body) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + path)).header("Content-Type", "application/json")
                .header("X-Forwarded-For", "80.133.1.1").POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What the operations files name: expressions from the dashboard's targets and the rules' expr. */
    static List<String> expressions() throws Exception {
        Path root = stack.root;
        List<String> expressions = new ArrayList<>();
        JsonNode dashboard = JsonMapper.builder().build().readTree(root.resolve("ops/grafana/meridian-dashboard.json").toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(target.path("expr").asString());
            }
        }
        expressions.add(dashboard.path("templating").path("list").get(1).path("query").asString());
        String rules = Files.readString(root.resolve("ops/prometheus/meridian-alerts.yml"));
        Matcher expr = Pattern.compile("expr: >-\\n((?:\\s{10,}.*\\n)+)|expr: (.+)\\n").matcher(rules);
        while (expr.find()) {
            expressions.add(expr.group(1) != null ? expr.group(1) : expr.group(2));
        }
        return expressions;
    }

    @Test
    void everyMetricAndLabelValueTheDashboardAndAlertsUseIsExposed() throws Exception {
        // Traffic: answers (a stream too), and a task that fails every attempt (a model the
        // simulated backend refuses is not needed: any finished task moves the counters).
        for (int i = 0; i < 5; i++) {
            post("/process", "{\"query\":\"Hello CPU\"}");
        }
        post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}");

        StringBuilder exposed = new StringBuilder(get("http://127.0.0.1:" + stack.gatewayManagementPort + "/actuator/prometheus"));
        for (int port : stack.managementPorts) {
            exposed.append(get("http://127.0.0.1:" + port + "/actuator/prometheus"));
        }
        Set<String> names = new TreeSet<>();
        for (String line : exposed.toString().split("\n")) {
            if (line.startsWith("meridian_")) {
                names.add(line.replaceAll("[{ ].*", ""));
            }
        }

        List<String> expressions = expressions();
        assertThat(expressions).hasSizeGreaterThan(20);
        Set<String> used = new TreeSet<>();
        Set<String> labelValues = new TreeSet<>();
        for (String expression : expressions) {
            Matcher metric = METRIC.matcher(expression);
            while (metric.find()) {
                used.add(metric.group(1));
            }
            Matcher label = LABEL_MATCH.matcher(expression);
            while (label.find()) {
                labelValues.add(label.group(1) + "=\"" + label.group(2) + "\"");
            }
        }
        System.out.println("operations files use " + used.size() + " metrics: " + used + "; label values " + labelValues);
        assertThat(names).as("metrics exposed by the gateway and the task servers").containsAll(used);
        // 5xx and dead letters need failures to appear; their label names must exist all the same.
        for (String value : labelValues) {
            String labelName = value.substring(0, value.indexOf('='));
            assertThat(exposed.toString()).as("label %s is exposed", labelName).contains(labelName + "=\"");
        }
        assertThat(exposed.toString()).contains("bound=\"current\"", "bound=\"max\"", "outcome=\"dead_lettered\"",
                "direction=\"in\"", "direction=\"out\"");
    }

    @Test
    void theAlertRulesPassPromtoolWhenItIsInstalled() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(promtool),
                "promtool is not installed (Debian package prometheus; .ci/run installs it): rules not checked by it");
        Process check = new ProcessBuilder(promtool.toString(), "check", "rules",
                stack.root.resolve("ops/prometheus/meridian-alerts.yml").toString()).redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes());
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
        assertThat(output).contains("SUCCESS");
    }
}
