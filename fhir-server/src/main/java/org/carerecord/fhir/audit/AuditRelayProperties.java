package org.carerecord.fhir.audit;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** @param url audit-service base URL; @param batchSize records per delivery */
@ConfigurationProperties("care.audit")
public record AuditRelayProperties(URI url, @DefaultValue("200") int batchSize) {
}
