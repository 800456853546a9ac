package org.carerecord.e2e.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.e2e.support.SummaryDocuments;
import org.carerecord.e2e.support.SyntheaPatients;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real Synthea patient (the generator module, fixed seed and reference date) pushed by the hospital's
 * system as Synthea writes it: the hospitals and practitioners first (batch), then the patient's
 * transaction bundle with its conditional references ({@code Practitioner?identifier=...}). It loads as it
 * is; pushed again it changes nothing; a nurse at the pushing hospital then sees the new clinical types
 * (immunisations, reports) and not the billing ones (claims), which no role is shown.
 */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyntheaIngestIT {

    /** One living patient with a short history (a few hundred resources), so the test stays quick. */
    private static final String SEED = "7";
    /** {@code -Dsynthea.patients=N} generates N patients (the default suite: one) and summarises each. */
    private static final int PATIENTS = Integer.getInteger("synthea.patients", 1);

    private CareRecordStack stack;
    private SyntheaPatients synthea;
    private String token;

    @BeforeAll
    void generate(CareRecordStack stack) throws Exception {
        this.stack = stack;
        this.token = stack.tokens().token("rtd-pas");
        this.synthea = SyntheaPatients.generated(SEED, PATIENTS);
    }

    @Test
    void aSyntheaPatientLoadsAsItIsAndPushingItAgainChangesNothing() throws IOException {
        for (Path directory : synthea.directories()) {
            Fhir.Response loaded = Fhir.post(stack.fhirBaseUrl(), token, Files.readString(directory));
            assertThat(loaded.status()).as(directory.getFileName().toString()).isEqualTo(200);
        }
        Path patient = synthea.patients().get(0);
        String bundle = Files.readString(patient);
        Fhir.Response created = Fhir.post(stack.fhirBaseUrl(), token, bundle);
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.body().path("entry").size()).isGreaterThan(50);
        assertThat(outcomes(created.body())).containsOnlyKeys("SUCCESSFUL_UPDATE_AS_CREATE");

        Fhir.Response again = Fhir.post(stack.fhirBaseUrl(), token, bundle);
        assertThat(again.status()).isEqualTo(200);
        assertThat(outcomes(again.body())).containsOnlyKeys("SUCCESSFUL_UPDATE_NO_CHANGE");
        assertThat(again.body().path("entry").size())
                .isEqualTo(created.body().path("entry").size());

        String patientId = StreamSupport.stream(created.body().path("entry").spliterator(), false)
                .map(e -> e.path("response").path("location").asText())
                .filter(l -> l.startsWith("Patient/"))
                .map(l -> l.split("/")[1])
                .findFirst()
                .orElseThrow();
        String nurse = stack.tokens().token("hospital.nurse");
        Fhir.Response immunisations = Fhir.get(stack.fhirBaseUrl() + "/Immunization?patient=" + patientId, nurse);
        assertThat(immunisations.status()).isEqualTo(200);
        assertThat(immunisations.body().path("entry").size()).isPositive();
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/DiagnosticReport?patient=" + patientId, nurse)
                        .status())
                .isEqualTo(200);
        Fhir.Response claims = Fhir.get(stack.fhirBaseUrl() + "/Claim?patient=" + patientId, nurse);
        assertThat(claims.status()).isEqualTo(403);
    }

    /**
     * Every generated patient's summary, assembled afresh, is a document HAPI's validator accepts (issue 13:
     * any valid record gives a valid document); Synthea writes the kind of long, coded history a GP holds.
     */
    @Test
    void everySyntheaPatientGivesAValidSummary() throws IOException {
        for (Path directory : synthea.directories()) {
            assertThat(Fhir.post(stack.fhirBaseUrl(), token, Files.readString(directory))
                            .status())
                    .isEqualTo(200);
        }
        List<Path> patients = synthea.patients();
        assertThat(patients).hasSize(PATIENTS);
        String nurse = stack.tokens().token("hospital.nurse");
        for (Path file : patients) {
            Fhir.Response loaded = Fhir.post(stack.fhirBaseUrl(), token, Files.readString(file));
            assertThat(loaded.status()).as(file.getFileName().toString()).isEqualTo(200);
            String patientId = StreamSupport.stream(loaded.body().path("entry").spliterator(), false)
                    .map(e -> e.path("response").path("location").asText())
                    .filter(l -> l.startsWith("Patient/"))
                    .map(l -> l.split("/")[1])
                    .findFirst()
                    .orElseThrow();
            Fhir.Response summary = Fhir.get(
                    stack.fhirBaseUrl() + "/Patient/" + patientId + "/$summary",
                    nurse,
                    Map.of("Cache-Control", "no-store"));
            assertThat(summary.status())
                    .as(file.getFileName() + ": " + summary.diagnostics())
                    .isEqualTo(200);
            assertThat(SummaryDocuments.errors(summary.body()))
                    .as(file.getFileName() + ": HAPI's validator on the summary")
                    .isEmpty();
        }
    }

    /** How many entries of a transaction response ended in each HAPI storage outcome. */
    private static Map<String, Long> outcomes(JsonNode response) {
        return StreamSupport.stream(response.path("entry").spliterator(), false)
                .map(e -> e.path("response")
                        .path("outcome")
                        .path("issue")
                        .path(0)
                        .path("details")
                        .path("coding")
                        .path(0)
                        .path("code")
                        .asText())
                .collect(Collectors.groupingBy(c -> c, TreeMap::new, Collectors.counting()));
    }
}
