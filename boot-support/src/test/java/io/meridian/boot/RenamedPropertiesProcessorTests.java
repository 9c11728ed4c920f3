package io.meridian.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class RenamedPropertiesProcessorTests {

    private final Log log = mock(Log.class);

    /** A table like an application's: two plain renames and two old names for one new one. */
    static final class Renames extends RenamedPropertiesProcessor {

        Renames(DeferredLogFactory logFactory) {
            super(logFactory, table());
        }

        private static Map<String, String> table() {
            Map<String, String> renamed = new LinkedHashMap<>();
            renamed.put("app.old-size", "app.sizing.size");
            renamed.put("app.hosts", "app.net.hosts");
            renamed.put("app.first.url", "app.store.url");
            renamed.put("app.second.url", "app.store.url");
            return renamed;
        }
    }

    private StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        new Renames(destination -> log).postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    @Test
    void anOldNameStillWorksUnderItsNewNameAndWarnsOnce() {
        StandardEnvironment environment = environment(Map.of("app.old-size", "12"));

        assertThat(environment.getProperty("app.sizing.size")).isEqualTo("12");
        verify(log).warn("Property 'app.old-size' is deprecated: use 'app.sizing.size' (the old name still works for now)");
        verifyNoMoreInteractions(log);
    }

    @Test
    void anOldNameInAnEnvironmentVariableIsSeenToo() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("APP_OLDSIZE", "7")));

        new Renames(destination -> log).postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("app.sizing.size")).isEqualTo("7");
        verify(log).warn("Property 'app.old-size' is deprecated: use 'app.sizing.size' (the old name still works for now)");
        verifyNoMoreInteractions(log);
    }

    @Test
    void theNewNameWinsOverTheOldOneWhichIsReportedAsIgnored() {
        StandardEnvironment environment = environment(Map.of("app.old-size", "12", "app.sizing.size", "3"));

        assertThat(environment.getProperty("app.sizing.size")).isEqualTo("3");
        verify(log).warn("Property 'app.old-size' is ignored: it was renamed 'app.sizing.size', which is set too");
        verifyNoMoreInteractions(log);
    }

    @Test
    void indexedDescendantsMoveWithTheirName() {
        StandardEnvironment environment = environment(Map.of("app.hosts[0]", "a", "app.hosts[1]", "b"));

        assertThat(environment.getProperty("app.net.hosts[0]")).isEqualTo("a");
        assertThat(environment.getProperty("app.net.hosts[1]")).isEqualTo("b");
    }

    @Test
    void ofTwoOldNamesForOneNewNameTheFirstInTheTableWins() {
        StandardEnvironment environment = environment(Map.of("app.first.url", "one", "app.second.url", "two"));

        assertThat(environment.getProperty("app.store.url")).isEqualTo("one");
        verify(log).warn("Property 'app.first.url' is deprecated: use 'app.store.url' (the old name still works for now)");
        verify(log).warn("Property 'app.second.url' is ignored: it was renamed 'app.store.url', which is set too");
        verifyNoMoreInteractions(log);
    }

    @Test
    void withNoOldNameSetNothingIsAddedOrLogged() {
        StandardEnvironment environment = environment(Map.of("app.sizing.size", "3"));

        assertThat(environment.getPropertySources().contains(RenamedPropertiesProcessor.SOURCE_NAME)).isFalse();
        verifyNoMoreInteractions(log);
    }
}
