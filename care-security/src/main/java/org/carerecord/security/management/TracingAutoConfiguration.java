package org.carerecord.security.management;

import io.micrometer.common.KeyValue;
import java.net.URI;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.observation.ClientHttpObservationDocumentation;
import org.springframework.http.client.observation.ClientRequestObservationContext;
import org.springframework.http.client.observation.ClientRequestObservationConvention;
import org.springframework.http.client.observation.DefaultClientRequestObservationConvention;

/**
 * A service's calls to another are traced (and exported to the region's collector) with the address they went to,
 * never its query: {@code /Patient?identifier=…|<NHS number>} or a search's criteria are about a patient, and
 * traces are operational data, kept and shown to other people than the audit trail is.
 */
@AutoConfiguration
@ConditionalOnClass(
        name = {
            "org.springframework.http.client.observation.ClientRequestObservationConvention",
            "io.micrometer.common.KeyValue"
        })
public class TracingAutoConfiguration {

    @Bean
    ClientRequestObservationConvention clientCallsWithoutQueries() {
        return new DefaultClientRequestObservationConvention() {
            @Override
            protected KeyValue requestUri(ClientRequestObservationContext context) {
                URI uri = context.getCarrier() == null
                        ? null
                        : context.getCarrier().getURI();
                return KeyValue.of(
                        ClientHttpObservationDocumentation.HighCardinalityKeyNames.HTTP_URL,
                        uri == null ? "none" : withoutQuery(uri));
            }
        };
    }

    static String withoutQuery(URI uri) {
        String text = uri.toString();
        int query = text.indexOf('?');
        return query < 0 ? text : text.substring(0, query);
    }
}
