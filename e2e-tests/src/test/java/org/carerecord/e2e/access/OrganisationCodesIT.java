package org.carerecord.e2e.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An encounter naming its hospital by record id binds the hospital's ODS code (from the stored Organization),
 * which fhir-server now remembers instead of reading the Organization for every encounter: once the
 * Organization's ODS code is corrected, the next encounter binds the corrected code, not the remembered one.
 */
@ExtendWith(RunningStack.class)
class OrganisationCodesIT {

    @Test
    void anEncounterBindsTheOdsCodeTheOrganizationHoldsWhenTheEncounterIsWritten(CareRecordStack stack)
            throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6).toUpperCase(Locale.ROOT);
        String org = "org-" + suffix.toLowerCase(Locale.ROOT);
        String patient = "oc-" + suffix.toLowerCase(Locale.ROOT);
        String token = stack.tokens().token("rtd-pas");

        push(stack, token, organization(org, "Q" + suffix), patient(patient), encounter(patient + "-1", patient, org));
        assertThat(organisationsOf(stack, "Encounter/" + patient + "-1")).contains("Q" + suffix);

        // the same encounter's hospital read many times over: one read of the Organization serves them
        push(stack, token, encounter(patient + "-2", patient, org));
        assertThat(organisationsOf(stack, "Encounter/" + patient + "-2")).contains("Q" + suffix);

        push(stack, token, organization(org, "R" + suffix));
        push(stack, token, encounter(patient + "-3", patient, org));

        assertThat(organisationsOf(stack, "Encounter/" + patient + "-3"))
                .contains("R" + suffix)
                .doesNotContain("Q" + suffix);

        // a correction refused with its bundle (an invalid record beside it) never happened: the code the
        // encounter in that bundle read must not outlive the bundle
        Fhir.Response refused = Fhir.post(
                stack.fhirBaseUrl(),
                token,
                bundle(
                        organization(org, "S" + suffix),
                        encounter(patient + "-4", patient, org),
                        put("Observation/" + patient + "-no-status", """
                                {"resourceType":"Observation","id":"%s-no-status",
                                 "code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},
                                 "subject":{"reference":"Patient/%s"}}""".formatted(patient, patient))));
        assertThat(refused.status()).as(refused.body().toString()).isEqualTo(422);
        push(stack, token, encounter(patient + "-5", patient, org));

        assertThat(organisationsOf(stack, "Encounter/" + patient + "-5"))
                .contains("R" + suffix)
                .doesNotContain("S" + suffix);
        assertThat(organisationsOf(stack, "Encounter/" + patient + "-4")).isEmpty();
    }

    private static void push(CareRecordStack stack, String token, String... entries) {
        Fhir.Response pushed = Fhir.post(stack.fhirBaseUrl(), token, bundle(entries));
        assertThat(pushed.status()).as(pushed.body().toString()).isEqualTo(200);
    }

    private static String bundle(String... entries) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + String.join(",", entries) + "]}";
    }

    private static String organization(String id, String ods) {
        return put("Organization/" + id, """
                {"resourceType":"Organization","id":"%s","name":"Hospital %s",
                 "identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"%s"}]}""".formatted(id, ods, ods));
    }

    private static String patient(String id) {
        return put("Patient/" + id, """
                {"resourceType":"Patient","id":"%s","name":[{"family":"Coder"}],"gender":"male","birthDate":"1960-02-03"}""".formatted(id));
    }

    private static String encounter(String id, String patient, String org) {
        return put("Encounter/" + id, """
                {"resourceType":"Encounter","id":"%s","status":"finished",
                 "class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},
                 "subject":{"reference":"Patient/%s"},"serviceProvider":{"reference":"Organization/%s"},
                 "period":{"start":"2026-01-01T10:00:00Z","end":"2026-01-03T10:00:00Z"}}""".formatted(id, patient, org));
    }

    private static String put(String url, String resource) {
        return "{\"fullUrl\":\"" + url + "\",\"resource\":" + resource + ",\"request\":{\"method\":\"PUT\",\"url\":\""
                + url + "\"}}";
    }

    private static List<String> organisationsOf(CareRecordStack stack, String resource) throws Exception {
        List<String> organisations = new ArrayList<>();
        try (var c = stack.connect("fhir");
                var s = c.prepareStatement("select organisation from care.care_relationship where resource = ?")) {
            s.setString(1, resource);
            try (var rows = s.executeQuery()) {
                while (rows.next()) {
                    organisations.add(rows.getString(1));
                }
            }
        }
        return organisations;
    }
}
