package org.carerecord.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The clinician's patient summary ($summary, an IPS document), filtered like every other path. */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PatientSummaryIT {

    private CareRecordStack stack;

    @BeforeAll
    void demoData(CareRecordStack stack) {
        this.stack = stack;
        DemoData.load(stack);
    }

    @Test
    void theGpGetsAnIpsDocumentWithProblemsMedicationsAndAllergiesAndWhereEachCameFrom() {
        Fhir.Response summary = summary("amelia-hartley", "gp.clinician");

        assertThat(summary.status()).as(summary.body().toString()).isEqualTo(200);
        assertThat(summary.body().path("type").asText()).isEqualTo("document");
        JsonNode composition = summary.body().path("entry").path(0).path("resource");
        assertThat(composition.path("resourceType").asText()).isEqualTo("Composition");
        assertThat(composition.path("section").toString()).contains("Problem", "Medication", "Allerg");
        String body = summary.body().toString();
        assertThat(body).contains("44054006", "195967001", "Metformin", "Salbutamol", "91936005");
        assertThat(body).contains("https://care-record.example.org/CodeSystem/source-organisation");
    }

    @Test
    void whatTheUserMayNotSeeIsLeftOutAndTheDocumentSaysSo() {
        Fhir.Response summary = summary("david-robson", "social.worker");

        assertThat(summary.status()).isEqualTo(200);
        String body = summary.body().toString();
        assertThat(body).contains("279039007").doesNotContain("35489007").doesNotContain("Sertraline")
                .doesNotContain("Depressive");
        assertThat(body).contains("Some items were withheld: restricted category.");
    }

    @Test
    void noRelationshipNoSummary() {
        Fhir.Response summary = summary("david-robson", "hospital.nurse");
        assertThat(summary.status()).isEqualTo(403);
        assertThat(summary.diagnostics()).contains("No legitimate relationship");
    }

    @Test
    void everythingTakesTypeAndCountAndPagesThroughTheSameFilter() {
        String token = stack.tokens().token("gp.clinician");
        Fhir.Response first = Fhir.get(stack.fhirBaseUrl()
                + "/Patient/amelia-hartley/$everything?_type=Condition,MedicationRequest&_count=2", token);
        assertThat(first.status()).isEqualTo(200);
        java.util.Set<String> types = new java.util.HashSet<>();
        int seen = 0;
        Fhir.Response page = first;
        for (int pages = 0; pages < 10; pages++) {
            for (JsonNode entry : page.body().path("entry")) {
                types.add(entry.path("resource").path("resourceType").asText());
                seen++;
            }
            String next = null;
            for (JsonNode link : page.body().path("link")) {
                if ("next".equals(link.path("relation").asText())) {
                    next = link.path("url").asText();
                }
            }
            if (next == null) {
                break;
            }
            page = Fhir.get(next, token);
            assertThat(page.status()).isEqualTo(200);
        }
        assertThat(types).containsOnly("Patient", "Condition", "MedicationRequest"); // the patient comes with its compartment
        assertThat(seen).as("3 conditions and 3 medications over several pages").isGreaterThanOrEqualTo(6);
    }

    private Fhir.Response summary(String patient, String persona) {
        return Fhir.get(stack.fhirBaseUrl() + "/Patient/" + patient + "/$summary", stack.tokens().token(persona));
    }
}
