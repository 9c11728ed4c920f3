package io.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/meridian start gateway} on free ports, in a state directory of its own: the gateway
 * starts alone, a setting of the user's replaces the launcher's own instead of being joined to it,
 * and a gateway that cannot start is reported with its one-line reason and its log, and stopped.
 */
class LauncherIT {

    private LocalStack stack;

    @AfterEach
    void stopWhatRuns() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theGatewayStartsAloneWithAUserSettingThatTheLauncherAlsoPasses() throws Exception {
        // The launcher passes --meridian.locate.enabled=true too: joined, it would read 'true,true'.
        stack = LocalStack.unstarted(Map.of("MERIDIAN_GATEWAY_ARGS", "--meridian.locate.enabled=true"));

        String output = stack.run("start", "gateway");

        assertThat(output).contains("gateway ready on :" + stack.gatewayPort);
        assertThat(stack.run("status")).containsPattern("gateway +" + stack.gatewayPort + " +[0-9]+ +running");
    }

    @Test
    void aGatewayThatCannotStartIsReportedOnOneLineWithItsLogAndStopped() throws Exception {
        stack = LocalStack.unstarted(Map.of("MERIDIAN_GATEWAY_ARGS", "--meridian.locate.enabled=maybe"));

        String output = stack.run("start", "gateway");

        assertThat(output).containsPattern("meridian: gateway stopped during start-up: Failed to bind properties under "
                        + "'meridian.locate.enabled' to boolean: .*Invalid boolean value 'maybe'.*\n")
                .contains("meridian: its log is " + stack.log("gateway"))
                .doesNotContain("{\"@timestamp\"");
        assertThat(stack.pids()).as("no service left running").isEmpty();
    }
}
