package io.meridian.taskserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;

import io.meridian.testing.ConfigurationMetadata;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class RenamedPropertiesTests {

    private final Log log = mock(Log.class);

    @Test
    void theOldRegionNameInAnEnvironmentVariableStillWorksAndWarns() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("MERIDIAN_TASK_SERVER_REGION", "ap-southeast")));

        new RenamedProperties(destination -> log).postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("meridian.server.region")).isEqualTo("ap-southeast");
        verify(log).warn("Property 'meridian.task-server.region' is deprecated: use 'meridian.server.region'"
                + " (the old name still works for now)");
        verifyNoMoreInteractions(log);
    }

    @Test
    void theNewNameWinsOverTheOldOneWhichIsReportedAsIgnored() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test",
                Map.of("meridian.server.capacity", "10", "meridian.task-server.capacity", "20")));

        new RenamedProperties(destination -> log).postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("meridian.server.capacity")).isEqualTo("10");
        verify(log).warn("Property 'meridian.task-server.capacity' is ignored: it was renamed 'meridian.server.capacity',"
                + " which is set too");
        verifyNoMoreInteractions(log);
    }

    @Test
    void everyOldNameIsDeclaredDeprecatedInTheMetadataWithItsReplacement() {
        assertThat(ConfigurationMetadata.deprecatedNamesWithTheirReplacements()).isEqualTo(RenamedProperties.RENAMED);
    }
}
