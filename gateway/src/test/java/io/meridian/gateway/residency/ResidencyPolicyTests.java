package io.meridian.gateway.residency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.region.GeoPoint;
import io.meridian.region.RankedRegion;
import io.meridian.region.Region;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResidencyPolicyTests {

    final ResidencyPolicy policy = new ResidencyPolicy(Set.of("us", "eu", "apac"),
            Map.of("eu", List.of("DE", "fr", " IT ")), true);

    static RankedRegion ranked(String id, String zone) {
        return new RankedRegion(new Region(id, id, new GeoPoint(0, 0), List.of(URI.create("http://127.0.0.1:1")), 0, 10, zone),
                0, 0);
    }

    @Test
    void clientsInAListedCountryAreConfinedToItsZone() {
        assertThat(policy.zoneFor(null, "DE")).isEqualTo("eu");
        assertThat(policy.zoneFor(null, "FR")).isEqualTo("eu");
        assertThat(policy.zoneFor(null, "IT")).isEqualTo("eu");
        assertThat(policy.zoneFor(null, "US")).isNull();
        assertThat(policy.zoneFor(null, null)).isNull();
    }

    @Test
    void aClientMayAskForAZone() {
        assertThat(policy.zoneFor("apac", "US")).isEqualTo("apac");
        assertThat(policy.zoneFor(" EU ", null)).isEqualTo("eu");
        assertThat(policy.zoneFor("eu", "DE")).isEqualTo("eu");
    }

    @Test
    void anUnknownZoneIsRefused() {
        assertThatThrownBy(() -> policy.zoneFor("mars", "US"))
                .isInstanceOf(ResidencyViolationException.class)
                .hasMessage("X-Meridian-Residency must name one of the residency zones [apac, eu, us], but was 'mars'");
    }

    @Test
    void conflictingRulesAreRefusedRatherThanOneWinningSilently() {
        assertThatThrownBy(() -> policy.zoneFor("us", "DE"))
                .isInstanceOf(ResidencyViolationException.class)
                .hasMessage("X-Meridian-Residency asks for zone 'us', but clients in DE must be served in zone 'eu'");
    }

    @Test
    void theHeaderIsIgnoredWhenTheOperatorTurnedItOff() {
        ResidencyPolicy noHeader = new ResidencyPolicy(Set.of("us", "eu"), Map.of(), false);

        assertThat(noHeader.zoneFor("eu", "US")).isNull();
    }

    @Test
    void confiningKeepsOnlyTheZonesRegionsInTheirOrder() {
        List<RankedRegion> candidates = List.of(ranked("us-east", "us"), ranked("eu-west", "eu"),
                ranked("ap-southeast", "apac"), ranked("eu-central", "eu"));

        assertThat(ResidencyPolicy.confine(candidates, "eu")).extracting(r -> r.region().id())
                .containsExactly("eu-west", "eu-central");
        assertThat(ResidencyPolicy.confine(candidates, null)).isSameAs(candidates);
        assertThat(ResidencyPolicy.confine(candidates, "us")).extracting(r -> r.region().id()).containsExactly("us-east");
    }

    @Test
    void badRulesStopStartUpWithTheValueNamed() {
        assertThatThrownBy(() -> new ResidencyPolicy(Set.of("eu"), Map.of("mars", List.of("DE")), true))
                .hasMessage("zone 'mars' is not one of the declared zones [eu]");
        assertThatThrownBy(() -> new ResidencyPolicy(Set.of("eu"), Map.of("eu", List.of("Germany")), true))
                .hasMessage("zone 'eu' lists 'Germany', which is not an ISO 3166-1 alpha-2 country code");
        assertThatThrownBy(() -> new ResidencyPolicy(Set.of("eu", "us"), Map.of("eu", List.of("DE"), "us", List.of("DE")), true))
                .hasMessageContaining("country DE is listed in two zones");
    }
}
