package io.meridian.load.gatling;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/**
 * An endless, weighted feeder of client addresses from many countries, read from {@code
 * clients.csv} beside this class ({@code country,network,weight,region}).
 *
 * <p>Each record draws a network with probability proportional to its weight, then a random host
 * in that /16, so that every virtual user is a different client: the gateway's per-client rate
 * limit (20 requests per second by default) then limits no simulated client, as it would not limit
 * real clients spread over a continent. Every network is one the bundled GeoIP database maps to the
 * named country in all of its /24s (checked against {@code GET /meridian/locate}), and {@code
 * region} is the region the gateway serves it from while all regions are healthy.
 *
 * <p>Record keys: {@code clientIp}, {@code country}, {@code expectedRegion}.
 */
final class ClientFeeder implements Iterator<Map<String, Object>> {

    record ClientNetwork(String country, int firstOctet, int secondOctet, int weight, String region) {

        String randomHost(Random random) {
            return firstOctet + "." + secondOctet + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
        }
    }

    private final List<ClientNetwork> networks;

    private final int[] cumulativeWeights;

    private final Random random;

    private ClientFeeder(List<ClientNetwork> networks, long seed) {
        if (networks.isEmpty()) {
            throw new IllegalArgumentException("no client networks to draw from");
        }
        this.networks = List.copyOf(networks);
        this.cumulativeWeights = new int[networks.size()];
        int total = 0;
        for (int i = 0; i < networks.size(); i++) {
            total += networks.get(i).weight();
            cumulativeWeights[i] = total;
        }
        this.random = new Random(seed);
    }

    /** Clients of every country in {@code clients.csv}, by weight. */
    static ClientFeeder worldwide() {
        return new ClientFeeder(load(), 42);
    }

    /** Clients of the countries that {@code region} serves while all regions are healthy, by weight. */
    static ClientFeeder servedBy(String region) {
        return new ClientFeeder(filter(network -> network.region().equals(region), region), 42);
    }

    /** Clients of every country except those that {@code region} serves while all regions are healthy, by weight. */
    static ClientFeeder notServedBy(String region) {
        return new ClientFeeder(filter(network -> !network.region().equals(region), "any region but " + region), 42);
    }

    private static List<ClientNetwork> filter(Predicate<ClientNetwork> predicate, String what) {
        List<ClientNetwork> chosen = load().stream().filter(predicate).toList();
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("clients.csv has no network for '" + what + "'");
        }
        return chosen;
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    /** Synchronized: Gatling feeds from several threads, and {@link Random} draws must not interleave. */
    @Override
    public synchronized Map<String, Object> next() {
        int draw = random.nextInt(cumulativeWeights[cumulativeWeights.length - 1]);
        int index = 0;
        while (cumulativeWeights[index] <= draw) {
            index++;
        }
        ClientNetwork network = networks.get(index);
        return Map.of("clientIp", network.randomHost(random), "country", network.country(),
                "expectedRegion", network.region());
    }

    static List<ClientNetwork> load() {
        String resource = "clients.csv";
        try (InputStream in = ClientFeeder.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing beside " + ClientFeeder.class.getName());
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<ClientNetwork> networks = new ArrayList<>();
            String header = reader.readLine();
            if (!"country,network,weight,region".equals(header)) {
                throw new IllegalStateException(resource + " must start with 'country,network,weight,region', but began with '"
                        + header + "'");
            }
            int lineNumber = 1;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (!line.isBlank()) {
                    networks.add(parse(line, resource + " line " + lineNumber));
                }
            }
            return networks;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static ClientNetwork parse(String line, String where) {
        String[] fields = line.split(",", -1);
        if (fields.length != 4) {
            throw new IllegalStateException(where + " must have 4 fields, but was '" + line + "'");
        }
        String network = fields[1].strip();
        if (!network.matches("\\d{1,3}\\.\\d{1,3}\\.0\\.0/16")) {
            throw new IllegalStateException(where + " network must be an IPv4 /16 such as 80.133.0.0/16, but was '"
                    + network + "'");
        }
        String[] octets = network.substring(0, network.indexOf('/')).split("\\.");
        int weight = Integer.parseInt(fields[2].strip());
        if (weight <= 0) {
            throw new IllegalStateException(where + " weight must be positive, but was " + weight);
        }
        return new ClientNetwork(fields[0].strip(), Integer.parseInt(octets[0]), Integer.parseInt(octets[1]), weight,
                fields[3].strip());
    }
}
