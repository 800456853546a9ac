package org.carerecord.fhir.summary;

import ca.uhn.fhir.jpa.ips.api.ISectionResourceSupplier;
import ca.uhn.fhir.jpa.ips.api.IpsContext;
import ca.uhn.fhir.jpa.ips.api.Section;
import ca.uhn.fhir.jpa.ips.jpa.DefaultJpaIpsGenerationStrategy;
import ca.uhn.fhir.jpa.ips.jpa.IJpaSectionSearchStrategy;
import ca.uhn.fhir.jpa.ips.jpa.JpaSectionSearchStrategyCollection;
import java.time.Clock;
import java.time.Period;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Observation;

/**
 * What the clinician's summary holds, section by section: HAPI's International Patient Summary sections
 * (and their rules for which records count) for the resource types this record stores, plus recent
 * hospital admissions, each section bounded to the current picture (see {@link BoundedSectionSearch}):
 * allergies, active medications and problems whole; the latest result per test and latest reading per vital
 * sign; the newest procedures, reports and immunisation per vaccine. Sections for types the record does
 * not hold (dispensing, device use, functional status, advance directives) are left out rather than
 * searched for nothing. The author is this service, the title in the region's date format.
 *
 * <p>A section's search is run for the whole record, ahead of the reader ({@link #wholeRecord}); what a reader
 * is given comes through {@link ReaderSections}, set once at start-up ({@link #readThrough}).
 */
final class CareRecordSummaryStrategy extends DefaultJpaIpsGenerationStrategy {

    static final String SECTION_CODE_ADMISSIONS = "46240-8";
    static final String PROFILE_ADMISSIONS = "https://care-record.example.org/fhir/summary#recent-admissions";
    private static final String NARRATIVES = "classpath:summary/narratives.properties";

    private final Set<String> storedTypes;
    private final Clock clock;
    /** The region's calendar: "as of" dates and "recent" windows. */
    private final ZoneId region;

    private final Period admissionsWindow;

    private final boolean hapiNarratives;
    /** Each section's bounded searches, by section: where each finds which records of its type count. */
    private final Map<Section, JpaSectionSearchStrategyCollection> searches = new HashMap<>();

    private ISectionResourceSupplier readers;

    CareRecordSummaryStrategy(
            Set<String> storedTypes, Clock clock, ZoneId region, Period admissionsWindow, boolean hapiNarratives) {
        this.storedTypes = storedTypes;
        this.clock = clock;
        this.region = region;
        this.admissionsWindow = admissionsWindow;
        this.hapiNarratives = hapiNarratives;
    }

    @Override
    protected void addSections() {
        addJpaSectionAllergyIntolerance();
        addJpaSectionMedicationSummary();
        addJpaSectionProblemList();
        addSectionRecentAdmissions();
        addJpaSectionImmunizations();
        addJpaSectionProcedures();
        addJpaSectionDiagnosticResults();
        addJpaSectionVitalSigns();
        addJpaSectionPregnancy();
        addJpaSectionSocialHistory();
        addJpaSectionIllnessHistory();
        addJpaSectionPlanOfCare();
    }

    private void addSectionRecentAdmissions() {
        Section section = Section.newBuilder()
                .withTitle("Recent Hospital Admissions")
                .withSectionSystem(SECTION_SYSTEM_LOINC)
                .withSectionCode(SECTION_CODE_ADMISSIONS)
                .withSectionDisplay("History of Hospitalizations+Outpatient visits Narrative")
                .withResourceType(Encounter.class)
                .withProfile(PROFILE_ADMISSIONS)
                .build();
        addJpaSection(
                section,
                JpaSectionSearchStrategyCollection.newBuilder()
                        .addStrategy(Encounter.class, new RecentAdmissionsSearch(clock, region, admissionsWindow))
                        .build());
    }

    /** Every section passes here: keep the stored types only, and bound each one's search. */
    @Override
    protected void addJpaSection(Section section, JpaSectionSearchStrategyCollection strategies) {
        Section.SectionBuilder kept = Section.newBuilder()
                .withTitle(section.getTitle())
                .withSectionSystem(section.getSectionSystem())
                .withSectionCode(section.getSectionCode())
                .withSectionDisplay(section.getSectionDisplay())
                .withProfile(section.getProfile())
                .withNoInfoGenerator(section.getNoInfoGenerator());
        JpaSectionSearchStrategyCollection.JpaSectionSearchStrategyCollectionBuilder bounded =
                JpaSectionSearchStrategyCollection.newBuilder();
        boolean any = false;
        for (Class<? extends IBaseResource> type : section.getResourceTypes()) {
            if (storedTypes.contains(type.getSimpleName())) {
                kept.withResourceType(type);
                addBounded(bounded, section.getSectionCode(), type, strategies);
                any = true;
            }
        }
        if (any) {
            Section added = kept.build();
            JpaSectionSearchStrategyCollection searchesOfSection = bounded.build();
            searches.put(added, searchesOfSection);
            super.addJpaSection(added, searchesOfSection);
        }
    }

    /** Where readers' sections come from (PatientSummaryConfig): set once, before the first summary. */
    void readThrough(ISectionResourceSupplier readers) {
        this.readers = readers;
    }

