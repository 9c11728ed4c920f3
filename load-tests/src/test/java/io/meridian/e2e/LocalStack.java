package io.meridian.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The local three-region stack, started and stopped with {@code bin/meridian} exactly as a user
 * does, on free ports and in its own state directory so it never collides with a stack the
 * developer already runs.
 */
final class LocalStack implements AutoCloseable {

    final Path root;
    final Path home;
    final int gatewayPort;
    final int gatewayHttpsPort;
    final List<Integer> regionPorts;
    final List<Integer> managementPorts;
    final int gatewayManagementPort;
    private final Map<String, String> extraEnvironment;

    private LocalStack(Path root, Path home, List<Integer> ports, Map<String, String> extraEnvironment) {
        this.root = root;
        this.home = home;
        this.gatewayPort = ports.get(0);
        this.gatewayHttpsPort = ports.get(1);
        this.regionPorts = ports.subList(2, 5);
        this.managementPorts = ports.subList(5, 8);
        this.gatewayManagementPort = ports.get(8);
        this.extraEnvironment = extraEnvironment;
    }

    static LocalStack start() throws Exception {
        return start(Map.of());
    }

    /** Starts the stack with more environment for bin/meridian, e.g. MERIDIAN_GATEWAY_ARGS. */
    static LocalStack start(Map<String, String> extraEnvironment) throws Exception {
        Path root = repositoryRoot();
        Path home = Files.createTempDirectory("meridian-e2e");
        LocalStack stack = new LocalStack(root, home, freePorts(9), extraEnvironment);
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
        return new LocalStack(repositoryRoot(), Files.createTempDirectory("meridian-e2e"), freePorts(9),
                extraEnvironment);
    }

    ProcessBuilder launcher(String... args) {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("bin/meridian").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
        Map<String, String> env = builder.environment();
        env.put("MERIDIAN_HOME", home.toString());
        env.put("MERIDIAN_GATEWAY_PORT", Integer.toString(gatewayPort));
        env.put("MERIDIAN_REGION_PORTS", regionPorts.get(0) + " " + regionPorts.get(1) + " " + regionPorts.get(2));
        env.put("MERIDIAN_GATEWAY_HTTPS_PORT", Integer.toString(gatewayHttpsPort));
        env.put("MERIDIAN_GATEWAY_MANAGEMENT_PORT", Integer.toString(gatewayManagementPort));
        env.put("MERIDIAN_REGION_MANAGEMENT_PORTS",
                managementPorts.get(0) + " " + managementPorts.get(1) + " " + managementPorts.get(2));
        env.putAll(extraEnvironment);
        env.put("MERIDIAN_MODEL_BACKEND", "simulated");
        env.put("MERIDIAN_SIMULATED_LATENCY", "5ms");
        // Four JVMs starting at once take minutes on a busy machine; up itself is bounded by start().
        env.putIfAbsent("MERIDIAN_READY_TIMEOUT", "300");
        return builder;
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

    /** The log of a service of the stack: {@code gateway} or a region's id. */
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

    static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                ports.add(socket.getLocalPort());
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
