package org.carerecord.e2e.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.carerecord.e2e.support.Audit;
import org.carerecord.e2e.support.Bundles;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.e2e.support.TestPatients;
import org.carerecord.e2e.support.TestPatients.TestPatient;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;
import org.carerecord.security.dev.DevCredentials;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Found from outside: any system client could create or rewrite any patient's Consent (the hospital's PAS,
 * with no tie to him, opted a patient out region-wide), no change or refused attempt reached the trail, and
 * {@code Consent/_history} answered 400; every client shared one secret, so a minted token of one service
 * read every patient or forged audit records; refusals at consent-service and audit-service went unaudited.
 */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectiveWritesIT {

    private CareRecordStack stack;

    @BeforeAll
    void records(CareRecordStack stack) {
        this.stack = stack;
        DemoData.load(stack);
    }

    @Test
    void aProviderWithNoTieToThePatientMayNotRecordTheirDirectiveAndTheAttemptIsAudited() {
        TestPatient patient = TestPatients.davidLike(stack); // registered with A81001 (gp-system's practice)
        Fhir.Response refused = Fhir.post(consent(), token("rtd-pas"), Bundles.optOut(patient.id()));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.diagnostics()).contains("registered GP practice", "A81001");
        assertThat(trailOf(patient.id())).anySatisfy(e -> {
            assertThat(e.path("outcome").asText()).isEqualTo("4");
            assertThat(e.toString()).contains("rtd-pas", "consent-service");
        });
        // the patient is still shared
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Patient/" + patient.id(), token("gp.clinician"))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void theRegisteredPracticeRecordsItAndTheChangeIsAuditedAndKeptInHistory() {
        TestPatient patient = TestPatients.davidLike(stack); // registered with A81001 (gp-system's practice)
        Fhir.Response recorded = Fhir.post(consent(), token("gp-system"), Bundles.optOut(patient.id()));
        assertThat(recorded.status()).as(recorded.body().toString()).isEqualTo(201);
        String id = recorded.body().path("id").asText();
        assertThat(trailOf(patient.id())).anySatisfy(e -> {
            assertThat(e.path("outcome").asText()).isEqualTo("0");
            assertThat(e.toString()).contains("Consent/" + id, "registered GP practice");
        });
        // the patient withdraws it (status inactive): a second version, both in the history
        String withdrawn = Bundles.optOut(patient.id())
                .replace("\"status\":\"active\"", "\"status\":\"inactive\"")
                .replaceFirst("\\{", "{\"id\":\"" + id + "\",");
        assertThat(Fhir.put(consent() + "/" + id, token("patient." + patient.id()), withdrawn)
                        .status())
                .isEqualTo(200);
        Fhir.Response history = Fhir.get(consent() + "/" + id + "/_history", token("patient." + patient.id()));
        assertThat(history.status()).as(history.body().toString()).isEqualTo(200);
        assertThat(history.body().path("entry")).hasSize(2);
        assertThat(Fhir.get(consent() + "/" + id + "/_history", token("patient.amelia-hartley"))
                        .status())
                .isEqualTo(404);
    }

    @Test
    void aPrivacyOfficerRecordsADirectiveOnlyCitingThePatientsWrittenRequest() {
        TestPatient patient = TestPatients.davidLike(stack); // registered with A81001 (gp-system's practice)
        Fhir.Response bare = Fhir.post(consent(), token("privacy.officer"), Bundles.optOut(patient.id()));
        assertThat(bare.status()).isEqualTo(403);
        assertThat(bare.diagnostics()).contains("written request");
        String cited = Bundles.optOut(patient.id()).replaceFirst("\\{", """
                {"sourceAttachment":{"title":"Letter from the patient received 30 November 2026, ref PO-1182"},""");
        assertThat(Fhir.post(consent(), token("privacy.officer"), cited).status())
                .isEqualTo(201);
    }

    @Test
    void anotherPatientOrAClinicianMayNotRecordIt() {
        TestPatient patient = TestPatients.davidLike(stack); // registered with A81001 (gp-system's practice)
        assertThat(Fhir.post(consent(), token("patient.amelia-hartley"), Bundles.optOut(patient.id()))
                        .status())
                .isEqualTo(403);
        assertThat(Fhir.post(consent(), token("gp.clinician"), Bundles.optOut(patient.id()))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void refusalsAtAuditServiceAndConsentServiceAreThemselvesAudited() {
        TestPatient patient = TestPatients.davidLike(stack); // registered with A81001 (gp-system's practice)
        Fhir.Response nurseSearch =
                Fhir.get(stack.auditUrl() + "/fhir/AuditEvent?patient=" + patient.id(), token("hospital.nurse"));
        assertThat(nurseSearch.status()).isEqualTo(403);
        Fhir.Response otherReport = Fhir.get(
                stack.auditUrl() + "/audit/access-report?patient=" + patient.id(), token("patient.amelia-hartley"));
        assertThat(otherReport.status()).isEqualTo(403);
        Fhir.Response forged = Fhir.post(
                stack.auditUrl() + "/audit/events",
                token("gp.clinician"),
                "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[]}");
        assertThat(forged.status()).isEqualTo(403);
        Fhir.Response queue = Fhir.get(stack.consentUrl() + "/break-glass", token("hospital.nurse"));
        assertThat(queue.status()).isEqualTo(403);

        assertThat(trailOf(patient.id()))
                .anySatisfy(e -> assertThat(e.toString()).contains("hospital.nurse", "refused"));
        assertThat(trailOf(patient.id()))
                .anySatisfy(e -> assertThat(e.toString()).contains("patient.amelia-hartley", "refused"));
        Audit.awaitTrail(stack, "resource like '%gp.clinician%' and resource like '%/audit/events%'");
        Audit.awaitTrail(stack, "resource like '%hospital.nurse%' and resource like '%/break-glass%'");
    }

    @Test
    void eachClientHasItsOwnSecret() throws Exception {
        DevCredentials anyOther = new DevCredentials("not-the-install-master-secret");
        assertThat(tokenStatus("rtd-pas", anyOther.clientSecret("rtd-pas"))).isEqualTo(401);
        // a secret of one client opens no other
        String gpSystemToken = stack.tokens().token("gp-system");
        assertThat(gpSystemToken).isNotBlank();
        assertThat(tokenStatus("audit-service", secretOf("gp-system"))).isEqualTo(401);
        assertThat(tokenStatus("fhir-server", secretOf("audit-service"))).isEqualTo(401);
        assertThat(tokenStatus("audit-service", secretOf("audit-service"))).isEqualTo(200);
    }

    /** The install's own credential for a client, as the launcher hands it to that service alone. */
    private String secretOf(String client) {
        return stack.credentials().clientSecret(client);
    }

    private int tokenStatus(String client, String secret) throws Exception {
        String basic = Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(stack.issuer() + "/oauth2/token"))
                                .header("Authorization", "Basic " + basic)
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private java.util.List<JsonNode> trailOf(String patientId) {
        Audit.awaitTrail(stack, "resource like '%Patient/" + patientId + "%'");
        java.util.List<JsonNode> events = new java.util.ArrayList<>();
        try (var c = stack.connect("audit");
                var s = c.createStatement();
                var rs = s.executeQuery(
                        "select resource from audit_event where resource like '%Patient/" + patientId + "%'")) {
            while (rs.next()) {
                events.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(rs.getString(1)));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return events;
    }

    private String consent() {
        return stack.consentUrl() + "/fhir/Consent";
    }

    private String token(String persona) {
        return stack.tokens().token(persona);
    }
}
