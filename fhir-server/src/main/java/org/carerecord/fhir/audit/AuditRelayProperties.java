package org.carerecord.fhir.audit;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param url         audit-service base URL
 * @param batchSize   records per delivery
 * @param maxBackoff  longest wait between failed deliveries: bounds how long after audit-service returns
 *                    the backlog starts draining, against how hard a down service is retried
 */
@ConfigurationProperties("care.audit")
public record AuditRelayProperties(
        URI url,
        @DefaultValue("200") int batchSize,
        @DefaultValue("8s") Duration maxBackoff) {}
