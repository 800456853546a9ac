package org.carerecord.e2e.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.carerecord.e2e.support.Audit;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.e2e.support.TestPatients;
import org.carerecord.e2e.support.TestPatients.TestPatient;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who sees what of the demo patients, and why: each demo persona × patient × kind of record, through the
 * real services. Each is this class's own copy of a demo patient ({@link TestPatients#copyOf}), so nothing
 * another test changes alters what a persona sees, and the tests run in any order: amelia, david and susan
 * are registered with GP practice A81001; the hospital (RTD) discharged amelia 50 days ago and has susan on
 * a ward now; the council (NENC-LA1) is on david's care team; david's depression and sertraline are mental
 * health. A test that adds a record, changes a consent or breaks glass does it to a patient of its own.
 */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixIT {

    private static final String AMELIA = "amelia-hartley";
    private static final String DAVID = "david-robson";
    private static final String SUSAN = "susan-armstrong";
    private static final String NO_RELATIONSHIP = "No legitimate relationship";

    private CareRecordStack stack;
    /** This class's copies of the demo patients, by demo id. */
    private final Map<String, TestPatient> copies = new HashMap<>();

    @BeforeAll
    void ownPatients(CareRecordStack stack) {
        this.stack = stack;
        for (String demo : List.of(AMELIA, DAVID, SUSAN)) {
            copies.put(demo, TestPatients.copyOf(stack, demo));
        }
    }

    /** This class's copy of a demo patient. */
    private String id(String demo) {
        return copies.get(demo).id();
    }

    /** What a cell expects: HTTP status, and for 200 the records shown (codes, drug names, statuses). */
    record Cell(int status, Set<String> shown, String reason) {
        static Cell shows(String... items) {
            return new Cell(200, Set.of(items), null);
        }

        static Cell refused(String reason) {
            return new Cell(403, Set.of(), reason);
        }

        static Cell notFound() {
            return new Cell(404, Set.of(), null);
        }
    }

    static Stream<Arguments> matrix() {
        return Stream.of(
                // persona, patient, search, expected
                cell("gp.clinician", AMELIA, "Condition", Cell.shows("44054006", "38341003", "195967001")),
                cell("gp.clinician", DAVID, "Condition", Cell.shows("35489007", "279039007")),
                cell("gp.clinician", DAVID, "MedicationRequest", Cell.shows("Sertraline")),
                cell("gp.clinician", SUSAN, "Patient", Cell.shows(SUSAN)),
                cell("hospital.nurse", AMELIA, "Condition", Cell.shows("44054006", "38341003", "195967001")),
                cell("hospital.nurse", AMELIA, "MedicationRequest", Cell.shows("Metformin", "Ramipril", "Salbutamol")),
                cell("hospital.nurse", SUSAN, "Encounter", Cell.shows("in-progress")),
                cell("hospital.nurse", DAVID, "Condition", Cell.refused(NO_RELATIONSHIP)),
                cell("hospital.nurse", DAVID, "Patient", Cell.refused(NO_RELATIONSHIP)),
                cell("social.worker", DAVID, "Patient", Cell.shows(DAVID)),
                cell("social.worker", DAVID, "Condition", Cell.shows("279039007")),
                cell("social.worker", DAVID, "MedicationRequest", Cell.shows()),
                cell("social.worker", AMELIA, "MedicationRequest", Cell.refused(NO_RELATIONSHIP)),
                cell("social.worker", SUSAN, "Patient", Cell.refused(NO_RELATIONSHIP)),
                cell("ward.clerk", AMELIA, "Patient", Cell.shows(AMELIA)),
                cell("ward.clerk", AMELIA, "Encounter", Cell.shows("finished")),
                cell("ward.clerk", AMELIA, "Condition", Cell.refused("may not see Condition")),
                cell("ward.clerk", AMELIA, "MedicationRequest", Cell.refused("may not see MedicationRequest")),
                cell("privacy.officer", AMELIA, "Patient", Cell.refused("scopes do not allow read on Patient")),
                cell("privacy.officer", DAVID, "Condition", Cell.refused("scopes do not allow search on Condition")),
                cell("patient." + AMELIA, AMELIA, "Condition", Cell.shows("44054006", "38341003", "195967001")),
                cell("patient." + AMELIA, DAVID, "Patient", Cell.notFound()));
    }

    private static Arguments cell(String persona, String patient, String type, Cell expected) {
        return Arguments.of(persona, patient, type, expected);
    }

    @ParameterizedTest(name = "{0} · {1} · {2} → {3}")
    @MethodSource("matrix")
    void whoSeesWhat(String persona, String demoPatient, String type, Cell expected) {
        String patient = id(demoPatient);
        String as = persona.startsWith("patient.") ? "patient." + id(persona.substring("patient.".length())) : persona;
        Fhir.Response response = "Patient".equals(type)
                ? Fhir.get(stack.fhirBaseUrl() + "/Patient/" + patient, token(as))
                : Fhir.get(stack.fhirBaseUrl() + "/" + type + "?patient=" + patient, token(as));

        assertThat(response.status()).as(response.body().toString()).isEqualTo(expected.status());
        if (expected.status() == 200) {
            Set<String> shown = new LinkedHashSet<>();
            expected.shown().forEach(item -> shown.add(copies.containsKey(item) ? id(item) : item));
            assertThat(shown(response.body())).isEqualTo(shown);
        } else if (expected.reason() != null) {
            assertThat(response.diagnostics()).contains(expected.reason());
        }
    }

    @Test
    void withheldRecordsAreNamedInTheResultWithoutCountOrContent() {
        Fhir.Response response =
                Fhir.get(stack.fhirBaseUrl() + "/MedicationRequest?patient=" + id(DAVID), token("social.worker"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().has("total")).isFalse();
        String notice = notice(response.body());
        assertThat(notice).isEqualTo("Some items were withheld: restricted category.");
        assertThat(response.body().toString()).doesNotContain("Sertraline").doesNotContain("39695211000001102");
    }

    @Test
    void aCountCannotBeUsedToProbeWhatIsWithheld() {
        Fhir.Response count = Fhir.get(
                stack.fhirBaseUrl() + "/Condition?patient=" + id(DAVID) + "&_summary=count", token("social.worker"));
        assertThat(count.status()).isEqualTo(400);
        assertThat(count.diagnostics()).contains("_summary=count is not permitted");
    }

    @Test
    void aGranularScopeShowsOnlyTheRecordsItsQueryMatches() {
        String own = TestPatients.copyOf(stack, AMELIA).id(); // it changes what is seen of this patient
        Fhir.Response pushed = Fhir.post(stack.fhirBaseUrl() + "/Condition", token("rtd-pas"), """
                {"resourceType":"Condition",
                 "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-category","code":"encounter-diagnosis"}]}],
                 "code":{"coding":[{"system":"http://snomed.info/sct","code":"233604007","display":"Pneumonia"}]},
                 "subject":{"reference":"Patient/%s"}}""".formatted(own));
        assertThat(pushed.status()).isEqualTo(201);

        Fhir.Response conditions = Fhir.get(stack.fhirBaseUrl() + "/Condition?patient=" + own, token("gp.locum"));
        assertThat(shown(conditions.body())).containsExactly("233604007");
        assertThat(notice(conditions.body())).contains("outside what your application was granted");
        Fhir.Response problem =
                Fhir.get(stack.fhirBaseUrl() + "/Condition?patient=" + own + "&code=44054006", token("gp-system"));
        String diabetes =
                problem.body().path("entry").path(0).path("resource").path("id").asText();
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Condition/" + diabetes, token("gp.locum"))
                        .status())
                .isEqualTo(403);
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/MedicationRequest?patient=" + own, token("gp.locum"))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void theServerPublishesWhatItSupportsForSmartClients() {
        Fhir.Response smart = Fhir.get(stack.fhirBaseUrl() + "/.well-known/smart-configuration", null);
        assertThat(smart.status()).isEqualTo(200);
        assertThat(smart.body().path("token_endpoint").asText()).endsWith("/oauth2/token");
        assertThat(smart.body().path("capabilities").toString()).contains("permission-v2");
        Fhir.Response metadata = Fhir.get(stack.fhirBaseUrl() + "/metadata", null);
        assertThat(metadata.body()
                        .path("rest")
                        .path(0)
                        .path("security")
                        .path("service")
                        .toString())
                .contains("SMART-on-FHIR");
    }

    @Test
    void aGovernanceOfficerCanAskWhyARequestWasRefused() {
        Fhir.Response refused = Fhir.get(stack.fhirBaseUrl() + "/Patient/" + id(DAVID), token("hospital.nurse"));
        assertThat(refused.status()).isEqualTo(403);
        String decisionId = extension(Audit.awaitRecordOf(stack, refused.requestId()), "access-decision-id");

        Fhir.Response explained = Fhir.get(stack.consentUrl() + "/decisions/" + decisionId, token("privacy.officer"));
        assertThat(explained.status()).isEqualTo(200);
        assertThat(explained.body().path("request").path("organisation").asText())
                .isEqualTo("RTD");
        assertThat(explained.body().path("decision").path("decision").asText()).isEqualTo("DENY");
        assertThat(explained.body().path("steps").toString())
                .contains("role R8001 (Nurse)")
                .contains(NO_RELATIONSHIP);
        assertThat(Fhir.get(stack.consentUrl() + "/decisions/" + decisionId, token("gp.clinician"))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void aStatedRelationshipIsAllowedButAuditedAndFlagged() {
        Fhir.Response response = Fhir.get(
                stack.fhirBaseUrl() + "/Patient/" + id(DAVID),
                token("ward.clerk"),
                Map.of("X-Care-Relationship", "Booking his outpatient appointment"));

        assertThat(response.status()).isEqualTo(200);
        JsonNode audit = Audit.awaitRecordOf(stack, response.requestId());
        assertThat(extension(audit, "claimed-relationship")).isEqualTo("Booking his outpatient appointment");
        assertThat(extension(audit, "access-decision")).contains("relationship stated by the user");
    }

    @Test
    void thePatientsOrganisationBarAppliesOnTheNextRequest() {
        String own = TestPatients.copyOf(stack, SUSAN).id(); // it changes what is seen of this patient
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Patient/" + own, token("hospital.nurse"))
                        .status())
                .isEqualTo(200);
        Fhir.Response consent = postDirective(own, """
                {"type":"deny",
                 "actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
                           "reference":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"RTD"}}}]}""");
        assertThat(consent.status()).isEqualTo(201);

        Fhir.Response barred = Fhir.get(stack.fhirBaseUrl() + "/Patient/" + own, token("hospital.nurse"));
        assertThat(barred.status()).isEqualTo(403);
        assertThat(barred.diagnostics())
                .contains("asked that RTD does not see their record")
                .contains("Consent/");
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Patient/" + own, token("gp.clinician"))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aRestrictedCategoryIsWithheldEvenFromTheGpUntilBreakGlass() {
        String own = TestPatients.copyOf(stack, DAVID).id(); // it changes what is seen of this patient
        Fhir.Response consent = postDirective(own, """
                {"type":"deny","securityLabel":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"PSY"}]}""");
        assertThat(consent.status()).isEqualTo(201);

        Fhir.Response restricted = Fhir.get(stack.fhirBaseUrl() + "/Condition?patient=" + own, token("gp.clinician"));
        assertThat(shown(restricted.body())).containsExactly("279039007");
        assertThat(notice(restricted.body()))
                .isEqualTo("Some items were withheld: restricted category. Break-glass is available in an emergency.");

        Fhir.Response emergency = Fhir.get(
                stack.fhirBaseUrl() + "/Condition?patient=" + own,
                token("gp.clinician"),
                Map.of("X-Purpose-Of-Use", "ETREAT", "X-Break-Glass-Reason", "Overdose: needs his full history now"));
        assertThat(shown(emergency.body())).containsExactlyInAnyOrder("35489007", "279039007");
        assertThat(notice(emergency.body())).isEmpty();
    }

    @Test
    void breakGlassCoversItsWindowIsAuditedAndQueuedForReview() {
        String own = TestPatients.copyOf(stack, DAVID).id(); // it changes what is seen of this patient
        Fhir.Response noReason = Fhir.get(
                stack.fhirBaseUrl() + "/Patient/" + own, token("hospital.nurse"), Map.of("X-Purpose-Of-Use", "ETREAT"));
        assertThat(noReason.status()).isEqualTo(403);
        assertThat(noReason.diagnostics()).contains("Break-glass needs a stated reason");

        java.time.Instant asked = java.time.Instant.now();
        Fhir.Response emergency = Fhir.get(
                stack.fhirBaseUrl() + "/Condition?patient=" + own,
                token("hospital.nurse"),
                Map.of("X-Purpose-Of-Use", "ETREAT", "X-Break-Glass-Reason", "Unconscious in A&E"));
        assertThat(shown(emergency.body())).contains("35489007");
        // the window (roles.json: 240 minutes) is told with every response resting on it
        java.time.Instant until = java.time.Instant.parse(emergency.header("X-Break-Glass-Until"));
        assertThat(until)
                .isBetween(
                        asked.plusSeconds(240 * 60 - 5), java.time.Instant.now().plusSeconds(240 * 60 + 5));
        Fhir.Response withinWindow = Fhir.get(stack.fhirBaseUrl() + "/Patient/" + own, token("hospital.nurse"));
        assertThat(withinWindow.status()).isEqualTo(200);
        assertThat(withinWindow.header("X-Break-Glass-Until"))
                .as("the same window, not a new one")
                .isEqualTo(until.toString());
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Patient/" + id(AMELIA), token("hospital.nurse"))
                        .header("X-Break-Glass-Until"))
                .as("no window where no break-glass is used")
                .isNull();
        JsonNode audit = Audit.awaitRecordOf(stack, withinWindow.requestId());
        assertThat(audit.path("purposeOfEvent")
                        .path(0)
                        .path("coding")
                        .path(0)
                        .path("code")
                        .asText())
                .isEqualTo("BTG");

        Fhir.Response queue = Fhir.get(stack.consentUrl() + "/break-glass", token("privacy.officer"));
        assertThat(queue.status()).isEqualTo(200);
        JsonNode grant = Stream.of(queue.body())
                .flatMap(q -> java.util.stream.StreamSupport.stream(q.spliterator(), false))
                .filter(g -> g.path("subject").asText().equals("hospital.nurse")
                        && g.path("patientId").asText().equals(own))
                .findFirst()
                .orElseThrow();
        assertThat(grant.path("reason").asText()).isEqualTo("Unconscious in A&E");
        assertThat(grant.path("patientId").asText()).isEqualTo(own);
        Fhir.Response review = Fhir.post(
                stack.consentUrl() + "/break-glass/" + grant.path("id").asText() + "/review",
                token("privacy.officer"),
                "{\"outcome\":\"appropriate\",\"note\":\"A&E attendance confirmed\"}");
        assertThat(review.status()).isEqualTo(200);
        assertThat(Fhir.get(stack.consentUrl() + "/break-glass", token("privacy.officer"))
                        .body()
                        .toString())
                .doesNotContain(grant.path("id").asText());
        assertThat(Fhir.get(stack.consentUrl() + "/break-glass", token("hospital.nurse"))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void rolesThatMayNotBreakGlassAreToldSo() {
        Fhir.Response response = Fhir.get(
                stack.fhirBaseUrl() + "/Patient/" + id(SUSAN),
                token("social.worker"),
                Map.of("X-Purpose-Of-Use", "ETREAT", "X-Break-Glass-Reason", "Trying to help a client in crisis"));
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.diagnostics()).contains("may not use break-glass");
    }

    /** The patient's own Consent: sharing permitted, except what the one nested provision denies. */
    private Fhir.Response postDirective(String patient, String nestedProvision) {
        return Fhir.post(stack.consentUrl() + "/fhir/Consent", token("patient." + patient), """
                {"resourceType":"Consent","status":"active",
                 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
                 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
                 "patient":{"reference":"Patient/%s"},
                 "provision":{"type":"permit","provision":[%s]}}""".formatted(
                        patient, nestedProvision));
    }

    /** What a result shows: Condition codes, drug names, encounter statuses, patient ids. */
    private static Set<String> shown(JsonNode body) {
        if ("Patient".equals(body.path("resourceType").asText())) {
            return Set.of(body.path("id").asText());
        }
        Set<String> shown = new LinkedHashSet<>();
        for (JsonNode entry : body.path("entry")) {
            JsonNode r = entry.path("resource");
            switch (r.path("resourceType").asText()) {
                case "Condition" ->
                    shown.add(r.path("code").path("coding").path(0).path("code").asText());
                case "MedicationRequest" ->
                    shown.add(r.path("medicationCodeableConcept")
                            .path("coding")
                            .path(0)
                            .path("display")
                            .asText()
                            .split(" ")[0]);
                case "Encounter" -> shown.add(r.path("status").asText());
                case "Patient" -> shown.add(r.path("id").asText());
                default -> {}
            }
        }
        return shown;
    }

    private static String notice(JsonNode bundle) {
        for (JsonNode entry : bundle.path("entry")) {
            if ("outcome".equals(entry.path("search").path("mode").asText())) {
                return entry.path("resource")
                        .path("issue")
                        .path(0)
                        .path("diagnostics")
                        .asText();
            }
        }
        return "";
    }

    private static String extension(JsonNode auditEvent, String name) {
        for (JsonNode ext : auditEvent.path("extension")) {
            if (ext.path("url").asText().endsWith("/" + name)) {
                return ext.path("valueString").asText();
            }
        }
        return null;
    }

    private String token(String persona) {
        return stack.tokens().token(persona);
    }
}
