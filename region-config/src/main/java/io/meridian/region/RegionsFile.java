package io.meridian.region;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a {@code regions.yml} file:
 *
 * <pre>{@code
 * zones: [us, eu, apac]          # optional; these three are the default
 * default-region: us-east        # optional; the first region by default
 * regions:
 *   - id: eu-central
 *     name: EU Central (Frankfurt)
 *     latitude: 50.1109
 *     longitude: 8.6821
 *     endpoints: [http://127.0.0.1:9002]
 *     bias: 0                    # km added to the distance when ranking
 *     capacity: 1000             # in-flight requests before spill-over
 *     zone: eu
 * }</pre>
 *
 * <p>The YAML is parsed with SnakeYAML's safe constructor (no arbitrary types), unknown keys are
 * errors (a misspelt {@code latitute} must not silently become "no latitude"), and every problem
 * is reported as a one-line {@link RegionConfigException} naming the file, region, field and value.
 */
public final class RegionsFile {

    private static final Set<String> TOP_LEVEL_KEYS = Set.of("zones", "default-region", "regions");
    private static final Set<String> REGION_KEYS =
            Set.of("id", "name", "latitude", "longitude", "endpoints", "bias", "capacity", "zone");
    private static final int MAX_CODE_POINTS = 1 << 20;

    private RegionsFile() {
    }

    /** Reads and validates a regions file. */
    public static RegionCatalog load(Path path) {
        String source = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        try (InputStream in = Files.newInputStream(path)) {
            return RegionCatalog.from(parse(in, source));
        } catch (NoSuchFileException ex) {
            throw new RegionConfigException(path + ": regions file does not exist");
        } catch (IOException ex) {
            throw new RegionConfigException(path + ": regions file cannot be read (" + ex.getMessage() + ")", ex);
        }
    }

    /** Parses a regions document without validating its values; {@code source} names it in errors. */
    public static RegionsSpec parse(InputStream in, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setMaxAliasesForCollections(10);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        Object document;
        try (Reader reader = new java.io.InputStreamReader(in, StandardCharsets.UTF_8)) {
            document = yaml.load(reader);
        } catch (MarkedYAMLException ex) {
            Mark mark = ex.getProblemMark();
            String at = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            throw new RegionConfigException(source + ": is not valid YAML" + at + ": " + oneLine(ex.getProblem()), ex);
        } catch (YAMLException | IOException ex) {
            throw new RegionConfigException(source + ": is not valid YAML: " + oneLine(ex.getMessage()), ex);
        }
        if (document == null) {
            throw new RegionConfigException(source + ": is empty; it must have a 'regions' list");
        }
        if (!(document instanceof Map<?, ?> root)) {
            throw new RegionConfigException(source + ": must be a mapping with a 'regions' list, but was " + describe(document));
        }
        checkKeys(source + ": ", root, TOP_LEVEL_KEYS);
        List<String> zones = stringList(source + ": zones", root.get("zones"));
        String defaultRegion = string(source + ": default-region", root.get("default-region"));
        Object rawRegions = root.get("regions");
        if (rawRegions == null) {
            throw new RegionConfigException(source + ": regions is required");
        }
        if (!(rawRegions instanceof List<?> list)) {
            throw new RegionConfigException(source + ": regions must be a list, but was " + describe(rawRegions));
        }
        List<RegionSpec> regions = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            regions.add(region(source, i, list.get(i)));
        }
        return new RegionsSpec(source, zones, defaultRegion, regions);
    }

    private static RegionSpec region(String source, int index, @Nullable Object raw) {
        if (!(raw instanceof Map<?, ?> map)) {
            throw new RegionConfigException(source + ": regions[" + index + "] must be a mapping, but was " + describe(raw));
        }
        Object rawId = map.get("id");
        String label = rawId instanceof String s && !s.isBlank() ? "region '" + s + "' " : "regions[" + index + "] ";
        String where = source + ": " + label;
        checkKeys(where, map, REGION_KEYS);
        return new RegionSpec(
                string(where + "id", rawId),
                string(where + "name", map.get("name")),
                number(where + "latitude", map.get("latitude")),
                number(where + "longitude", map.get("longitude")),
                stringList(where + "endpoints", map.get("endpoints")),
                number(where + "bias", map.get("bias")),
                integer(where + "capacity", map.get("capacity")),
                string(where + "zone", map.get("zone")));
    }

    private static void checkKeys(String where, Map<?, ?> map, Set<String> allowed) {
        for (Object key : map.keySet()) {
            if (!(key instanceof String name) || !allowed.contains(name)) {
                throw new RegionConfigException(where + "has unknown field '" + key + "'; known fields are "
                        + allowed.stream().sorted().toList());
            }
        }
    }

    private static @Nullable String string(String field, @Nullable Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        throw new RegionConfigException(field + " must be a string, but was " + describe(value));
    }

    private static @Nullable Double number(String field, @Nullable Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new RegionConfigException(field + " must be a number, but was " + describe(value));
    }

    private static @Nullable Integer integer(String field, @Nullable Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Integer i) {
            return i;
        }
        throw new RegionConfigException(field + " must be a whole number, but was " + describe(value));
    }

    private static @Nullable List<String> stringList(String field, @Nullable Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return List.of(s);
        }
        if (!(value instanceof List<?> list)) {
            throw new RegionConfigException(field + " must be a list, but was " + describe(value));
        }
        List<String> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (!(item instanceof String s)) {
                throw new RegionConfigException(field + "[" + i + "] must be a string, but was " + describe(item));
            }
            out.add(s);
        }
        return out;
    }

    private static String describe(@Nullable Object value) {
        if (value == null) {
            return "empty";
        }
        if (value instanceof Map<?, ?>) {
            return "a mapping";
        }
        if (value instanceof List<?>) {
            return "a list";
        }
        String text = String.valueOf(value);
        if (text.length() > 80) {
            text = text.substring(0, 77) + "...";
        }
        return value instanceof String ? "'" + oneLine(text) + "'" : oneLine(text);
    }

    private static String oneLine(@Nullable String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }
}
