package org.carerecord.fhir.limits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What one request may ask of the server, checked before its body is parsed or its bundle walked.
 *
 * @param maxBody        the largest request body (a transaction bundle, a resource)
 * @param maxBulkBody    the largest body of a bulk load ({@code $load}, NDJSON), which streams
 * @param maxBundleEntries the most entries a transaction or batch may hold
 */
@ConfigurationProperties("care.fhir.limits")
public record RequestLimitsProperties(
        @DefaultValue("32MB") DataSize maxBody,
        @DefaultValue("2GB") DataSize maxBulkBody,
        @DefaultValue("10000") int maxBundleEntries) {}
