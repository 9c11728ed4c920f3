package io.meridian.taskserver.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** Binding {@code meridian.model.tiers.*}: the defaults, environment variables and the checks. */
class ModelTierPropertiesTests {

    private static ModelProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate(ModelProperties.PREFIX, ModelProperties.class);
    }

    @Test
    void withoutTiersEveryTierFollowsTheRegionWideSettings() {
        ModelProperties model = bind(Map.of("meridian.model.backend", "ollama"));

        assertThat(model.tiers()).isEmpty();
        assertThat(model.tier("complex").backend()).isNull();
        assertThat(model.tier("complex").endpoints()).isEmpty();
        assertThat(model.tier("complex").failureCooldown()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void bindsTiersFromEnvironmentVariablesAsKubernetesSetsThem() {
        StandardEnvironment environment = new StandardEnvironment();
        // Spring reads a source as environment variables by its name, the system environment's.
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
                "MERIDIAN_MODEL_TIERS_SIMPLE_BACKEND", "ollama",
                "MERIDIAN_MODEL_TIERS_SIMPLE_ENDPOINTS", "http://cpu-a:11434,http://cpu-b:11434",
                "MERIDIAN_MODEL_TIERS_COMPLEX_BACKEND", "openai",
                "MERIDIAN_MODEL_TIERS_COMPLEX_FALLBACK", "simple",
                "MERIDIAN_MODEL_TIERS_COMPLEX_TIMEOUT", "45s")));

        ModelProperties model = Binder.get(environment).bindOrCreate(ModelProperties.PREFIX, ModelProperties.class);

        assertThat(model.tier("simple").backend()).isEqualTo(ModelProperties.Backend.OLLAMA);
        assertThat(model.tier("simple").endpoints())
                .containsExactly(URI.create("http://cpu-a:11434"), URI.create("http://cpu-b:11434"));
        assertThat(model.tier("complex").backend()).isEqualTo(ModelProperties.Backend.OPENAI);
        assertThat(model.tier("complex").fallback()).isEqualTo("simple");
        assertThat(model.tier("complex").timeout()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void refusesAFallbackThatNamesNoTier() {
        assertThatThrownBy(() -> bind(Map.of("meridian.model.tiers.complex.fallback", "gpu2")))
                .rootCause().hasMessage("meridian.model.tiers.complex.fallback must name a tier (complex, simple), "
                        + "but was 'gpu2'");
    }

    @Test
    void refusesFallbacksThatLeadBackToTheirTier() {
        assertThatThrownBy(() -> bind(Map.of("meridian.model.tiers.complex.fallback", "simple",
                "meridian.model.tiers.simple.fallback", "complex")))
                .rootCause().message().contains("must not lead back to it, but was a cycle: ")
                .containsAnyOf("complex -> simple -> complex", "simple -> complex -> simple");
    }

    @Test
    void refusesAnEndpointThatIsNoHttpUrl() {
        assertThatThrownBy(() -> bind(Map.of("meridian.model.tiers.simple.endpoints", "cpu-ollama:11434")))
                .rootCause().hasMessage("meridian.model.tiers.*.endpoints must be http or https URLs such as "
                        + "http://cpu-ollama:11434, but had 'cpu-ollama:11434'");
    }
}
