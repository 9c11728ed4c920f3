package io.meridian.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What a module's hand-written configuration metadata declares, read as its IDE reads it. */
public final class ConfigurationMetadata {

    private static final String ADDITIONAL = "/META-INF/additional-spring-configuration-metadata.json";

    private ConfigurationMetadata() {
    }

    /**
     * The deprecated property names in the module's additional metadata on the class path, each
     * with the replacement it declares.
     */
    public static Map<String, String> deprecatedNamesWithTheirReplacements() {
        JsonNode metadata;
        try (InputStream in = ConfigurationMetadata.class.getResourceAsStream(ADDITIONAL)) {
            if (in == null) {
                throw new IllegalStateException(ADDITIONAL + " is not on the class path");
            }
            metadata = JsonMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> replacements = new HashMap<>();
        for (JsonNode property : metadata.get("properties")) {
            if (property.has("deprecation")) {
                replacements.put(property.get("name").asString(),
                        property.get("deprecation").get("replacement").asString());
            }
        }
        return replacements;
    }
}
