package org.carerecord.e2e.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.carerecord.e2e.support.Bundles;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.e2e.support.TestPatients;
import org.carerecord.e2e.support.TestPatients.TestPatient;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A care provider's system reads back what its own organisation pushed; another organisation's record is a
 * disclosure to it, decided as an export or a notification is (a care relationship, the patient's wishes, no
 * sensitive category). Found from outside: the hospital's system read the depression a GP practice recorded
 * for a patient the hospital never saw, with a plain {@code Condition?patient=} search.
 */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SystemReadBackIT {

    private static final String DEPRESSION = "35489007"; // labelled PSY by the GP practice
    private static final String BACK_PAIN = "279039007";
    private static final String DIABETES = "44054006"; // what Bundles.admission records, as the hospital

    private CareRecordStack stack;

    @BeforeAll
    void demo(CareRecordStack stack) {
        this.stack = stack;
        DemoData.load(stack);
    }

    @Test
    void aHospitalSystemReadsNothingAPracticeRecordedAboutAPatientItNeverSaw() {
        TestPatient patient = TestPatients.davidLike(stack);

        assertThat(codes("rtd-pas", "Condition?patient=" + patient.id())).isEmpty();
        assertThat(codes("rtd-pas", "Patient/" + patient.id() + "/$everything?_type=Condition,MedicationRequest"))
                .isEmpty();
        Fhir.Response one = get("rtd-pas", "Condition/" + conditionOf(patient, DEPRESSION));
        assertThat(one.status()).isEqualTo(403);
        assertThat(one.body().toString()).doesNotContain(DEPRESSION).doesNotContain("PSY");
        // the practice reads back its own records, the restricted one included
        assertThat(codes("gp-system", "Condition?patient=" + patient.id())).contains(DEPRESSION, BACK_PAIN);
    }

    @Test
    void aHospitalSystemCaringForThePatientReadsTheirSharedRecordButNotARestrictedCategory() {
        TestPatient patient = TestPatients.davidLike(stack);
        admitAtTheHospital(patient);

        assertThat(codes("rtd-pas", "Condition?patient=" + patient.id()))
                .contains(BACK_PAIN, DIABETES)
                .doesNotContain(DEPRESSION);
        assertThat(get("rtd-pas", "Condition/" + conditionOf(patient, DEPRESSION))
                        .status())
                .isEqualTo(403);
        assertThat(codes("rtd-pas", "Condition?code=" + DEPRESSION + "&_count=500"))
                .as("a search naming no patient is decided record by record too")
                .isEmpty();
    }

    @Test
    void aSystemReadsBackItsOwnRecordsOfAPatientWhoBarredItsOrganisationButNoOneElses() {
        TestPatient patient = TestPatients.davidLike(stack);
        admitAtTheHospital(patient);
        Fhir.Response bar = Fhir.post(
                stack.consentUrl() + "/fhir/Consent", token("gp-system"), Bundles.organisationBar(patient.id(), "RTD"));
        assertThat(bar.status()).as(bar.body().toString()).isEqualTo(201);

        assertThat(codes("rtd-pas", "Condition?patient=" + patient.id())).containsExactly(DIABETES);
        assertThat(codes("gp-system", "Condition?patient=" + patient.id())).contains(DEPRESSION, BACK_PAIN, DIABETES);
    }

    @Test
    void aSystemIsGivenNoCountOfWhatItWasNotShown() {
        TestPatient patient = TestPatients.davidLike(stack);
        Fhir.Response count = get("rtd-pas", "Condition?patient=" + patient.id() + "&code=" + DEPRESSION + "&_count=0");
        assertThat(count.status()).isEqualTo(200);
        assertThat(count.body().has("total")).as(count.body().toString()).isFalse();
    }

    @Test
    void aReverseChainOrLabelFilterIsRefusedToSystemsToo() {
        Fhir.Response reverse = get("rtd-pas", "Patient?_has:Condition:subject:code=" + DEPRESSION);
        assertThat(reverse.status()).isEqualTo(400);
        assertThat(reverse.diagnostics()).contains("_has is not available");
        assertThat(get("rtd-pas", "Condition?_security=PSY").status()).isEqualTo(400);
    }

    @Test
    void aConditionalCreateMatchesOnlyTheSystemsOwnRecordsSoItNeitherHandsBackNorConfirmsAnothers() {
        TestPatient patient = TestPatients.davidLike(stack);
        String practices = conditionOf(patient, DEPRESSION);
        String criteria = "patient=Patient/" + patient.id() + "&code=http://snomed.info/sct|" + DEPRESSION;

        Fhir.Response first = Fhir.post(stack.fhirBaseUrl(), token("rtd-pas"), conditionalCreate(patient, criteria));
        assertThat(first.status()).as(first.body().toString()).isEqualTo(200);
        JsonNode created = first.body().path("entry").path(0).path("response");
        assertThat(created.path("status").asText())
                .as("a new record, as if the practice had none")
                .startsWith("201");
        assertThat(created.path("location").asText()).doesNotContain(practices);
        assertThat(first.body().toString()).doesNotContain(practices).doesNotContain("A81001");

        Fhir.Response again = Fhir.post(stack.fhirBaseUrl(), token("rtd-pas"), conditionalCreate(patient, criteria));
        assertThat(again.body()
                        .path("entry")
                        .path(0)
                        .path("response")
                        .path("location")
                        .asText())
                .as("its own record is still matched")
                .startsWith(created.path("location").asText().replaceAll("/_history/.*", ""));

        Fhir.Response probe = Fhir.post(
                stack.fhirBaseUrl(),
                token("rtd-pas"),
                conditionalCreate(patient, "_has:Condition:patient:code=" + DEPRESSION + "&identifier=x|y"));
        assertThat(probe.status()).isEqualTo(400);
    }

    /**
     * Wherever the reference sits (an element, an extension, a resource it contains) and however it is spelt:
     * HAPI resolves {@code Condition/?…} and an absolute {@code https://…/Condition?…} as {@code Condition?…} too
     * (the last two found by a review of the fix).
     */
    @ParameterizedTest
    @ValueSource(strings = {"reasonReference", "extension", "contained", "slash-before-query", "absolute-url"})
    void aReferenceByCriteriaInAPushedRecordMatchesOnlyTheSystemsOwnRecordsSoItConfirmsNoOneElses(String where) {
        TestPatient patient = TestPatients.davidLike(stack);
        admitAtTheHospital(patient);
        String recorded = "code=http://snomed.info/sct|" + DEPRESSION; // the practice's, labelled PSY
        String neverRecorded = "code=http://snomed.info/sct|22298006"; // a myocardial infarction no one recorded

        Fhir.Response practices =
                Fhir.post(stack.fhirBaseUrl(), token("rtd-pas"), procedureForReason(where, patient, recorded));
        Fhir.Response nobodys =
                Fhir.post(stack.fhirBaseUrl(), token("rtd-pas"), procedureForReason(where, patient, neverRecorded));
        assertConfirmsNothing(practices, nobodys);

        Fhir.Response own = Fhir.post(
                stack.fhirBaseUrl(),
                token("rtd-pas"),
                procedureForReason(where, patient, "code=http://snomed.info/sct|" + DIABETES));
        assertThat(own.status())
                .as("its own record is still found: " + own.body())
                .isEqualTo(200);
    }

    /**
     * A reverse chain is refused in criteria however it is spelt: HAPI decodes parameter names, so {@code %5Fhas}
     * is {@code _has}, and patients' criteria are not confined to the system's own records (found by a review).
     */
    @Test
    void anEncodedReverseChainInAConditionalCreateIsRefusedSoItConfirmsNothing() {
        TestPatient patient = TestPatients.davidLike(stack);
        Fhir.Response practices = Fhir.post(stack.fhirBaseUrl(), token("rtd-pas"), patientUnless(patient, DEPRESSION));
        Fhir.Response nobodys = Fhir.post(stack.fhirBaseUrl(), token("rtd-pas"), patientUnless(patient, "22298006"));
        assertThat(practices.status())
                .as("the practice's diagnosis must not decide the answer: " + practices.body())
                .isEqualTo(nobodys.status())
                .isEqualTo(400);
        assertThat(practices.body().path("entry").path(0).path("response").path("status"))
                .as("matched an existing patient or created one")
                .isEqualTo(nobodys.body().path("entry").path(0).path("response").path("status"));
        assertThat(practices.diagnostics()).isEqualTo(nobodys.diagnostics()).contains("_has");
    }

    private static String patientUnless(TestPatient patient, String code) {
        return """
            {"resourceType":"Bundle","type":"transaction","entry":[
             {"resource":{"resourceType":"Patient",
                          "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"%1$s"}]},
              "request":{"method":"POST","url":"Patient",
                         "ifNoneExist":"identifier=https://fhir.nhs.uk/Id/nhs-number|%1$s&%%5Fhas:Condition:patient:code=http://snomed.info/sct|%2$s"}}]}""".formatted(patient.nhsNumber(), code);
    }

    /** A Subscription's criteria are matched by HAPI against every record: a reverse chain there is a probe too. */
    @Test
    void aSubscriptionWhoseCriteriaProbeIsRefused() {
        for (String criteria : List.of(
                "Patient?_has:Condition:patient:code=http://snomed.info/sct|" + DEPRESSION,
                "Patient?%5Fhas:Condition:patient:code=http://snomed.info/sct|" + DEPRESSION,
                "Condition?_security=http://terminology.hl7.org/CodeSystem/v3-ActCode|PSY")) {
            Fhir.Response refused =
                    Fhir.post(stack.fhirBaseUrl() + "/Subscription", token("gp-system"), """
                {"resourceType":"Subscription","status":"requested","reason":"probe","criteria":"%s",
                 "channel":{"type":"rest-hook","endpoint":"https://gp.example.org/notify","payload":"application/fhir+json"}}""".formatted(criteria));
            assertThat(refused.status()).as(criteria + ": " + refused.body()).isIn(400, 422);
            assertThat(refused.diagnostics()).as(criteria).containsAnyOf("_has", "_security");
        }
    }

    /**
     * HAPI refuses to delete a record others refer to and names the first referring record: another organisation's
     * record, its type and id. The refusal names none (found by a review).
     */
    @Test
    void aRefusedDeleteNamesNoOtherOrganisationsRecord() {
        TestPatient patient = TestPatients.davidLike(stack);
        Fhir.Response encounter =
                Fhir.post(stack.fhirBaseUrl() + "/Encounter", token("rtd-pas"), """
                {"resourceType":"Encounter","status":"finished",
                 "class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},
                 "subject":{"reference":"Patient/%s"}}""".formatted(patient.id()));
        assertThat(encounter.status()).as(encounter.body().toString()).isEqualTo(201);
        String encounterId = encounter.body().path("id").asText();
        Fhir.Response practices = Fhir.post(stack.fhirBaseUrl() + "/Condition", token("gp-system"), """
                {"resourceType":"Condition",
                 "code":{"coding":[{"system":"http://snomed.info/sct","code":"%s"}]},
                 "subject":{"reference":"Patient/%s"},"encounter":{"reference":"Encounter/%s"}}""".formatted(
                        DEPRESSION, patient.id(), encounterId));
        assertThat(practices.status()).as(practices.body().toString()).isEqualTo(201);

        Fhir.Response refused = Fhir.delete(stack.fhirBaseUrl() + "/Encounter/" + encounterId, token("rtd-pas"));
        assertThat(refused.status()).as(refused.body().toString()).isEqualTo(409);
        assertThat(refused.body().toString())
                .doesNotContain(practices.body().path("id").asText())
                .doesNotContain("Condition");
        assertThat(refused.diagnostics()).contains("Encounter/" + encounterId).contains("refer");
    }

    /**
     * An update of another organisation's record is refused for whose it is, before anything about the stored
     * record is said: the patient-move check would otherwise name the patient the record belongs to (its hook and
     * the ownership check ran in no set order; found by a review).
     */
    @Test
    void anUpdateOfAnotherOrganisationsRecordIsRefusedBeforeItsPatientIsNamed() {
        TestPatient patient = TestPatients.davidLike(stack);
        TestPatient other = TestPatients.davidLike(stack);
        String condition = """
                {"resourceType":"Condition",%s
                 "code":{"coding":[{"system":"http://snomed.info/sct","code":"%s"}]},
                 "subject":{"reference":"Patient/%s"}}""";
        Fhir.Response practices = Fhir.post(
                stack.fhirBaseUrl() + "/Condition",
                token("gp-system"),
                condition.formatted("", DEPRESSION, patient.id()));
        assertThat(practices.status()).as(practices.body().toString()).isEqualTo(201);
        String id = practices.body().path("id").asText();

        Fhir.Response refused = Fhir.put(
                stack.fhirBaseUrl() + "/Condition/" + id,
                token("rtd-pas"),
                condition.formatted("\"id\":\"" + id + "\",", DIABETES, other.id()));
        assertThat(refused.status()).as(refused.body().toString()).isEqualTo(403);
        assertThat(refused.body().toString()).doesNotContain(patient.id()).doesNotContain(DEPRESSION);
    }

    /**
     * Confined criteria must still find what the same bundle creates: an integrator's transaction that creates a
     * Condition conditionally and refers to it by the same criteria from a Procedure.
     */
    @Test
    void aReferenceByCriteriaToARecordTheSameBundleCreatesStillResolves() {
        TestPatient patient = TestPatients.davidLike(stack);
        admitAtTheHospital(patient);
        String value = java.util.UUID.randomUUID().toString();
        Fhir.Response written = Fhir.post(stack.fhirBaseUrl(), token("rtd-pas"), """
            {"resourceType":"Bundle","type":"transaction","entry":[
             {"resource":{"resourceType":"Condition",
                          "identifier":[{"system":"%1$s","value":"%2$s"}],
                          "code":{"coding":[{"system":"http://snomed.info/sct","code":"195967001","display":"Asthma"}]},
                          "subject":{"reference":"Patient/%3$s"}},
              "request":{"method":"POST","url":"Condition","ifNoneExist":"identifier=%1$s|%2$s"}},
             {"resource":{"resourceType":"Procedure","status":"completed",
                          "code":{"coding":[{"system":"http://snomed.info/sct","code":"71388002","display":"Procedure"}]},
                          "subject":{"reference":"Patient/%3$s"},
                          "reasonReference":[{"reference":"Condition?identifier=%1$s|%2$s"}]},
              "request":{"method":"POST","url":"Procedure"}}]}""".formatted(
                        "https://rtd.example.org/problem", value, patient.id()));
        assertThat(written.status()).as(written.body().toString()).isEqualTo(200);
        String condition = written.body()
                .path("entry")
                .path(0)
                .path("response")
                .path("location")
                .asText();
        String procedure = written.body()
                .path("entry")
                .path(1)
                .path("response")
                .path("location")
                .asText();
        JsonNode reason = get("rtd-pas", procedure.replaceAll("/_history/.*", ""))
                .body()
                .path("reasonReference")
                .path(0)
                .path("reference");
        assertThat(condition).startsWith("Condition/").contains("/_history/");
        assertThat(reason.asText()).isEqualTo(condition.replaceAll("/_history/.*", ""));
    }

    /** Each way the spec offers to patch: JSON Patch, FHIRPath Patch, and a JSON Patch as a transaction's entry. */
    @ParameterizedTest
    @ValueSource(strings = {"json-patch", "fhirpath-patch", "transaction-entry"})
    void aReferenceByCriteriaPatchedIntoARecordMatchesOnlyTheSystemsOwnRecordsSoItConfirmsNoOneElses(String how) {
        TestPatient patient = TestPatients.davidLike(stack);
        admitAtTheHospital(patient);
        String procedure = """
                {"resourceType":"Procedure","status":"completed",
                 "code":{"coding":[{"system":"http://snomed.info/sct","code":"71388002","display":"Procedure"}]},
                 "subject":{"reference":"Patient/%s"}}""".formatted(patient.id());
        Fhir.Response created = Fhir.post(stack.fhirBaseUrl() + "/Procedure", token("rtd-pas"), procedure);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        String id = "Procedure/" + created.body().path("id").asText();

        Fhir.Response practices = patchInReason(how, id, patient, "code=http://snomed.info/sct|" + DEPRESSION);
        Fhir.Response nobodys = patchInReason(how, id, patient, "code=http://snomed.info/sct|22298006");
        assertConfirmsNothing(practices, nobodys);

        Fhir.Response own = patchInReason(how, id, patient, "code=http://snomed.info/sct|" + DIABETES);
        assertThat(own.status())
                .as("its own record is still found: " + own.body())
                .isEqualTo(200);
    }

    /**
     * A write whose reference names the practice's depression is answered as one naming a myocardial infarction no
     * one recorded: same status (not success), same diagnostics once the code is masked, nothing of the practice.
     */
    private static void assertConfirmsNothing(Fhir.Response practices, Fhir.Response nobodys) {
        assertThat(practices.status())
                .as("a reference resolved against the practice's record would confirm the diagnosis: "
                        + practices.body())
                .isEqualTo(nobodys.status())
                .isNotEqualTo(200);
        assertThat(practices.diagnostics().replace(DEPRESSION, "*"))
                .isEqualTo(nobodys.diagnostics().replace("22298006", "*"));
        assertThat(practices.body().toString()).doesNotContain("A81001").doesNotContain("PSY");
    }

    private Fhir.Response patchInReason(String how, String id, TestPatient patient, String condition) {
        String reference = "Condition?patient=Patient/%s&%s".formatted(patient.id(), condition);
        String jsonPatch = """
                [{"op":"add","path":"/reasonReference","value":[{"reference":"%s"}]}]""".formatted(reference);
        String url = stack.fhirBaseUrl() + "/" + id;
        return switch (how) {
            case "json-patch" -> Fhir.patch(url, token("rtd-pas"), "application/json-patch+json", jsonPatch);
            case "fhirpath-patch" ->
                Fhir.patch(url, token("rtd-pas"), "application/fhir+json", """
                    {"resourceType":"Parameters","parameter":[{"name":"operation","part":[
                      {"name":"type","valueCode":"add"},{"name":"path","valueString":"Procedure"},
                      {"name":"name","valueString":"reasonReference"},
                      {"name":"value","valueReference":{"reference":"%s"}}]}]}""".formatted(reference));
            default ->
                Fhir.post(stack.fhirBaseUrl(), token("rtd-pas"), """
                    {"resourceType":"Bundle","type":"transaction","entry":[
                     {"resource":{"resourceType":"Binary","contentType":"application/json-patch+json","data":"%s"},
                      "request":{"method":"PATCH","url":"%s"}}]}""".formatted(
                                Base64.getEncoder().encodeToString(jsonPatch.getBytes(StandardCharsets.UTF_8)), id));
        };
    }

    private static String procedureForReason(String where, TestPatient patient, String condition) {
        String prefix = switch (where) {
            case "slash-before-query" -> "Condition/";
            case "absolute-url" -> "https://elsewhere.example.org/fhir/Condition";
            default -> "Condition";
        };
        String reference = "{\"reference\":\"%s?patient=Patient/%s&%s\"}".formatted(prefix, patient.id(), condition);
        String reason = switch (where) {
            case "extension" -> """
                    "extension":[{"url":"https://rtd.example.org/StructureDefinition/indication",
                                  "valueReference":%s}]""".formatted(reference);
            case "contained" -> """
                    "contained":[{"resourceType":"Observation","id":"finding","status":"final",
                                  "code":{"coding":[{"system":"http://snomed.info/sct","code":"404684003"}]},
                                  "subject":{"reference":"Patient/%s"},"focus":[%s]}],
                    "reasonReference":[{"reference":"#finding"}]""".formatted(patient.id(), reference);
            default -> "\"reasonReference\":[" + reference + "]";
        };
        return """
            {"resourceType":"Bundle","type":"transaction","entry":[
             {"fullUrl":"urn:uuid:%s",
              "resource":{"resourceType":"Procedure","status":"completed",
                          "code":{"coding":[{"system":"http://snomed.info/sct","code":"71388002","display":"Procedure"}]},
                          "subject":{"reference":"Patient/%s"},
                          %s},
              "request":{"method":"POST","url":"Procedure"}}]}""".formatted(java.util.UUID.randomUUID(), patient.id(), reason);
    }

    private static String conditionalCreate(TestPatient patient, String criteria) {
        return """
            {"resourceType":"Bundle","type":"transaction","entry":[
             {"fullUrl":"urn:uuid:9c1d2e3f-0000-4000-8000-00000000000a",
              "resource":{"resourceType":"Condition",
                          "code":{"coding":[{"system":"http://snomed.info/sct","code":"%s","display":"Depressive disorder"}]},
                          "subject":{"reference":"Patient/%s"}},
              "request":{"method":"POST","url":"Condition","ifNoneExist":"%s"}}]}""".formatted(DEPRESSION, patient.id(), criteria);
    }

    private void admitAtTheHospital(TestPatient patient) {
        Fhir.Response admitted =
                Fhir.post(stack.fhirBaseUrl(), token("rtd-pas"), Bundles.admission(patient.nhsNumber(), "RTD"));
        assertThat(admitted.status()).as(admitted.body().toString()).isEqualTo(200);
    }

    private String conditionOf(TestPatient patient, String code) {
        JsonNode entry = get("gp-system", "Condition?patient=" + patient.id() + "&code=" + code)
                .body()
                .path("entry")
                .path(0);
        assertThat(entry.isMissingNode()).as("the practice's " + code).isFalse();
        return entry.path("resource").path("id").asText();
    }

    /** The codes of the Conditions (and medications) the client is shown, leaving out the withheld notice. */
    private List<String> codes(String client, String query) {
        Fhir.Response response = get(client, query);
        assertThat(response.status()).as(response.body().toString()).isEqualTo(200);
        List<String> codes = new ArrayList<>();
        for (JsonNode entry : response.body().path("entry")) {
            JsonNode resource = entry.path("resource");
            if (!resource.path("resourceType").asText().equals("OperationOutcome")) {
                resource.path("code")
                        .path("coding")
                        .forEach(c -> codes.add(c.path("code").asText()));
                resource.path("medicationCodeableConcept")
                        .path("coding")
                        .forEach(c -> codes.add(c.path("code").asText()));
            }
        }
        return codes;
    }

    private Fhir.Response get(String client, String query) {
        return Fhir.get(stack.fhirBaseUrl() + "/" + query, token(client));
    }

    private String token(String client) {
        return stack.tokens().token(client);
    }
}
