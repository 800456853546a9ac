package org.carerecord.e2e.walkthrough;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.carerecord.e2e.support.Audit;
import org.carerecord.e2e.support.Bundles;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.e2e.support.TestPatients;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The walking skeleton end to end: a hospital system pushes a record, clinicians read it as their roles
 * allow, the patient opts out, and every interaction is in the audit trail exactly once. The story is told once
 * (before the tests, in its own order, about its own patient); each test checks one part of it, in any order.
 */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedCareRecordIT {

    /** This test's own patient. */
    private final String nhsNumber = TestPatients.nhsNumber();

    private CareRecordStack stack;
    private String fhir;
    private String patientId;
    /** Request ids of the interactions on this patient that the audit trail must hold. */
    private final List<String> audited = new ArrayList<>();

    /** The story's steps, taken once in order before anything is checked; each test checks one part of it. */
    private final Map<String, Fhir.Response> gpReads = new LinkedHashMap<>();

    private final Map<String, Fhir.Response> clerkReads = new LinkedHashMap<>();
    private Fhir.Response optOut;
    private Fhir.Response afterOptOut;
    private Fhir.Response withoutToken;
    private Fhir.Response withAGarbageToken;

    @BeforeAll
    void theStory(CareRecordStack stack) {
        this.stack = stack;
        this.fhir = stack.fhirBaseUrl();
        // a hospital system pushes an admission, twice (a retry)
        String bundle = Bundles.admission(nhsNumber, "RTD");
        Fhir.Response first = Fhir.post(fhir, token("rtd-pas"), bundle);
        assertThat(first.status()).as(first.body().toString()).isEqualTo(200);
        Fhir.Response again = Fhir.post(fhir, token("rtd-pas"), bundle);
        assertThat(again.status()).isEqualTo(200);
        audited.add(first.requestId());
        audited.add(again.requestId());
        Fhir.Response found = Fhir.get(
                fhir + "/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|" + nhsNumber, token("gp.clinician"));
        assertThat(found.total())
                .as("pushing the same bundle twice stores one patient")
                .isEqualTo(1);
        patientId = found.body().at("/entry/0/resource/id").asText();
        audited.add(found.requestId());
        // the GP and the ward clerk read it as their roles allow
        for (String type : List.of("Condition", "MedicationRequest", "Encounter")) {
            gpReads.put(type, read(type + "?patient=" + patientId, "gp.clinician"));
        }
        gpReads.put("Patient", read("Patient/" + patientId, "gp.clinician"));
        clerkReads.put("Patient", read("Patient/" + patientId, "ward.clerk"));
        clerkReads.put("Encounter", read("Encounter?patient=" + patientId, "ward.clerk"));
        clerkReads.put("Condition", read("Condition?patient=" + patientId, "ward.clerk"));
        // the patient opts out; the GP asks again
        optOut = Fhir.post(
                stack.consentUrl() + "/fhir/Consent", token("patient." + patientId), Bundles.optOut(patientId));
        afterOptOut = read("Patient/" + patientId, "gp.clinician");
        // someone without a valid token tries
        withoutToken = Fhir.get(fhir + "/Patient/" + patientId + "?_format=json", null);
        withAGarbageToken = Fhir.get(fhir + "/Patient/" + patientId, "not-a-token");
    }

    @Test
    void gpClinicianReadsTheWholeRecord() {
        for (String type : List.of("Condition", "MedicationRequest", "Encounter")) {
            Fhir.Response result = gpReads.get(type);
            assertThat(result.status()).isEqualTo(200);
            assertThat(result.total())
                    .as("one %s, not duplicated by the second push", type)
                    .isEqualTo(1);
        }
        Fhir.Response patient = gpReads.get("Patient");
        assertThat(patient.status()).isEqualTo(200);
        assertThat(patient.body().at("/identifier/0/value").asText()).isEqualTo(nhsNumber);
    }

    @Test
    void wardClerkSeesDemographicsAndAdmissionsButNotDiagnoses() {
        assertThat(clerkReads.get("Patient").status()).isEqualTo(200);
        assertThat(clerkReads.get("Encounter").total()).isEqualTo(1);
        Fhir.Response diagnoses = clerkReads.get("Condition");
        assertThat(diagnoses.status()).isEqualTo(403);
        assertThat(diagnoses.body().path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(diagnoses.diagnostics()).contains("Clerical").contains("Condition");
    }

    @Test
    void afterThePatientOptsOutTheGpIsRefusedWithTheReason() {
        assertThat(optOut.status()).as(optOut.body().toString()).isEqualTo(201);

        assertThat(afterOptOut.status()).isEqualTo(403);
        assertThat(afterOptOut.body().path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(afterOptOut.diagnostics()).contains("opted out").contains("Consent/");
        assertThat(afterOptOut.body().at("/issue/0/code").asText()).isEqualTo("forbidden");
        assertThat(afterOptOut.body().toString()).doesNotContain(nhsNumber);
    }

    @Test
    void everyInteractionIsAuditedExactlyOnce() {
        List<JsonNode> events = awaitAuditEvents(audited.size());
        for (String requestId : audited) {
            long matches = events.stream()
                    .filter(e -> requestIdOf(e).equals(requestId))
                    .count();
            assertThat(matches).as("audit records for request %s", requestId).isEqualTo(1);
        }
        assertThat(events).anySatisfy(e -> {
            assertThat(e.path("outcome").asText()).isEqualTo("4");
            assertThat(e.toString()).contains("opted out");
        });
        assertThat(events)
                .anySatisfy(e -> assertThat(e.toString()).contains("R8010").contains("may not see Condition"));
        // fhir-server's records of the interactions above (the trail also holds consent-service's record of the
        // opt-out and audit-service's of the governance searches of it)
        assertThat(events.stream().filter(e -> audited.contains(requestIdOf(e))).toList())
                .allSatisfy(e -> assertThat(e.at("/meta/profile/0").asText())
                        .startsWith("https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.Patient"));
    }

    @Test
    void thePatientIsToldInPlainLanguageWhoLookedAtTheirRecord() {
        awaitAuditEvents(audited.size());
        Fhir.Response report =
                Fhir.get(stack.auditUrl() + "/audit/access-report?patient=" + patientId, token("patient." + patientId));
        assertThat(report.status()).isEqualTo(200);
        List<String> lines = StreamSupport.stream(report.body().path("entries").spliterator(), false)
                .map(e -> e.path("text").asText())
                .toList();
        assertThat(lines)
                .anySatisfy(line -> assertThat(line)
                        .contains("a Clinical Practitioner at A81001 looked at your record for treatment"));
        assertThat(lines)
                .anySatisfy(line -> assertThat(line)
                        .contains("a Clerical at RTD tried to look at your record")
                        .endsWith("and was refused."));

        Fhir.Response someoneElses = Fhir.get(
                stack.auditUrl() + "/audit/access-report?patient=another-patient", token("patient." + patientId));
        assertThat(someoneElses.status()).isEqualTo(403);
        assertThat(someoneElses.body().path("resourceType").asText()).isEqualTo("OperationOutcome");
    }

    @Test
    void governanceExportsThePatientsTrailAsCsv() {
        awaitAuditEvents(audited.size());
        var csv = Fhir.getText(stack.auditUrl() + "/audit/export.csv?patient=" + patientId, token("privacy.officer"));
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        List<String> rows = csv.body().lines().toList();
        assertThat(rows.get(0)).startsWith("recorded,event_id,action,outcome,user,role,organisation");
        assertThat(rows.size() - 1).isGreaterThanOrEqualTo(audited.size());
        assertThat(rows).anySatisfy(row -> assertThat(row).contains("\"ward.clerk\"", "\"R8010\"", "DENY"));

        assertThat(Fhir.getText(stack.auditUrl() + "/audit/export.csv?patient=" + patientId, token("gp.clinician"))
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void aClinicianCannotReadTheAuditTrail() {
        Fhir.Response response =
                Fhir.get(stack.auditUrl() + "/fhir/AuditEvent?patient=" + patientId, token("gp.clinician"));
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.body().path("resourceType").asText()).isEqualTo("OperationOutcome");
    }

    @Test
    void noTokenMeansUnauthorisedAndTheRefusalIsAudited() {
        assertThat(withoutToken.status()).isEqualTo(401);
        assertThat(withoutToken.body().path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(withAGarbageToken.status()).isEqualTo(401);

        JsonNode audit = Audit.awaitRecordOf(stack, withoutToken.requestId());
        assertThat(audit.path("outcome").asText()).isEqualTo("4");
        assertThat(audit.path("agent").path(0).path("who").path("display").asText())
                .startsWith("unauthenticated");
        assertThat(audit.path("outcomeDesc").asText()).contains("GET /fhir/Patient/" + patientId);
    }

    @Test
    void theAuditChainVerifies() {
        awaitAuditEvents(audited.size());
        Fhir.Response verify = Fhir.get(stack.auditUrl() + "/audit/verify", token("privacy.officer"));
        assertThat(verify.status()).isEqualTo(200);
        assertThat(verify.body().path("intact").asBoolean()).isTrue();
        assertThat(verify.body().path("recordsChecked").asLong()).isGreaterThanOrEqualTo(audited.size());
    }

    private Fhir.Response read(String path, String persona) {
        Fhir.Response response = Fhir.get(fhir + "/" + path, token(persona));
        audited.add(response.requestId());
        return response;
    }

    private List<JsonNode> awaitAuditEvents(int atLeast) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        List<JsonNode> events = List.of();
        while (Instant.now().isBefore(deadline)) {
            Fhir.Response trail = Fhir.get(
                    stack.auditUrl() + "/fhir/AuditEvent?patient=" + patientId + "&_count=500",
                    token("privacy.officer"),
                    Map.of());
            assertThat(trail.status()).isEqualTo(200);
            List<JsonNode> found = StreamSupport.stream(
                            trail.body().path("entry").spliterator(), false)
                    .map(e -> e.path("resource"))
                    .toList();
            events = found;
            if (audited.stream()
                    .allMatch(id -> found.stream().anyMatch(e -> requestIdOf(e).equals(id)))) {
                return found;
            }
            sleep();
        }
        return events;
    }

    private static String requestIdOf(JsonNode event) {
        for (JsonNode entity : event.path("entity")) {
            if ("XrequestId".equals(entity.path("type").path("code").asText())) {
                return entity.path("what").path("identifier").path("value").asText();
            }
        }
        return "";
    }

    private String token(String persona) {
        return stack.tokens().token(persona);
    }

    private static void sleep() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
