package io.meridian.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The local stack, started and stopped with {@code bin/meridian} exactly as a user does, on free
 * ports and in its own state directory so it never collides with a stack the developer already
 * runs: the bundled three regions, or eu-central alone ({@link #startOneRegion}), which keeps a
 * test's stack small when the regions are not what it tests.
 *
 * <p>The ports are any free ones, or free ones of a range when {@value #PORTS_VARIABLE} names one
 * (e.g. {@code 19100-19199}), for a machine whose users share out port ranges; the stack's
 * redis-server then takes one of them too.
 */
final class LocalStack implements AutoCloseable {

    /** The environment variable that confines the tests' ports to a range, e.g. {@code 19100-19199}. */
    static final String PORTS_VARIABLE = "MERIDIAN_TEST_PORTS";

    final Path root;
    final Path home;
    final int gatewayPort;
    final int gatewayHttpsPort;
    final List<Integer> regionPorts;
    final List<Integer> managementPorts;
    final int gatewayManagementPort;
    /** model-cpu's and model-gpu's ports, for a stack with model servers (MERIDIAN_MODEL_SERVERS=on). */
    final List<Integer> modelServerPorts;
    /** The port of the stack's own redis-server when {@value #PORTS_VARIABLE} confines the ports. */
    private final int redisPort;
    private final Map<String, String> extraEnvironment;

    /** Ports of the range already handed out by this JVM, never handed out again. */
    private static final java.util.Set<Integer> HANDED_OUT = new java.util.HashSet<>();

    private LocalStack(Path root, Path home, int regions, Map<String, String> extraEnvironment) throws IOException {
        List<Integer> ports = freePorts(6 + 2 * regions);
        this.root = root;
        this.home = home;
        this.gatewayPort = ports.get(0);
        this.gatewayHttpsPort = ports.get(1);
        this.gatewayManagementPort = ports.get(2);
        this.modelServerPorts = ports.subList(3, 5);
        this.redisPort = ports.get(5);
        this.regionPorts = ports.subList(6, 6 + regions);
        this.managementPorts = ports.subList(6 + regions, 6 + 2 * regions);
        this.extraEnvironment = extraEnvironment;
    }

    static LocalStack start() throws Exception {
        return start(Map.of());
    }

    /** Starts the stack with more environment for bin/meridian, e.g. MERIDIAN_GATEWAY_ARGS. */
    static LocalStack start(Map<String, String> extraEnvironment) throws Exception {
        return started(new LocalStack(repositoryRoot(), Files.createTempDirectory("meridian-e2e"), 3,
                extraEnvironment));
    }

    /**
     * Starts a stack of one region, eu-central (so every client's region), from a regions file of
     * its own (MERIDIAN_REGIONS_FILE), with more environment for bin/meridian.
     */
    static LocalStack startOneRegion(Map<String, String> extraEnvironment) throws Exception {
        Path home = Files.createTempDirectory("meridian-e2e");
        Path regions = home.resolve("one-region.yml");
        Files.writeString(regions, """
                zones: [eu]
                default-region: eu-central
                regions:
                  - id: eu-central
                    name: EU Central (Frankfurt)
                    latitude: 50.1109
                    longitude: 8.6821
                    endpoints: [http://127.0.0.1:9002]
                    zone: eu
                """);
        Map<String, String> environment = new HashMap<>(extraEnvironment);
        environment.put("MERIDIAN_REGIONS_FILE", regions.toString());
        return started(new LocalStack(repositoryRoot(), home, 1, environment));
    }

    private static LocalStack started(LocalStack stack) throws Exception {
        Process up = stack.launcher("up", "--detach").inheritIO().start();
        if (!up.waitFor(6, TimeUnit.MINUTES)) {
            up.destroyForcibly();
            stack.close();
            throw new IllegalStateException("bin/meridian up did not finish within 6 minutes");
        }
        if (up.exitValue() != 0) {
            stack.dumpLogs();
            stack.close();
            throw new IllegalStateException("bin/meridian up failed with exit code " + up.exitValue());
        }
        return stack;
    }

    /** A stack on free ports in a state directory of its own, with nothing started yet. */
    static LocalStack unstarted(Map<String, String> extraEnvironment) throws IOException {
        return new LocalStack(repositoryRoot(), Files.createTempDirectory("meridian-e2e"), 3, extraEnvironment);
    }

    ProcessBuilder launcher(String... args) {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("bin/meridian").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
        Map<String, String> env = builder.environment();
        env.put("MERIDIAN_HOME", home.toString());
        env.put("MERIDIAN_GATEWAY_PORT", Integer.toString(gatewayPort));
        env.put("MERIDIAN_REGION_PORTS", spaced(regionPorts));
        env.put("MERIDIAN_GATEWAY_HTTPS_PORT", Integer.toString(gatewayHttpsPort));
        env.put("MERIDIAN_GATEWAY_MANAGEMENT_PORT", Integer.toString(gatewayManagementPort));
        env.put("MERIDIAN_REGION_MANAGEMENT_PORTS", spaced(managementPorts));
        env.put("MERIDIAN_MODEL_SERVER_PORTS", spaced(modelServerPorts));
        if (System.getenv(PORTS_VARIABLE) != null) {
            env.put("MERIDIAN_REDIS_PORT", Integer.toString(redisPort));
        }
        env.putAll(extraEnvironment);
        env.put("MERIDIAN_MODEL_BACKEND", "simulated");
        env.put("MERIDIAN_SIMULATED_LATENCY", "5ms");
        // Four JVMs starting at once take minutes on a busy machine; up itself is bounded by start().
        env.putIfAbsent("MERIDIAN_READY_TIMEOUT", "300");
        return builder;
    }

    private static String spaced(List<Integer> ports) {
        return String.join(" ", ports.stream().map(String::valueOf).toList());
    }

    String run(String... args) throws Exception {
        Process process = launcher(args).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("bin/meridian " + String.join(" ", args) + " did not finish");
        }
        return output;
    }

    List<Long> pids() throws IOException {
        List<Long> pids = new ArrayList<>();
        Path dir = home.resolve("pids");
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    pids.add(Long.parseLong(Files.readString(file).strip()));
                }
            }
        }
        return pids;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + gatewayPort;
    }

    /** The log of a service of the stack: {@code gateway}, a region's id or a model server's name. */
    Path log(String service) {
        return home.resolve("logs").resolve(service + ".log");
    }

    void dumpLogs() throws IOException {
        Path logs = home.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return;
        }
        try (var files = Files.list(logs)) {
            for (Path log : files.toList()) {
                List<String> lines = Files.readAllLines(log);
                System.err.println("==== " + log + " (last 40 lines)");
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.err::println);
            }
        }
    }

    @Override
    public void close() throws Exception {
        run("down");
    }

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isExecutable(dir.resolve("bin/meridian"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find bin/meridian above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /**
     * Ports free right now: any, or those of the range {@value #PORTS_VARIABLE} names; each is held
     * until all are found, so none is handed out twice.
     */
    static synchronized List<Integer> freePorts(int count) throws IOException {
        String range = System.getenv(PORTS_VARIABLE);
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            if (range == null || range.isBlank()) {
                for (int i = 0; i < count; i++) {
                    ServerSocket socket = new ServerSocket(0);
                    sockets.add(socket);
                    ports.add(socket.getLocalPort());
                }
                return ports;
            }
            String[] bounds = range.strip().split("-");
            if (bounds.length != 2 || !bounds[0].matches("[0-9]{1,5}") || !bounds[1].matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException(PORTS_VARIABLE + " must be a range such as 19100-19199, but was '"
                        + range + "'");
            }
            int last = Integer.parseInt(bounds[1]);
            for (int port = Integer.parseInt(bounds[0]); port <= last && ports.size() < count; port++) {
                if (HANDED_OUT.contains(port)) {
                    continue; // free still, perhaps, but a process this JVM started may be about to bind it
                }
                try {
                    ServerSocket socket = new ServerSocket(port);
                    sockets.add(socket);
                    ports.add(port);
                } catch (IOException taken) {
                    // in use by another program: try the next one
                }
            }
            if (ports.size() < count && !HANDED_OUT.isEmpty()) {
                // The range is used up by earlier tests, whose processes have stopped: start it over.
                HANDED_OUT.clear();
                for (ServerSocket socket : sockets) {
                    socket.close();
                }
                sockets.clear();
                return freePorts(count);
            }
            HANDED_OUT.addAll(ports);
            if (ports.size() < count) {
                throw new IllegalStateException(PORTS_VARIABLE + " " + range + " has " + ports.size()
                        + " free ports, but " + count + " are needed");
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    static Duration timeout() {
        return Duration.ofSeconds(30);
    }
}
