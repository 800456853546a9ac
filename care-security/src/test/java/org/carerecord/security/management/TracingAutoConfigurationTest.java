package org.carerecord.security.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.common.KeyValue;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.observation.ClientRequestObservationContext;
import org.springframework.mock.http.client.MockClientHttpRequest;

class TracingAutoConfigurationTest {

    @Test
    void aCallIsTracedWithItsAddressButNeverItsQuery() {
        var convention = new TracingAutoConfiguration().clientCallsWithoutQueries();
        var call = new MockClientHttpRequest(
                HttpMethod.GET,
                URI.create(
                        "http://fhir-server:8080/fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C9000000009"));
        var context = new ClientRequestObservationContext(call);

        var traced = convention.getHighCardinalityKeyValues(context).stream()
                .map(KeyValue::getValue)
                .toList();
        assertThat(traced).contains("http://fhir-server:8080/fhir/Patient");
        assertThat(String.join(" ", traced)).doesNotContain("9000000009").doesNotContain("identifier");
        assertThat(convention.getLowCardinalityKeyValues(context).stream().map(KeyValue::getValue))
                .noneMatch(value -> value.contains("9000000009"));
    }
}
