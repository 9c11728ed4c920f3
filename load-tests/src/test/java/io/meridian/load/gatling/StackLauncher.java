package io.meridian.load.gatling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bin/meridian} commands against the stack under test, from a simulation.
 *
 * <p>The launcher finds the stack through its environment ({@code MERIDIAN_HOME}, ports), which
 * the simulation's JVM inherits from the shell that started it: run the simulation from the shell
 * (and environment) that ran {@code bin/meridian up}. {@code -Dmeridian.launcher} names another
 * launcher; by default it is {@code bin/meridian} in the nearest directory above the working
 * directory that has one.
 */
final class StackLauncher {

    private final Path launcher;

    private StackLauncher(Path launcher) {
        this.launcher = launcher;
    }

    static StackLauncher find() {
        String configured = System.getProperty("meridian.launcher");
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured).toAbsolutePath();
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException("-Dmeridian.launcher is not an executable file: " + path);
            }
            return new StackLauncher(path);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("bin/meridian");
            if (Files.isExecutable(candidate)) {
                return new StackLauncher(candidate);
            }
        }
        throw new IllegalStateException("cannot find bin/meridian above " + Path.of("").toAbsolutePath()
                + "; set -Dmeridian.launcher");
    }

    /**
     * Runs {@code bin/meridian args...} to its end, its output going to this process's output.
     *
     * @throws IllegalStateException when it fails or takes longer than three minutes
     */
    void run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        String described = "bin/meridian " + String.join(" ", args);
        try {
            Process process = new ProcessBuilder(command).directory(launcher.getParent().getParent().toFile())
                    .inheritIO().start();
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(described + " did not finish within 3 minutes");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(described + " failed with exit code " + process.exitValue());
            }
        } catch (IOException ex) {
            throw new IllegalStateException(described + " could not start: " + ex.getMessage(), ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(described + " was interrupted", ex);
        }
    }
}
