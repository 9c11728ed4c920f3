package io.meridian.region;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The regions of {@code bin/meridian}'s local stack, read from a {@code regions.yml}, so that the
 * launcher starts the regions the file names, on the ports its endpoints name, with the parser and
 * checks the gateway itself uses.
 *
 * <p>{@code LocalStackRegions SOURCE TARGET SCHEME [PORT...]} validates {@code SOURCE}, writes the
 * gateway's copy to {@code TARGET} (each region's endpoint on {@code 127.0.0.1}, with {@code SCHEME}
 * and, when ports are given, the n-th port for the n-th region) and prints one line per region:
 * its id and the port its task server listens on. Each region must have exactly one endpoint on
 * this machine: the launcher runs one task server per region. A problem is one line on standard
 * error and exit status 2.
 */
public final class LocalStackRegions {

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    private LocalStackRegions() {
    }

    /** One region of the local stack: its id and the port of its task server. */
    record LocalRegion(String id, int port) {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 3) {
            err.println("usage: LocalStackRegions SOURCE TARGET SCHEME [PORT...]");
            return 2;
        }
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 3; i < args.length; i++) {
                ports.add(port("port " + args[i], args[i]));
            }
            List<LocalRegion> regions = plan(Path.of(args[0]), Path.of(args[1]), args[2], ports);
            regions.forEach(region -> out.println(region.id() + " " + region.port()));
            return 0;
        } catch (RegionConfigException ex) {
            err.println(ex.getMessage());
            return 2;
        }
    }

    /**
     * Validates {@code source}, writes the gateway's copy to {@code target} and returns the regions.
     *
     * @param source the operator's regions file
     * @param target where the gateway's copy goes
     * @param scheme {@code http} or {@code https}, the scheme the task servers speak
     * @param ports  the task servers' ports, one per region in the file's order; empty for the file's
     * @return the regions in the file's order
     * @throws RegionConfigException naming the region and value that the local stack cannot run
     */
    static List<LocalRegion> plan(Path source, Path target, String scheme, List<Integer> ports) {
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new RegionConfigException("scheme must be http or https, but was '" + scheme + "'");
        }
        RegionCatalog catalog = RegionsFile.load(source);
        List<Region> regions = catalog.regions();
        if (!ports.isEmpty() && ports.size() != regions.size()) {
            throw new RegionConfigException(ports.size() + " ports were given (MERIDIAN_REGION_PORTS), but " + source
                    + " has " + regions.size() + " regions: " + regions.stream().map(Region::id).toList());
        }
        List<LocalRegion> local = new ArrayList<>(regions.size());
        for (int i = 0; i < regions.size(); i++) {
            Region region = regions.get(i);
            local.add(new LocalRegion(region.id(), ports.isEmpty() ? endpointPort(source, region) : ports.get(i)));
        }
        write(source, target, scheme, local);
        return local;
    }

    private static int endpointPort(Path source, Region region) {
        String where = source + ": region '" + region.id() + "' ";
        if (region.endpoints().size() != 1) {
            throw new RegionConfigException(where + "has " + region.endpoints().size()
                    + " endpoints; bin/meridian runs one task server per region, so give it one");
        }
        URI endpoint = region.primaryEndpoint();
        if (endpoint.getHost() == null || !LOOPBACK.contains(endpoint.getHost())) {
            throw new RegionConfigException(where + "endpoint " + endpoint
                    + " is not on this machine; bin/meridian starts task servers on 127.0.0.1 only");
        }
        if (endpoint.getPort() < 0) {
            throw new RegionConfigException(where + "endpoint " + endpoint
                    + " names no port; bin/meridian starts its task server on the port it names");
        }
        return endpoint.getPort();
    }

    private static int port(String field, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below, with the value
        }
        throw new RegionConfigException(field + " must be a whole number within [1, 65535], but was '" + text + "'");
    }

    /** The source document with each region's endpoint replaced: its other fields stay as written. */
    @SuppressWarnings("unchecked")
    private static void write(Path source, Path target, String scheme, List<LocalRegion> regions) {
        Map<String, Object> document;
        try (InputStream in = Files.newInputStream(source)) {
            document = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (IOException ex) {
            throw new RegionConfigException(source + ": regions file cannot be read (" + ex.getMessage() + ")", ex);
        }
        List<Map<String, Object>> list = (List<Map<String, Object>>) document.get("regions");
        for (int i = 0; i < list.size(); i++) {
            list.get(i).put("endpoints", List.of(scheme + "://127.0.0.1:" + regions.get(i).port()));
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        String yaml = "# Written by bin/meridian from " + source + ", with the local stack's ports.\n"
                + new Yaml(options).dump(document);
        try {
            Files.writeString(target, yaml, StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new RegionConfigException(target + ": cannot be written (" + ex.getMessage() + ")", ex);
        }
    }
}
