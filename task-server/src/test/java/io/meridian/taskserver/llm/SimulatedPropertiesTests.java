package io.meridian.taskserver.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.taskserver.TaskServerApplication;
import io.meridian.taskserver.llm.ModelProperties.Simulated.Profile;
import io.meridian.taskserver.testsupport.TestRegion;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** Binding {@code meridian.model.simulated.*}: the presets by name, their defaults, and errors naming the property. */
@ExtendWith(OutputCaptureExtension.class)
class SimulatedPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Enable.class);

    private SimulatedProfile bound(String... properties) {
        SimulatedProfile[] profile = new SimulatedProfile[1];
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasNotFailed();
            profile[0] = SimulatedProfile.of(context.getBean(ModelProperties.class).simulated());
        });
        return profile[0];
    }

    @Test
    void staysOnTodaysFiftyMillisecondsWhenNoProfileIsChosen() {
        SimulatedProfile profile = bound();

        assertThat(profile.preset()).isEqualTo(Profile.FIXED);
        assertThat(profile.fixedLatency()).isTrue();
        assertThat(profile.latency()).isEqualTo(Duration.ofMillis(50));
        assertThat(profile.meanAnswerTokens()).isNull();
    }

    @Test
    void bindsThePresetsByTheirNamesWithTheirNumbers() {
        SimulatedProfile cpu = bound("meridian.model.simulated.profile=cpu-small");
        SimulatedProfile gpu = bound("meridian.model.simulated.profile=gpu-large");

        assertThat(cpu).isEqualTo(new SimulatedProfile(Profile.CPU_SMALL, Duration.ofMillis(50), Duration.ZERO,
                Duration.ofMillis(400), 37, 190, 40));
        assertThat(gpu).isEqualTo(new SimulatedProfile(Profile.GPU_LARGE, Duration.ofMillis(50), Duration.ZERO,
                Duration.ofSeconds(1), 25, 600, 150));
        assertThat(cpu.fixedLatency()).isFalse();
    }

    @Test
    void letsEachNumberOverrideThePresets() {
        SimulatedProfile profile = bound("meridian.model.simulated.profile=gpu-large",
                "meridian.model.simulated.time-to-first-token=3s", "meridian.model.simulated.tokens-per-second=12.5",
                "meridian.model.simulated.answer-tokens.mean=1000", "meridian.model.simulated.answer-tokens.spread=0",
                "meridian.model.simulated.jitter=20ms");

        assertThat(profile).isEqualTo(new SimulatedProfile(Profile.GPU_LARGE, Duration.ofMillis(50),
                Duration.ofMillis(20), Duration.ofSeconds(3), 12.5, 1000, 0));
    }

    @Test
    void refusesAnUnknownProfileNamingThePropertyAndTheValue() {
        assertRefused("meridian.model.simulated.profile", "cpu-large", "meridian.model.simulated.profile=cpu-large");
    }

    @Test
    void refusesAZeroTokenRateNamingTheProperty() {
        assertRefused("'meridian.model' on field 'simulated.tokensPerSecond'", "0",
                "meridian.model.simulated.tokens-per-second=0");
    }

    @Test
    void refusesANegativeTimeToFirstTokenNamingTheProperty() {
        assertRefused("'meridian.model' on field 'simulated.timeToFirstToken'", "-1",
                "meridian.model.simulated.time-to-first-token=-1s");
    }

    @Test
    void refusesAnswerLengthsOutOfRangeNamingTheProperty() {
        assertRefused("'meridian.model' on field 'simulated.answerTokens.mean'", "0",
                "meridian.model.simulated.answer-tokens.mean=0");
        assertRefused("'meridian.model' on field 'simulated.answerTokens.spread'", "-1",
                "meridian.model.simulated.answer-tokens.spread=-1");
        assertRefused("'meridian.model' on field 'simulated.answerTokens.mean'", "100001",
                "meridian.model.simulated.answer-tokens.mean=100001");
    }

    @Test
    void refusesASpreadWithoutAMeanUnderFixedNamingBoth() {
        runner.withPropertyValues("meridian.model.simulated.answer-tokens.spread=30").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(
                    "meridian.model.simulated.answer-tokens.spread needs answer-tokens.mean with profile fixed")
                    .hasMessageContaining("but was 30");
        });
    }

    @Test
    void tellsTheOperatorWhichPropertyIsWrongInOneReportWithoutAStackTrace(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(TaskServerApplication.class).run("--server.port=0",
                "--spring.main.banner-mode=off", TestRegion.PROPERTY_ARG,
                "--meridian.model.simulated.profile=cpu-small", "--meridian.model.simulated.tokens-per-second=0"))
                .isNotNull();

        assertThat(output).contains("APPLICATION FAILED TO START")
                // Boot names a nested record's property in its Java form, which binds as well.
                .contains("Property: meridian.model.simulated.tokensPerSecond")
                .contains("0.0") // the value as bound; quoted, or escaped when the log is JSON
                .contains("must be greater than 0")
                .doesNotContain("\tat ");
    }

    /**
     * Start-up fails and what it says names the property and quotes the bad value. Bean validation
     * names a property in its Java form, under its object ({@code 'meridian.model' on field
     * 'simulated.tokensPerSecond'}); start-up's failure report prints it as an operator writes it.
     */
    private void assertRefused(String property, String value, String setting) {
        runner.withPropertyValues(setting).run(context -> {
            assertThat(context).hasFailed();
            StringBuilder said = new StringBuilder();
            for (Throwable cause = context.getStartupFailure(); cause != null; cause = cause.getCause()) {
                said.append(cause.getMessage()).append('\n');
            }
            assertThat(said).as(setting).contains(property).contains(value);
        });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ModelProperties.class)
    static class Enable {
    }
}
