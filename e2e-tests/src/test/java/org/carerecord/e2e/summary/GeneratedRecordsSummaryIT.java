package org.carerecord.e2e.summary;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.sessions.JqwikSession;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.e2e.support.SummaryDocuments;
import org.carerecord.e2e.support.TestPatients;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Any valid record gives a summary. Found from outside: every patient whose recent admission had no
 * {@code Encounter.type} (optional in FHIR; hospital PAS feeds leave it out) made {@code $summary} a 500.
 * Generated patients, each with admissions, problems, medications, allergies, results, immunisations and
 * procedures whose optional elements are left out at random — no type, no display, no text, no period end,
 * no status where optional, unusual codings, extensions, a contained medication — pushed by the practice's
 * system; each summary, assembled afresh, must be a document whose every section holds something (R4 cmp-1)
 * and that HAPI's validator accepts against the R4 base definitions ({@link SummaryDocuments}).
 * {@code -Dsummary.patients} sets how many, {@code -Dsummary.seed} repeats a run.
 */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratedRecordsSummaryIT {

    private static final int PATIENTS = Integer.getInteger("summary.patients", 30);
    private static final long SEED = Long.getLong("summary.seed", new Random().nextLong());
    private static final String SNOMED = "http://snomed.info/sct";

    private CareRecordStack stack;

    @BeforeAll
    void demoData(CareRecordStack stack) {
        this.stack = stack;
        DemoData.load(stack); // the practice and organisations the records refer to
    }

    @Test
    void everyGeneratedRecordGivesADocument() {
        List<String> bundles = new ArrayList<>();
        JqwikSession.run(
                String.valueOf(SEED),
                () -> records()
                        .list()
                        .ofMinSize(3)
                        .ofMaxSize(12)
                        .sampleStream()
                        .limit(PATIENTS)
                        .forEach(entries -> bundles.add(bundle(entries))));
        System.out.printf(
                "GeneratedRecordsSummaryIT: %d patients from seed %d (-Dsummary.seed=%d repeats them)%n",
                PATIENTS, SEED, SEED);
        int summarised = 0;
        List<String> withoutNarrative = new ArrayList<>();
        for (String bundle : bundles) {
            Fhir.Response pushed = Fhir.post(stack.fhirBaseUrl(), stack.tokens().token("gp-system"), bundle);
            assertThat(pushed.status())
                    .as("a valid record is accepted: " + pushed.body())
                    .isEqualTo(200);
            String patient = bundle.replaceAll("(?s).*\"url\":\"Patient/([^\"]+)\".*", "$1");
            Fhir.Response summary = Fhir.get(
                    stack.fhirBaseUrl() + "/Patient/" + patient + "/$summary",
                    stack.tokens().token("gp.clinician"),
                    Map.of("Cache-Control", "no-store"));
            assertThat(summary.status())
                    .as(patient + ": " + summary.body() + "\nfrom " + bundle)
                    .isEqualTo(200);
            assertThat(summary.body().path("type").asText()).isEqualTo("document");
            JsonNode composition = summary.body().path("entry").path(0).path("resource");
            assertThat(composition.path("resourceType").asText()).isEqualTo("Composition");
            assertThat(SummaryDocuments.errors(summary.body()))
                    .as(patient + ": HAPI's validator on the document")
                    .isEmpty();
            for (JsonNode section : composition.path("section")) {
                // cmp-1: a section has a narrative, entries or sub-sections, or says why it is empty
                assertThat(section.has("text")
                                || section.has("entry")
                                || section.has("section")
                                || section.has("emptyReason"))
                        .as(patient + " section " + section.path("title"))
                        .isTrue();
                if (!section.path("text").path("div").asText().startsWith("<div")) {
                    withoutNarrative.add(section.path("title").asText());
                }
            }
            summarised++;
        }
        assertThat(summarised).isEqualTo(PATIENTS);
        // a reader that shows only text must see every section (HAPI left some sections without one: CompleteDocuments)
        assertThat(withoutNarrative).as("sections without a narrative").isEmpty();
    }

    /** One clinical record of the patient {@code {P}}, as a transaction entry. */
    private Arbitrary<String> records() {
        return Arbitraries.oneOf(
                encounter(), condition(), medication(), allergy(), observation(), immunisation(), procedure());
    }

    private static String bundle(List<String> entries) {
        String patient = "gen-" + UUID.randomUUID().toString().substring(0, 8);
        String nhs = TestPatients.nhsNumber();
        StringBuilder json = new StringBuilder("""
                {"resourceType":"Bundle","type":"transaction","entry":[
                 {"fullUrl":"Patient/%1$s","resource":{"resourceType":"Patient","id":"%1$s",
                   "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"%2$s"}],
                   "name":[{"family":"Generated","given":["Test"]}],"birthDate":"1960-05-04",
                   "generalPractitioner":[{"reference":"Organization/A81001"}]},
                  "request":{"method":"PUT","url":"Patient/%1$s"}}""".formatted(patient, nhs));
        for (String entry : entries) {
            json.append(",\n{\"fullUrl\":\"urn:uuid:")
                    .append(UUID.randomUUID())
                    .append("\",")
                    .append(entry.replace("{P}", patient))
                    .append("}");
        }
        return json.append("]}").toString();
    }

    private static String entry(String type, String body) {
        return "\"resource\":{\"resourceType\":\"" + type + "\"," + body
                + "},\"request\":{\"method\":\"POST\",\"url\":\"" + type + "\"}";
    }

    private Arbitrary<String> encounter() {
        return Combinators.combine(
                        Arbitraries.of("IMP", "EMER", "SS", "AMB", "ACUTE"),
                        optional(Arbitraries.of("inpatient encounter", "")),
                        optional(concept("32485007", "Hospital admission")),
                        optional(concept("267036007", "Dyspnoea")),
                        Arbitraries.integers().between(1, 700),
                        optional(Arbitraries.integers().between(0, 30)),
                        Arbitraries.of("finished", "in-progress", "arrived", "cancelled"))
                .as((cls, clsDisplay, type, reason, daysAgo, stayed, status) -> entry(
                        "Encounter",
                        "\"status\":\"" + status
                                + "\",\"class\":{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\""
                                + cls + "\""
                                + clsDisplay
                                        .filter(d -> !d.isEmpty())
                                        .map(d -> ",\"display\":\"" + d + "\"")
                                        .orElse("") + "}"
                                + type.map(t -> ",\"type\":[" + t + "]").orElse("")
                                + reason.map(r -> ",\"reasonCode\":[" + r + "]").orElse("")
                                + ",\"subject\":{\"reference\":\"Patient/{P}\"},\"period\":{\"start\":\"" + day(daysAgo)
                                + "\""
                                + stayed.map(s -> ",\"end\":\"" + day(Math.max(0, daysAgo - s)) + "\"")
                                        .orElse("") + "}"));
    }

    private Arbitrary<String> condition() {
        return Combinators.combine(
                        concept(
                                Arbitraries.of("44054006", "38341003", "195967001", "73211009", "999999999999"),
                                Arbitraries.of("Diabetes", "", "Hypertension")),
                        optional(Arbitraries.of("active", "resolved", "inactive", "remission")),
                        optional(Arbitraries.of("problem-list-item", "encounter-diagnosis")),
                        optional(Arbitraries.integers().between(0, 9000)),
                        optional(Arbitraries.of("[{\"url\":\"https://example.org/ext\",\"valueString\":\"x\"}]")))
                .as((code, clinicalOrNot, category, onset, extension) -> {
                    // con-3: a problem-list item has a clinical status
                    Optional<String> clinical =
                            category.filter("problem-list-item"::equals).isPresent()
                                    ? clinicalOrNot.or(() -> Optional.of("active"))
                                    : clinicalOrNot;
                    return entry(
                            "Condition",
                            "\"code\":" + code
                                    + clinical.map(c ->
                                                    ",\"clinicalStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\""
                                                            + c + "\"}]}")
                                            .orElse("")
                                    + category.map(c ->
                                                    ",\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/condition-category\",\"code\":\""
                                                            + c + "\"}]}]")
                                            .orElse("")
                                    + onset.map(d -> ",\"onsetDateTime\":\"" + day(d) + "\"")
                                            .orElse("")
                                    + extension.map(e -> ",\"extension\":" + e).orElse("")
                                    + ",\"subject\":{\"reference\":\"Patient/{P}\"}");
                });
    }

    private Arbitrary<String> medication() {
        Arbitrary<String> inline = concept(
                        Arbitraries.of("42164011000001101", "39113611000001102", "12345"),
                        Arbitraries.of("Metformin 500mg tablets", ""))
                .map(c -> "\"medicationCodeableConcept\":" + c);
        Arbitrary<String> contained =
                Arbitraries.of("\"contained\":[{\"resourceType\":\"Medication\",\"id\":\"med\",\"code\":"
                        + "{\"coding\":[{\"system\":\"https://dmd.nhs.uk\",\"code\":\"42206511000001102\"}]}}],"
                        + "\"medicationReference\":{\"reference\":\"#med\"}");
        return Combinators.combine(
                        Arbitraries.oneOf(inline, contained),
                        Arbitraries.of("active", "stopped", "completed", "on-hold"),
                        Arbitraries.of("order", "plan"),
                        optional(Arbitraries.of("One tablet daily", "")),
                        optional(Arbitraries.integers().between(0, 800)))
                .as((med, status, intent, dosage, authored) -> entry(
                        "MedicationRequest",
                        med + ",\"status\":\"" + status
                                + "\",\"intent\":\"" + intent + "\",\"subject\":{\"reference\":\"Patient/{P}\"}"
                                + dosage.filter(d -> !d.isEmpty())
                                        .map(d -> ",\"dosageInstruction\":[{\"text\":\"" + d + "\"}]")
                                        .orElse("")
                                + authored.map(a -> ",\"authoredOn\":\"" + day(a) + "\"")
                                        .orElse("")));
    }

    private Arbitrary<String> allergy() {
        return Combinators.combine(
                        concept(Arbitraries.of("91936005", "300916003"), Arbitraries.of("Allergy to penicillin", "")),
                        // ait-1: clinicalStatus is required unless the allergy was entered in error
                        Arbitraries.of("active", "inactive", "resolved").map(Optional::of),
                        optional(Arbitraries.of("low", "high", "unable-to-assess")))
                .as((code, clinical, criticality) -> entry(
                        "AllergyIntolerance",
                        "\"code\":" + code
                                + clinical.map(c ->
                                                ",\"clinicalStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical\",\"code\":\""
                                                        + c + "\"}]}")
                                        .orElse("")
                                + criticality
                                        .map(c -> ",\"criticality\":\"" + c + "\"")
                                        .orElse("")
                                + ",\"patient\":{\"reference\":\"Patient/{P}\"}"));
    }

    private Arbitrary<String> observation() {
        Arbitrary<String> value = Arbitraries.of(
                "",
                ",\"valueQuantity\":{\"value\":7.2,\"unit\":\"mmol/L\"}",
                ",\"valueString\":\"normal\"",
                ",\"valueCodeableConcept\":{\"text\":\"positive\"}",
                ",\"valueQuantity\":{\"value\":120}");
        return Combinators.combine(
                        Arbitraries.of("final", "preliminary", "amended", "registered"),
                        Arbitraries.of(
                                "{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"4548-4\"}]}",
                                "{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8480-6\",\"display\":\"Systolic blood pressure\"}]}",
                                "{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}],\"text\":\"Heart rate\"}"),
                        value,
                        optional(Arbitraries.of("vital-signs", "laboratory", "social-history")),
                        optional(Arbitraries.integers().between(0, 900)))
                .as((status, code, v, category, when) -> entry(
                        "Observation",
                        "\"status\":\"" + status + "\",\"code\":" + code + v
                                + category.map(c ->
                                                ",\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\""
                                                        + c + "\"}]}]")
                                        .orElse("")
                                + when.map(w -> ",\"effectiveDateTime\":\"" + day(w) + "\"")
                                        .orElse("")
                                + ",\"subject\":{\"reference\":\"Patient/{P}\"}"));
    }

    private Arbitrary<String> immunisation() {
        return Combinators.combine(
                        Arbitraries.of("completed", "not-done"),
                        Arbitraries.of("", "Influenza vaccine"),
                        Arbitraries.integers().between(0, 3000))
                .as((status, display, when) -> entry(
                        "Immunization",
                        "\"status\":\"" + status + "\",\"vaccineCode\":{\"coding\":[{\"system\":\""
                                + SNOMED + "\",\"code\":\"1181000221105\""
                                + (display.isEmpty() ? "" : ",\"display\":\"" + display + "\"") + "}]}"
                                + ",\"patient\":{\"reference\":\"Patient/{P}\"},\"occurrenceDateTime\":\"" + day(when)
                                + "\""));
    }

    private Arbitrary<String> procedure() {
        return Combinators.combine(
                        Arbitraries.of("completed", "in-progress", "stopped"),
                        concept(Arbitraries.of("80146002", "387713003"), Arbitraries.of("Appendectomy", "")),
                        optional(Arbitraries.integers().between(0, 5000)))
                .as((status, code, when) -> entry(
                        "Procedure",
                        "\"status\":\"" + status + "\",\"code\":" + code
                                + when.map(w -> ",\"performedDateTime\":\"" + day(w) + "\"")
                                        .orElse("")
                                + ",\"subject\":{\"reference\":\"Patient/{P}\"}"));
    }

    /** A SNOMED concept whose display may be missing. */
    private static Arbitrary<String> concept(String code, String display) {
        return concept(Arbitraries.just(code), Arbitraries.of(display, ""));
    }

    private static Arbitrary<String> concept(Arbitrary<String> codes, Arbitrary<String> displays) {
        return Combinators.combine(codes, displays, Arbitraries.of(true, false))
                .as((code, display, withText) -> "{\"coding\":[{\"system\":\"" + SNOMED + "\",\"code\":\"" + code + "\""
                        + (display.isEmpty() ? "" : ",\"display\":\"" + display + "\"") + "}]"
                        + (withText && !display.isEmpty() ? ",\"text\":\"" + display + "\"" : "") + "}");
    }

    private static <T> Arbitrary<Optional<T>> optional(Arbitrary<T> present) {
        return Arbitraries.oneOf(present.map(Optional::of), Arbitraries.just(Optional.empty()));
    }

    private static String day(int daysAgo) {
        return LocalDate.now().minusDays(daysAgo).toString();
    }
}
