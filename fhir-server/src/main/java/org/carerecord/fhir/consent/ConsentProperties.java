package org.carerecord.fhir.consent;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param url      consent-service base URL
 * @param timeout  past this, consent-service counts as unavailable and the request is refused
 * @param cacheTtl how long a decision may be reused while fhir-server follows consent-service's change feed
 *                 (a backstop for time-based rules; changes themselves evict at once); 0 turns caching off
 */
@ConfigurationProperties("care.consent")
public record ConsentProperties(URI url, @DefaultValue("2s") Duration timeout, @DefaultValue("30s") Duration cacheTtl) {
}
