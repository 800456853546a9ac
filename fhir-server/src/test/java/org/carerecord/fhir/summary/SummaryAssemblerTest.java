package org.carerecord.fhir.summary;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.ips.api.ISectionResourceSupplier;
import ca.uhn.fhir.jpa.ips.api.ISectionResourceSupplier.InclusionTypeEnum;
import ca.uhn.fhir.jpa.ips.api.IpsContext;
import ca.uhn.fhir.jpa.ips.api.IpsSectionContext;
import ca.uhn.fhir.jpa.ips.api.Section;
import ca.uhn.fhir.jpa.ips.generator.IpsGeneratorSvcImpl;
import ca.uhn.fhir.jpa.ips.strategy.AllergyIntoleranceNoInfoR4Generator;
import ca.uhn.fhir.jpa.ips.strategy.BaseIpsGenerationStrategy;
import ca.uhn.fhir.jpa.ips.strategy.MedicationNoInfoR4Generator;
import ca.uhn.fhir.jpa.ips.strategy.ProblemNoInfoR4Generator;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * The assembler gives the document HAPI's IPS generator gives (completed by {@link CompleteDocuments}), entry for
 * entry, for generated records: records that refer to each other across sections and to records outside the
 * document, a record found by two sections, secondary and excluded records, versioned ids, sections left empty
 * (with and without a "no information" resource). Only the made-up ids and the time of assembly differ.
 */
class SummaryAssemblerTest {

    private static final FhirContext R4 = FhirContext.forR4Cached();
    private static final String BASE = "http://localhost:8080/fhir";
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    @Property(tries = 150)
    void givesTheDocumentHapisGeneratorGives(@ForAll long seed) {
        Record record = Record.generate(new Random(seed));
        String hapi = normalised(CompleteDocuments.complete(new IpsGeneratorSvcImpl(R4, new InMemoryStrategy(record))
                .generateIps(request(), record.patientId(), null)));
        String ours = normalised(new SummaryAssembler(R4, new InMemoryStrategy(record))
                .generateIps(request(), record.patientId(), null));
        assertThat(ours).isEqualTo(hapi);
    }

    @Property(tries = 20)
    void dropsWhatTheDocumentDoesNotHoldAndKeepsWhatItDoes(@ForAll long seed) {
        Record record = Record.generate(new Random(seed));
        Bundle document =
                new SummaryAssembler(R4, new InMemoryStrategy(record)).generateIps(request(), record.patientId(), null);
        List<String> held = document.getEntry().stream()
                .map(entry -> entry.getResource().fhirType() + "/"
                        + entry.getResource().getIdElement().getIdPart())
                .toList();
        for (Bundle.BundleEntryComponent entry : document.getEntry()) {
            R4.newTerser().getAllResourceReferences(entry.getResource()).forEach(reference -> {
                String value =
                        reference.getResourceReference().getReferenceElement().getValue();
                if (value != null && !value.startsWith("#")) {
                    assertThat(held)
                            .contains(
                                    new IdType(value).toUnqualifiedVersionless().getValue());
                }
            });
        }
        assertThat(held).doesNotHaveDuplicates();
    }

    private static RequestDetails request() {
        SystemRequestDetails request = new SystemRequestDetails();
        request.setFhirServerBase(BASE);
        return request;
    }

    /** Encoded, with the moment of assembly left out and made-up ids numbered in order of appearance. */
    private static String normalised(Object generated) {
        Bundle document = (Bundle) generated;
        document.setTimestamp(null);
        ((Composition) document.getEntryFirstRep().getResource()).setDate(null);
        String json = R4.newJsonParser().setPrettyPrint(true).encodeResourceToString(document);
        Map<String, String> numbered = new LinkedHashMap<>();
        Matcher matcher = UUID.matcher(json);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, numbered.computeIfAbsent(matcher.group(), k -> "uuid-" + numbered.size()));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** A generated patient record and what each section's search gives for it. */
    private record Record(Patient patient, Map<String, List<ISectionResourceSupplier.ResourceEntry>> found) {

