package io.meridian.gateway.failover;

import io.meridian.region.RegionCatalog;
import io.meridian.region.RegionSpec;
import io.meridian.region.RegionsSpec;
import java.util.ArrayList;
import java.util.List;

/** Small region catalogs for unit tests: {@code r0, r1, ...} on distinct ports. */
final class Regions {

    private Regions() {
    }

    static RegionCatalog catalog(int count, int capacity) {
        List<RegionSpec> specs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            specs.add(new RegionSpec("r" + i, null, 10.0 * i, 0.0, List.of("http://127.0.0.1:" + (9100 + i)), null, capacity, "us"));
        }
        return RegionCatalog.from(new RegionsSpec("test", List.of("us"), null, specs));
    }
}
