package io.meridian.taskserver.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.taskserver.TaskServerApplication;
import io.meridian.taskserver.testsupport.TestRegion;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Start-up with {@code meridian.queues.backend=redis} and a Redis that is missing or unreachable. */
@ExtendWith(OutputCaptureExtension.class)
class RedisBackendStartupTests {

    private static void start(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "--server.port=0";
        all[1] = "--spring.main.banner-mode=off";
        all[2] = TestRegion.PROPERTY_ARG;
        all[3] = "--meridian.queues.backend=redis";
        System.arraycopy(args, 0, all, 4, args.length);
        new SpringApplicationBuilder(TaskServerApplication.class).run(all).close();
    }

    @Test
    void refusesToStartWithoutARedisUrlNamingTheProperty(CapturedOutput output) {
        assertThatThrownBy(() -> start()).isNotNull();

        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Property: meridian.redis.url")
                .contains("must be set when meridian.queues.backend=redis")
                .doesNotContain("\tat ");
    }

    @Test
    void refusesToStartWithAnUnreachableRedisNamingItWithoutItsPassword() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        int port = closedPort;

        assertThatThrownBy(() -> start("--meridian.redis.url=redis://:secret@127.0.0.1:" + port))
                .hasStackTraceContaining("meridian.redis.url names Redis at 127.0.0.1:" + port)
                .satisfies(failure -> assertThat(stackTrace(failure)).doesNotContain("secret"));
    }

    private static String stackTrace(Throwable failure) {
        StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