        IIdType patientId() {
            return new IdType("Patient", patient.getIdElement().getIdPart());
        }

        static Record generate(Random random) {
            Patient patient = new Patient();
            patient.setId("Patient/p" + random.nextInt(1000) + "/_history/" + (1 + random.nextInt(3)));
            patient.addGeneralPractitioner(new Reference("Organization/A81001"));
            patient.addName().setFamily("Smith");
            Reference subject =
                    new Reference("Patient/" + patient.getIdElement().getIdPart());
            List<String> ids = new ArrayList<>();
            Map<String, List<ISectionResourceSupplier.ResourceEntry>> found = new LinkedHashMap<>();
            List<Encounter> encounters = new ArrayList<>();
            for (int i = 0; i < random.nextInt(4); i++) {
                Encounter encounter = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED);
                encounter.setSubject(subject.copy());
                encounter.setServiceProvider(new Reference("Organization/RTD"));
                encounters.add(stored(encounter, "e" + i, random, ids));
            }
            List<Condition> conditions = new ArrayList<>();
            for (int i = 0; i < random.nextInt(5); i++) {
                Condition condition = new Condition().setCode(code("c" + i));
                condition.setSubject(subject.copy());
                condition.setEncounter(anyOf(random, ids, "Encounter"));
                conditions.add(stored(condition, "c" + i, random, ids));
            }
            for (int i = 0; i < random.nextInt(3); i++) {
                AllergyIntolerance allergy = new AllergyIntolerance().setCode(code("a" + i));
                allergy.setPatient(subject.copy());
                add(found, "allergies|AllergyIntolerance", stored(allergy, "a" + i, random, ids), random);
            }
            for (int i = 0; i < random.nextInt(3); i++) {
                MedicationRequest request = new MedicationRequest().setMedication(new Reference("Medication/m" + i));
                request.setSubject(subject.copy());
                request.setEncounter(anyOf(random, ids, "Encounter"));
                request.addReasonReference(anyOf(random, ids, "Condition"));
                add(found, "medications|MedicationRequest", stored(request, "mr" + i, random, ids), random);
            }
            if (random.nextBoolean()) {
                MedicationStatement statement = new MedicationStatement().setMedication(code("ms"));
                statement.setSubject(subject.copy());
                add(found, "medications|MedicationStatement", stored(statement, "ms", random, ids), random);
            }
            conditions.forEach(condition -> add(found, "problems|Condition", condition, random));
            encounters.forEach(encounter -> add(found, "admissions|Encounter", encounter, random));
            List<Observation> observations = new ArrayList<>();
            for (int i = 0; i < random.nextInt(5); i++) {
                Observation observation = new Observation().setCode(code("o" + i));
                observation.setSubject(subject.copy());
                observation.setEncounter(anyOf(random, ids, "Encounter"));
                observation.addHasMember(anyOf(random, ids, "Observation"));
                observations.add(stored(observation, "o" + i, random, ids));
            }
            observations.forEach(observation -> add(found, "results|Observation", observation, random));
            if (random.nextBoolean()) {
                DiagnosticReport report = new DiagnosticReport().setCode(code("r"));
                report.setSubject(subject.copy());
                observations.forEach(observation -> report.addResult(new Reference(
                        "Observation/" + observation.getIdElement().getIdPart())));
                add(found, "results|DiagnosticReport", stored(report, "r", random, ids), random);
            }
            for (int i = 0; i < random.nextInt(3); i++) {
                Procedure procedure = new Procedure().setCode(code("p" + i));
                procedure.setSubject(subject.copy());
                procedure.addReasonReference(anyOf(random, ids, "Condition"));
                procedure.setEncounter(anyOf(random, ids, "Encounter"));
                add(found, "procedures|Procedure", stored(procedure, "p" + i, random, ids), random);
            }
            // a problem may be found again as past illness: one entry, listed in both sections
            conditions.stream()
                    .filter(condition -> random.nextBoolean())
                    .forEach(condition -> add(found, "illness|Condition", condition, random));
            return new Record(patient, found);
        }

