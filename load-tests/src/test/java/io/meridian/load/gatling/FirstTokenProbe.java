package io.meridian.load.gatling;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Time to first token added by the gateway: the same streamed chat completion, once straight to a
 * region and once through the gateway in front of it, alternately, one at a time, on kept-alive
 * connections. The time is from sending the request to reading the first {@code data:} line that
 * carries a content delta. Prints the median, p90 and p99 of each and the differences.
 *
 * <pre>
 * java -cp … io.meridian.load.gatling.FirstTokenProbe --direct http://127.0.0.1:20001 \
 *     --gateway http://127.0.0.1:20010 --forwarded-for 8.8.8.8 --requests 2000 --warmup 1000
 * </pre>
 *
 * <p>{@code --forwarded-for} must be a client the gateway serves from the region behind {@code
 * --direct}, or the two paths reach different upstreams.
 */
public final class FirstTokenProbe {

    private static final String BODY = """
            {"messages":[{"role":"user","content":"Say one word."}],"stream":true,"max_tokens":1}""";

    public static void main(String[] args) throws Exception {
        String direct = null;
        String gateway = null;
        String forwardedFor = "8.8.8.8";
        int requests = 2000;
        int warmup = 1000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--direct" -> direct = args[++i];
                case "--gateway" -> gateway = args[++i];
                case "--forwarded-for" -> forwardedFor = args[++i];
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (direct == null || gateway == null) {
            throw new IllegalArgumentException("--direct URL and --gateway URL are required");
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest toRegion = request(direct, forwardedFor);
        HttpRequest throughGateway = request(gateway, forwardedFor);
        for (int i = 0; i < warmup; i++) {
            firstTokenNanos(client, toRegion);
            firstTokenNanos(client, throughGateway);
        }
        long[] region = new long[requests];
        long[] viaGateway = new long[requests];
        for (int i = 0; i < requests; i++) {
            // Alternate which goes first, so that neither always finds the machine just woken up.
            if (i % 2 == 0) {
                region[i] = firstTokenNanos(client, toRegion);
                viaGateway[i] = firstTokenNanos(client, throughGateway);
            } else {
                viaGateway[i] = firstTokenNanos(client, throughGateway);
                region[i] = firstTokenNanos(client, toRegion);
            }
        }
        Arrays.sort(region);
        Arrays.sort(viaGateway);
        System.out.printf("first token, %d streams each (after %d warm-up each), ms:%n", requests, warmup);
        System.out.printf("%-16s %8s %8s %8s%n", "", "median", "p90", "p99");
        row("region directly", region);
        row("through gateway", viaGateway);
        System.out.printf("%-16s %8.3f %8.3f %8.3f%n", "added by gateway",
                ms(percentile(viaGateway, 50) - percentile(region, 50)),
                ms(percentile(viaGateway, 90) - percentile(region, 90)),
                ms(percentile(viaGateway, 99) - percentile(region, 99)));
        System.out.printf("RESULT %.3f %.3f %.3f %.3f%n", ms(percentile(region, 50)), ms(percentile(region, 99)),
                ms(percentile(viaGateway, 50)), ms(percentile(viaGateway, 99)));
    }

    private static HttpRequest request(String base, String forwardedFor) {
        return HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .header("X-Forwarded-For", forwardedFor)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
    }

    /** Nanoseconds from sending to the first content delta; the rest of the stream is read and dropped. */
    static long firstTokenNanos(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
        }
        long first = -1;
        List<String> seen = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (first < 0 && line.startsWith("data:") && line.contains("\"content\"")) {
                    first = System.nanoTime() - start;
                }
                if (seen.size() < 5) {
                    seen.add(line);
                }
            }
        }
        if (first < 0) {
            throw new IllegalStateException(request.uri() + " streamed no content delta; it began " + seen);
        }
        return first;
    }

    private static void row(String name, long[] sorted) {
        System.out.printf("%-16s %8.3f %8.3f %8.3f%n", name, ms(percentile(sorted, 50)), ms(percentile(sorted, 90)),
                ms(percentile(sorted, 99)));
    }

    static long percentile(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private FirstTokenProbe() {
    }
}
