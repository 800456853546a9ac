package org.carerecord.fhir.summary;

import java.time.Duration;
import java.time.Period;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param cacheTtl          how long an assembled summary may be reused while its record stands still (0: never)
 * @param cacheDocuments    how many assembled summaries are kept at most
 * @param admissionsWindow  how far back "recent hospital admissions" reaches
 * @param hapiNarratives    true: section narratives from HAPI's Thymeleaf templates (slow: an engine per section);
 *                          false (default): rendered by {@code SectionNarratives}. Kept to measure one against the other.
 */
@ConfigurationProperties("care.summary")
public record SummaryProperties(
        @DefaultValue("5m") Duration cacheTtl,
        @DefaultValue("200") int cacheDocuments,
        @DefaultValue("P2Y") Period admissionsWindow,
        @DefaultValue("false") boolean hapiNarratives) {
}
