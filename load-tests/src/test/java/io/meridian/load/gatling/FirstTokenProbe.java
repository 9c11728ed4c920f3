package io.meridian.load.gatling;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Time to first token added by the gateway: the same streamed chat completion, once straight to a
 * region and once through the gateway in front of it, alternately, one at a time, on kept-alive
 * connections. The time is from sending the request to reading the first {@code data:} line that
 * carries a content delta, on a plain socket each. Prints the median, p90 and p99 of each and the differences.
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
        URI direct = null;
        URI gateway = null;
        String forwardedFor = "8.8.8.8";
        int requests = 2000;
        int warmup = 1000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--direct" -> direct = URI.create(args[++i]);
                case "--gateway" -> gateway = URI.create(args[++i]);
                case "--forwarded-for" -> forwardedFor = args[++i];
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (direct == null || gateway == null) {
            throw new IllegalArgumentException("--direct URL and --gateway URL are required");
        }
        try (Connection toRegion = new Connection(direct, forwardedFor);
                Connection throughGateway = new Connection(gateway, forwardedFor)) {
            for (int i = 0; i < warmup; i++) {
                toRegion.firstTokenNanos();
                throughGateway.firstTokenNanos();
            }
            long[] region = new long[requests];
            long[] viaGateway = new long[requests];
            for (int i = 0; i < requests; i++) {
                // Alternate which goes first, so that neither always finds the machine just woken up.
                if (i % 2 == 0) {
                    region[i] = toRegion.firstTokenNanos();
                    viaGateway[i] = throughGateway.firstTokenNanos();
                } else {
                    viaGateway[i] = throughGateway.firstTokenNanos();
                    region[i] = toRegion.firstTokenNanos();
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
    }

    /**
     * One kept-alive HTTP/1.1 connection on a plain socket, so that nothing but the path itself
     * differs between the two measurements (no client library's pooling or buffering in between).
     */
    static final class Connection implements AutoCloseable {

        private final URI base;

        private final byte[] request;

        private Socket socket;

        private InputStream in;

        Connection(URI base, String forwardedFor) throws IOException {
            this.base = base;
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            this.request = ("POST /v1/chat/completions HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nX-Forwarded-For: "
                    + forwardedFor + "\r\nContent-Length: " + body.length + "\r\n\r\n" + BODY)
                    .getBytes(StandardCharsets.UTF_8);
            open();
        }

        private void open() throws IOException {
            socket = new Socket(base.getHost(), base.getPort());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            in = new BufferedInputStream(socket.getInputStream());
        }

        /** Nanoseconds from sending to the first content delta; the rest of the stream is read and dropped. */
        long firstTokenNanos() throws IOException {
            long start = System.nanoTime();
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            String status = line();
            if (!status.startsWith("HTTP/1.1 200")) {
                throw new IllegalStateException(base + " answered " + status);
            }
            boolean chunked = false;
            boolean close = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(java.util.Locale.ROOT);
                chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
                close |= lower.startsWith("connection:") && lower.contains("close");
            }
            if (!chunked) {
                throw new IllegalStateException(base + " did not stream its answer (no chunked encoding)");
            }
            long first = -1;
            StringBuilder text = new StringBuilder();
            for (int size = Integer.parseInt(line().strip(), 16); size > 0; size = Integer.parseInt(line().strip(), 16)) {
                byte[] chunk = in.readNBytes(size);
                if (first < 0) {
                    text.append(new String(chunk, StandardCharsets.UTF_8));
                    if (text.indexOf("\"content\"") >= 0) {
                        first = System.nanoTime() - start;
                    }
                }
                line(); // the CRLF after the chunk
            }
            line(); // the empty trailer
            if (first < 0) {
                throw new IllegalStateException(base + " streamed no content delta: " + text);
            }
            if (close) {
                socket.close();
                open();
            }
            return first;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException(base + " closed the connection");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
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
