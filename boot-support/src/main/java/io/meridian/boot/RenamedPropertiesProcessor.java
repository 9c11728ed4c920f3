package io.meridian.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps an application's renamed properties working under their old names, with one WARN line per
 * old name that is still set. An old name is read only when its new name is set nowhere; when both
 * are set the new one wins and the old one is reported as ignored. Each application subclasses it
 * with its rename table and registers the subclass in {@code META-INF/spring.factories}; the old
 * names also carry Boot's deprecation metadata there, so IDEs flag them.
 *
 * <p>Runs right after the configuration files are loaded, so that an old name in any source
 * (arguments, environment variables, {@code application.yml}, a profile) is seen; the values are
 * added under their new names as the source of lowest precedence.
 */
public abstract class RenamedPropertiesProcessor implements EnvironmentPostProcessor, Ordered {

    /** Name of the property source that holds the values read from old names. */
    public static final String SOURCE_NAME = "meridianRenamedProperties";

    private final Log log;

    private final Map<String, String> renamed;

    /**
     * Creates the processor.
     *
     * @param logFactory Boot's deferred log factory; the WARN lines are logged under the subclass's name
     * @param renamed    old name to new name, in the order they are looked at; each also covers its
     *                   indexed and nested descendants ({@code [0]}, {@code .x}); when two old names
     *                   lead to one new name and both are set, the first one wins
     */
    protected RenamedPropertiesProcessor(DeferredLogFactory logFactory, Map<String, String> renamed) {
        this.log = logFactory.getLog(getClass());
        this.renamed = renamed;
    }

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().remove(SOURCE_NAME);
        Map<String, Object> values = new LinkedHashMap<>();
        Iterable<ConfigurationPropertySource> sources = ConfigurationPropertySources.get(environment);
        renamed.forEach((oldName, newName) -> rename(sources, ConfigurationPropertyName.of(oldName),
                ConfigurationPropertyName.of(newName), values));
        if (!values.isEmpty()) {
            environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, values));
        }
    }

    private void rename(Iterable<ConfigurationPropertySource> sources, ConfigurationPropertyName oldName,
            ConfigurationPropertyName newName, Map<String, Object> values) {
        Map<String, Object> found = new LinkedHashMap<>();
        for (ConfigurationPropertySource source : sources) {
            ConfigurationProperty property = source.getConfigurationProperty(oldName);
            if (property != null) {
                found.putIfAbsent(newName.toString(), property.getValue());
            }
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.filter(oldName::isAncestorOf).stream().forEach(name -> {
                    ConfigurationProperty descendant = iterable.getConfigurationProperty(name);
                    if (descendant != null) {
                        String suffix = name.toString().substring(oldName.toString().length());
                        found.putIfAbsent(newName + suffix, descendant.getValue());
                    }
                });
            }
        }
        if (found.isEmpty()) {
            return;
        }
        if (isSet(sources, newName) || values.containsKey(newName.toString())) {
            log.warn("Property '" + oldName + "' is ignored: it was renamed '" + newName + "', which is set too");
            return;
        }
        log.warn("Property '" + oldName + "' is deprecated: use '" + newName + "' (the old name still works for now)");
        values.putAll(found);
    }

    private static boolean isSet(Iterable<ConfigurationPropertySource> sources, ConfigurationPropertyName name) {
        for (ConfigurationPropertySource source : sources) {
            if (source.getConfigurationProperty(name) != null
                    || source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT) {
                return true;
            }
        }
        return false;
    }
}
