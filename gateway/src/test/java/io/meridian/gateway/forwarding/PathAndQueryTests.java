package io.meridian.gateway.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathAndQueryTests {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://10.0.0.1:8080         | http://gw/v1/models                 | /v1/models",
            "http://10.0.0.1:8080/        | http://gw/v1/models                 | /v1/models",
            "http://tasks.eu:8080/eu      | http://gw/v1/models                 | /eu/v1/models",
            "http://tasks.eu:8080/eu/     | http://gw/process?wait=2s&x=%2F     | /eu/process?wait=2s&x=%2F",
            "http://[::1]:8080            | http://gw/v1/tasks/eu.01JD3X9K2M%20 | /v1/tasks/eu.01JD3X9K2M%20",
            "http://10.0.0.1:8080         | http://gw?q=1                       | /?q=1"})
    void theRegionGetsItsBasePathThenTheRawPathAndQuery(String endpoint, String request, String expected) {
        assertThat(PathAndQuery.of(URI.create(endpoint), URI.create(request))).isEqualTo(expected);
    }
}