    /** What a reader's document shows of each section: never the whole record's search as it is. */
    @Override
    public ISectionResourceSupplier getSectionResourceSupplier(Section section) {
        if (readers == null) {
            throw new IllegalStateException("readThrough was not set: sections would not be narrowed per reader");
        }
        return readers;
    }

    /** The section's bounded searches, run for the whole record (by {@link PreparedSections}, as the system). */
    ISectionResourceSupplier wholeRecord(Section section) {
        return super.getSectionResourceSupplier(section);
    }

    /** Of which code the section shows only the newest record, for this type; null: every record found. */
    @SuppressWarnings("unchecked")
    <T extends IBaseResource> Function<T, String> onePerCode(Section section, Class<T> type) {
        JpaSectionSearchStrategyCollection ofSection = searches.get(section);
        return ofSection != null && ofSection.getSearchStrategy(type) instanceof BoundedSectionSearch<?> bounded
                ? ((BoundedSectionSearch<T>) bounded).onePerCode()
                : null;
    }

    private static <T extends IBaseResource> void addBounded(
            JpaSectionSearchStrategyCollection.JpaSectionSearchStrategyCollectionBuilder builder,
            String sectionCode,
            Class<T> type,
            JpaSectionSearchStrategyCollection strategies) {
        builder.addStrategy(type, bound(sectionCode, type, strategies.getSearchStrategy(type)));
    }

    @SuppressWarnings("unchecked")
    private static <T extends IBaseResource> IJpaSectionSearchStrategy<T> bound(
            String sectionCode, Class<T> type, IJpaSectionSearchStrategy<T> rules) {
        String name = type.getSimpleName();
        return switch (sectionCode) {
            case SECTION_CODE_MEDICATION_SUMMARY ->
                switch (name) {
                    case "MedicationRequest" -> BoundedSectionSearch.newest(rules, 100, "authoredon");
                    case "MedicationStatement" -> BoundedSectionSearch.newest(rules, 100, "effective");
                    default -> BoundedSectionSearch.newest(rules, 20, "effective-time");
                };
            case SECTION_CODE_ADMISSIONS -> BoundedSectionSearch.newest(rules, 10, "date");
            case SECTION_CODE_IMMUNIZATIONS ->
                (IJpaSectionSearchStrategy<T>) BoundedSectionSearch.latestPerCode(
                        (IJpaSectionSearchStrategy<Immunization>) rules,
                        100,
                        "date",
                        immunization -> firstCode(immunization.getVaccineCode()));
            case SECTION_CODE_PROCEDURES -> BoundedSectionSearch.newest(rules, 20, "date");
            case SECTION_CODE_DIAGNOSTIC_RESULTS ->
                "Observation".equals(name)
                        ? (IJpaSectionSearchStrategy<T>)
                                latestObservations((IJpaSectionSearchStrategy<Observation>) rules, 200)
                        : BoundedSectionSearch.newest(rules, 10, "date");
            case SECTION_CODE_VITAL_SIGNS ->
                (IJpaSectionSearchStrategy<T>) latestObservations((IJpaSectionSearchStrategy<Observation>) rules, 100);
            case SECTION_CODE_SOCIAL_HISTORY ->
                (IJpaSectionSearchStrategy<T>) latestObservations((IJpaSectionSearchStrategy<Observation>) rules, 50);
            case SECTION_CODE_PREGNANCY -> BoundedSectionSearch.newest(rules, 10, "date");
            case SECTION_CODE_ILLNESS_HISTORY -> BoundedSectionSearch.newest(rules, 50, "onset-date");
            case SECTION_CODE_PLAN_OF_CARE -> BoundedSectionSearch.of(rules, 20);
            default -> BoundedSectionSearch.of(rules, 100); // allergies, problems: the whole current list
        };
    }

    private static BoundedSectionSearch<Observation> latestObservations(
            IJpaSectionSearchStrategy<Observation> rules, int limit) {
        Function<Observation, String> code = observation -> firstCode(observation.getCode());
        return BoundedSectionSearch.latestPerCode(rules, limit, "date", code);
    }

    private static String firstCode(CodeableConcept concept) {
        Coding coding = concept.getCodingFirstRep();
        return coding.hasCode() ? coding.getSystem() + "|" + coding.getCode() : null;
    }

    @Override
    public List<String> getNarrativePropertyFiles() {
        if (!hapiNarratives) {
            // no manifest at all: HAPI renders nothing (and reads no file: it loads the manifest per section per
            // document, ~12 % of assembling one by JFR), and SectionNarratives renders every section
            return List.of();
        }
        List<String> files = new ArrayList<>(super.getNarrativePropertyFiles());
        files.add(NARRATIVES);
        return files;
    }

    @Override
    public IBaseResource createAuthor() {
        org.hl7.fhir.r4.model.Organization author = new org.hl7.fhir.r4.model.Organization();
        author.setName("Shared care record service (documents assembled from the records its members share)");
        author.setId(IdType.newRandomUuid());
        return author;
    }

    @Override
    public String createTitle(IpsContext context) {
        return "Patient summary as of "
                + DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.UK)
                        .format(clock.instant().atZone(region));
    }
}
