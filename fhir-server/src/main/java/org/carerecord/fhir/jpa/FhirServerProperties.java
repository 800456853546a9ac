package org.carerecord.fhir.jpa;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param resourceTypes the resource types the record holds; anything else is an unknown type
 * @param defaultPageSize search page size when the client sends no {@code _count}
 * @param maxPageSize the largest {@code _count} honoured
 * @param bulkWriters transactions a bulk load ({@code $load}) writes at once
 */
@ConfigurationProperties("care.fhir")
public record FhirServerProperties(
        List<String> resourceTypes,
        @DefaultValue("20") int defaultPageSize,
        @DefaultValue("200") int maxPageSize,
        @DefaultValue("2") int bulkWriters) {}
