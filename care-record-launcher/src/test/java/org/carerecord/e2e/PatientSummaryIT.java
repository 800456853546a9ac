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

    private Fhir.Response summary(String patient, String persona) {
        return Fhir.get(stack.fhirBaseUrl() + "/Patient/" + patient + "/$summary", stack.tokens().token(persona));
    }
}
