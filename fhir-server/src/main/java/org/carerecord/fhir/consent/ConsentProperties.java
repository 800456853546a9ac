package org.carerecord.fhir.consent;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** @param timeout past this, consent-service counts as unavailable and the request is refused */
@ConfigurationProperties("care.consent")
public record ConsentProperties(URI url, @DefaultValue("2s") Duration timeout) {
}
