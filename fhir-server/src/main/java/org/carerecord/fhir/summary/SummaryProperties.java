package org.carerecord.fhir.summary;

import java.time.Duration;
import java.time.Period;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param cacheTtl          how long an assembled summary may be reused while its record stands still (0: never)
 * @param cacheDocuments    how many assembled summaries are kept at most
 * @param admissionsWindow  how far back "recent hospital admissions" reaches
 * @param hapiGenerator     true: documents assembled by HAPI's IPS generator (it walks every record already in the
 *                          document again after each section); false (default): by {@code SummaryAssembler}, the same
 *                          document in one walk. Kept to measure one against the other.
 * @param hapiNarratives    true: section narratives from HAPI's Thymeleaf templates (slow: an engine per section; needs
 *                          HAPI's generator, so implies it); false (default): rendered by {@code SectionNarratives}.
 * @param prepareAhead      true (default): recently opened patients' sections are kept and prepared again when their
 *                          record changes, so a request runs no searches; false: every request searches afresh (to
 *                          measure one against the other)
 * @param preparedPatients  how many patients' prepared sections are kept at most (the most recently opened; a median
 *                          Synthea patient's are ~1 MB of heap)
 * @param preparedIdle      how long a patient's prepared sections are kept after their summary was last opened
 */
@ConfigurationProperties("care.summary")
public record SummaryProperties(
        @DefaultValue("5m") Duration cacheTtl,
        @DefaultValue("200") int cacheDocuments,
        @DefaultValue("P2Y") Period admissionsWindow,
        @DefaultValue("false") boolean hapiGenerator,
        @DefaultValue("false") boolean hapiNarratives,
        @DefaultValue("true") boolean prepareAhead,
        @DefaultValue("200") int preparedPatients,
        @DefaultValue("30m") Duration preparedIdle) {}
