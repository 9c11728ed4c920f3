package io.meridian.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code yamllint -s} (with the repository's .yamllint) passes over k8s/ and ops/. */
class YamllintTests {

    @Test
    void manifestsAndOperationsFilesPassYamllintStrict() throws Exception {
        Path root = Kustomize.repositoryRoot();
        List<String> command = new ArrayList<>(List.of("yamllint", "-s", "-c", root.resolve(".yamllint").toString(),
                "k8s"));
        if (Files.isDirectory(root.resolve("ops"))) {
            command.add("ops");
        }
        Process process;
        try {
            process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
        }
        catch (IOException ex) {
            throw new AssertionError("yamllint is not installed: install it with 'apt-get install -y yamllint' "
                    + "(.ci/run does so)", ex);
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("yamllint output:%n%s", output).isZero();
    }
}
