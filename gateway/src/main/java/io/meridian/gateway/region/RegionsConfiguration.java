package io.meridian.gateway.region;

import io.meridian.region.ProximityRanking;
import io.meridian.region.RegionCatalog;
import io.meridian.region.RegionConfigException;
import io.meridian.region.RegionsFile;
import io.meridian.region.RegionsSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;

@Configuration(proxyBeanMethods = false)
class RegionsConfiguration {

    static final String BUNDLED = "regions.yml";

    private static final Logger log = LoggerFactory.getLogger(RegionsConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    RegionCatalog regionCatalog(RegionsProperties properties) {
        RegionCatalog catalog;
        String source;
        if (!properties.regions().isEmpty()) {
            source = "spring configuration (meridian.regions)";
            catalog = RegionCatalog.from(new RegionsSpec(source, properties.zones(), properties.defaultRegion(),
                    properties.regions()));
        } else if (properties.regionsFile() != null && !properties.regionsFile().isBlank()) {
            source = properties.regionsFile();
            catalog = RegionsFile.load(Path.of(properties.regionsFile()));
        } else {
            source = "bundled " + BUNDLED;
            try (InputStream in = new ClassPathResource(BUNDLED).getInputStream()) {
                catalog = RegionCatalog.from(RegionsFile.parse(in, source));
            } catch (IOException ex) {
                throw new RegionConfigException(source + ": cannot be read (" + ex.getMessage() + ")", ex);
            }
        }
        log.info("Regions from {}: {} (default {})", source,
                catalog.regions().stream().map(r -> r.id() + " " + r.endpoints()).toList(), catalog.defaultRegion().id());
        return catalog;
    }

    @Bean
    @ConditionalOnMissingBean
    ProximityRanking proximityRanking(RegionCatalog catalog) {
        return new ProximityRanking(catalog);
    }
}