        private static <T extends Resource> T stored(T record, String id, Random random, List<String> ids) {
            record.setId(record.fhirType() + "/" + id + "/_history/" + (1 + random.nextInt(3)));
            ids.add(record.fhirType() + "/" + id);
            return record;
        }

        /** A reference to a record of that type made so far, to one never made, or an empty one. */
        private static Reference anyOf(Random random, List<String> ids, String type) {
            List<String> ofType =
                    ids.stream().filter(id -> id.startsWith(type + "/")).toList();
            int pick = random.nextInt(ofType.size() + 2);
            return pick < ofType.size()
                    ? new Reference(ofType.get(pick))
                    : pick == ofType.size() ? new Reference(type + "/elsewhere") : new Reference();
        }

        private static void add(
                Map<String, List<ISectionResourceSupplier.ResourceEntry>> found,
                String key,
                Resource record,
                Random random) {
            int kind = random.nextInt(10);
            InclusionTypeEnum inclusion = kind < 7
                    ? InclusionTypeEnum.PRIMARY_RESOURCE
                    : kind < 9 ? InclusionTypeEnum.SECONDARY_RESOURCE : InclusionTypeEnum.EXCLUDE;
            found.computeIfAbsent(key, k -> new ArrayList<>())
                    .add(new ISectionResourceSupplier.ResourceEntry(record, inclusion));
        }

        private static CodeableConcept code(String code) {
            return new CodeableConcept(new Coding("http://snomed.info/sct", code, null));
        }
    }

    /** Sections like the record's own, each giving fresh copies of what its search found (generators mutate them). */
    private static final class InMemoryStrategy extends BaseIpsGenerationStrategy implements ISectionResourceSupplier {

        private final Record record;
        private final Map<Section, String> names = new LinkedHashMap<>();

        InMemoryStrategy(Record record) {
            this.record = record;
        }

        @Override
        public void initialize() {
            section("allergies", "48765-2", new AllergyIntoleranceNoInfoR4Generator(), AllergyIntolerance.class);
            section(
                    "medications",
                    "10160-0",
                    new MedicationNoInfoR4Generator(),
                    MedicationRequest.class,
                    MedicationStatement.class);
            section("problems", "11450-4", new ProblemNoInfoR4Generator(), Condition.class);
            section("admissions", "46240-8", null, Encounter.class);
            section("results", "30954-2", null, Observation.class, DiagnosticReport.class);
            section("procedures", "47519-4", null, Procedure.class);
            section("illness", "11348-0", null, Condition.class);
        }

        @SafeVarargs
        private void section(
                String name,
                String code,
                ca.uhn.fhir.jpa.ips.api.INoInfoGenerator noInfo,
                Class<? extends IBaseResource>... types) {
            Section.SectionBuilder builder = Section.newBuilder()
                    .withTitle(name)
                    .withSectionSystem("http://loinc.org")
                    .withSectionCode(code)
                    .withSectionDisplay(name)
                    .withProfile("urn:test:" + name)
                    .withNoInfoGenerator(noInfo);
            for (Class<? extends IBaseResource> type : types) {
                builder.withResourceType(type);
            }
            Section section = builder.build();
            names.put(section, name);
            addSection(section, this);
        }

        @Override
        public List<String> getNarrativePropertyFiles() {
            return List.of(); // as the record's strategy: sections are rendered by SectionNarratives
        }

        @Override
        public <T extends IBaseResource> List<ResourceEntry> fetchResourcesForSection(
                IpsContext context, IpsSectionContext<T> section, RequestDetails request) {
            return record
                    .found()
                    .getOrDefault(
                            names.get(section.getSection()) + "|"
                                    + section.getResourceType().getSimpleName(),
                            List.of())
                    .stream()
                    .map(entry -> new ResourceEntry(((Resource) entry.getResource()).copy(), entry.getInclusionType()))
                    .toList();
        }

        @Override
        public IBaseResource fetchPatient(IIdType patientId, RequestDetails request) {
            return record.patient().copy();
        }

        @Override
        public IBaseResource fetchPatient(TokenParam patientIdentifier, RequestDetails request) {
            return record.patient().copy();
        }
    }
}
