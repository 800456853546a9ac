package org.carerecord.e2e.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
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

/**
 * {@code Patient/$match} as an integrator uses it: by NHS number and by demographics, each candidate graded; a
 * verified NHS number is certain; {@code onlyCertainMatches} answers only what it can tell apart; and a user with no
 * relationship to the patient gets exactly the answer they would get for someone who does not exist.
 */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PatientMatchIT {

    private CareRecordStack stack;
    private TestPatient amelia;

    @BeforeAll
    void ownPatient(CareRecordStack stack) {
        this.stack = stack;
        amelia = TestPatients.copyOf(stack, "amelia-hartley"); // registered with the GP, born 1956-03-14
    }

    @Test
    void byNhsNumberAndByDemographicsEachCandidateGraded() {
        JsonNode byNumber = match("gp.clinician", patient(amelia.nhsNumber(), amelia.family(), "1956-03-14"), null);
        assertThat(ids(byNumber)).containsExactly(amelia.id());
        assertThat(grade(byNumber, 0))
                .as("same NHS number, unverified, surname and birth date agree")
                .isEqualTo("probable");
        assertThat(byNumber.at("/entry/0/search/mode").asText()).isEqualTo("match");
        assertThat(byNumber.at("/entry/0/search/score").asDouble()).isBetween(0.5, 1.0);

        JsonNode byDemographics = match("gp.clinician", patient(null, amelia.family(), "1956-03-14"), null);
        assertThat(ids(byDemographics)).containsExactly(amelia.id());
        assertThat(grade(byDemographics, 0)).isEqualTo("possible");

        assertThat(ids(match("gp.clinician", patient(amelia.nhsNumber(), amelia.family(), "1956-03-14"), true)))
                .as("an unverified NHS number is not a certain match")
                .isEmpty();
    }

    @Test
    void aVerifiedNhsNumberIsCertain() {
        String nhs = TestPatients.nhsNumber();
        Fhir.Response pushed =
                Fhir.post(stack.fhirBaseUrl() + "/Patient", stack.tokens().token("gp-system"), """
                {"resourceType":"Patient",
                 "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"%s","extension":[{
                   "url":"https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus",
                   "valueCodeableConcept":{"coding":[{"system":"https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland","code":"01"}]}}]}],
                 "name":[{"family":"Verified","given":["Vera"]}],"birthDate":"1970-05-05",
                 "generalPractitioner":[{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"A81001"}}]}""".formatted(nhs));
        assertThat(pushed.status()).as(pushed.body().toString()).isEqualTo(201);

        Fhir.Response response = Fhir.post(
                stack.fhirBaseUrl() + "/Patient/$match",
                token("gp.clinician"),
                parameters(patient(nhs, null, null), true));
        JsonNode certain = response.body();
        assertThat(ids(certain)).containsExactly(pushed.body().path("id").asText());
        assertThat(grade(certain, 0)).isEqualTo("certain");
        assertThat(Audit.awaitRecordOf(stack, response.requestId()).toString())
                .as("the match is audited as a view of the patient it found")
                .contains("Patient/" + pushed.body().path("id").asText());
    }

    @Test
    void withoutARelationshipTheAnswerIsTheOneForSomeoneWhoDoesNotExist() {
        TestPatient david = TestPatients.davidLike(stack); // no hospital relationship
        JsonNode existing = match("hospital.nurse", patient(david.nhsNumber(), david.family(), "1981-09-02"), null);
        JsonNode nobody =
                match("hospital.nurse", patient(TestPatients.nhsNumber(), david.family(), "1981-09-02"), null);

        assertThat(existing.path("entry").size()).isZero();
        assertThat(strip(existing)).isEqualTo(strip(nobody));
        assertThat(ids(match("gp.clinician", patient(david.nhsNumber(), null, null), null)))
                .as("the GP, who has a relationship, finds them")
                .containsExactly(david.id());
    }

    @Test
    void badInputIsAClientErrorAndTheOperationIsAdvertised() {
        Fhir.Response nothing = Fhir.post(
                stack.fhirBaseUrl() + "/Patient/$match", token("gp.clinician"), "{\"resourceType\":\"Parameters\"}");
        assertThat(nothing.status()).isEqualTo(400);
        assertThat(nothing.body().path("resourceType").asText()).isEqualTo("OperationOutcome");
        Fhir.Response badNumber = Fhir.post(
                stack.fhirBaseUrl() + "/Patient/$match",
                token("gp.clinician"),
                parameters(patient("1234567890", null, null), null));
        assertThat(badNumber.status()).isEqualTo(400);
        assertThat(badNumber.diagnostics()).contains("not a valid NHS number");
        assertThat(Fhir.post(
                                stack.fhirBaseUrl() + "/Patient/$match",
                                token("privacy.officer"),
                                parameters(patient(amelia.nhsNumber(), null, null), null))
                        .status())
                .as("no Patient scope, no match")
                .isEqualTo(403);
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/metadata", null).body().toString())
                .contains("\"name\":\"match\"");
    }

    private JsonNode match(String persona, String patient, Boolean onlyCertain) {
        Fhir.Response response =
                Fhir.post(stack.fhirBaseUrl() + "/Patient/$match", token(persona), parameters(patient, onlyCertain));
        assertThat(response.status()).as(response.body().toString()).isEqualTo(200);
        return response.body();
    }

    private static String parameters(String patient, Boolean onlyCertain) {
        return "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"resource\",\"resource\":" + patient + "}"
                + (onlyCertain == null ? "" : ",{\"name\":\"onlyCertainMatches\",\"valueBoolean\":" + onlyCertain + "}")
                + "]}";
    }

    private static String patient(String nhs, String family, String born) {
        List<String> fields = new ArrayList<>();
        fields.add("\"resourceType\":\"Patient\"");
        if (nhs != null) {
            fields.add("\"identifier\":[{\"system\":\"https://fhir.nhs.uk/Id/nhs-number\",\"value\":\"" + nhs + "\"}]");
        }
        if (family != null) {
            fields.add("\"name\":[{\"family\":\"" + family + "\"}]");
        }
        if (born != null) {
            fields.add("\"birthDate\":\"" + born + "\"");
        }
        return "{" + String.join(",", fields) + "}";
    }

    private static List<String> ids(JsonNode bundle) {
        List<String> ids = new ArrayList<>();
        bundle.path("entry").forEach(e -> ids.add(e.path("resource").path("id").asText()));
        return ids;
    }

    private static String grade(JsonNode bundle, int entry) {
        return bundle.path("entry")
                .path(entry)
                .path("search")
                .path("extension")
                .path(0)
                .path("valueCode")
                .asText();
    }

    /** The answer without what differs between any two answers (its id, when it was made, the links). */
    private static String strip(JsonNode bundle) {
        var copy = bundle.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove(List.of("id", "meta", "link"));
        return copy.toString();
    }

    private String token(String persona) {
        return stack.tokens().token(persona);
    }
}
