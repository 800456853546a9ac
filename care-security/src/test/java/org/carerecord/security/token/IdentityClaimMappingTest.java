package org.carerecord.security.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;

/** Tokens shaped as NHS CIS2, Keycloak and this record's own identity provider send them. */
class IdentityClaimMappingTest {

    /** A CIS2-shaped user holding two roles, as in docs/identity.md. */
    private static Map<String, Object> cis2(Object selected) {
        Map<String, Object> claims = new java.util.HashMap<>(Map.of(
                "sub",
                "910000000001",
                "uid",
                "910000000001",
                "scope",
                "user/*.rs",
                "nhsid_nrbac_roles",
                List.of(
                        Map.of(
                                "person_orgid",
                                "7000001",
                                "person_roleid",
                                "555254242106",
                                "org_code",
                                "RTD",
                                "role_name",
                                "\"Clinical\":\"Clinical Provision\":\"Nurse Access Role\"",
                                "role_code",
                                "S8000:G8000:R8001"),
                        Map.of(
                                "person_orgid",
                                "7000002",
                                "person_roleid",
                                "555254242107",
                                "org_code",
                                "A81001",
                                "role_name",
                                "\"Clinical\":\"Clinical Provision\":\"Clinical Practitioner Access Role\"",
                                "role_code",
                                "S8000:G8000:R8000"))));
        if (selected != null) {
            claims.put("selected_roleid", selected);
        }
        return claims;
    }

    private static Jwt jwt(Map<String, Object> claims) {
        return Jwt.withTokenValue("t")
                .header("alg", "RS256")
                .claims(c -> c.putAll(claims))
                .issuedAt(Instant.now())
                .expiresAt(Instant.now().plusSeconds(60))
                .build();
    }

    private static final IdentityClaimMapping CIS2 =
            new IdentityClaimMapping(null, null, null, "uid", null, null, null, null);

    @Test
    void theSelectedCis2RoleGivesRoleAndOrganisation() {
        CareClaims claims = CareClaims.from(CIS2.normalise(jwt(cis2("555254242107"))));
        assertThat(claims.nhsRole()).isEqualTo("R8000");
        assertThat(claims.organisation()).isEqualTo("A81001");
        assertThat(claims.fhirUser()).isEqualTo("Practitioner/910000000001");

        CareClaims nurse = CareClaims.from(CIS2.normalise(jwt(cis2("555254242106"))));
        assertThat(nurse.nhsRole()).isEqualTo("R8001");
        assertThat(nurse.organisation()).isEqualTo("RTD");
    }

    @Test
    void severalRolesAndNoneSelectedGiveNoRoleRatherThanAGuess() {
        CareClaims claims = CareClaims.from(CIS2.normalise(jwt(cis2(null))));
        assertThat(claims.nhsRole()).isNull();
        assertThat(claims.organisation()).isNull();
    }

    @Test
    void aSelectionNamingNoHeldRoleGivesNoRole() {
        assertThat(CareClaims.from(CIS2.normalise(jwt(cis2("999")))).nhsRole()).isNull();
    }

    @Test
    void aTokenCannotSmuggleInternalClaimsPastTheMapping() {
        Map<String, Object> claims = cis2("555254242106");
        claims.put("nhs_role", "R0001");
        claims.put("org", "X99");
        CareClaims mapped = CareClaims.from(CIS2.normalise(jwt(claims)));
        assertThat(mapped.nhsRole()).isEqualTo("R8001");
        assertThat(mapped.organisation()).isEqualTo("RTD");
    }

    @Test
    void aKeycloakRealmNamesTheSameFactsItsOwnWay() {
        IdentityClaimMapping keycloak =
                new IdentityClaimMapping("nhs_job_role", "ods_code", "fhir_user", null, null, null, null, null);
        Map<String, Object> claims = Map.of(
                "sub",
                "kc-1",
                "nhs_job_role",
                "R8001",
                "ods_code",
                "RTD",
                "fhir_user",
                "Practitioner/pr-9",
                "nhs_role",
                "R5105");
        CareClaims mapped = CareClaims.from(keycloak.normalise(jwt(claims)));
        assertThat(mapped.nhsRole()).isEqualTo("R8001");
        assertThat(mapped.organisation()).isEqualTo("RTD");
        assertThat(mapped.fhirUser()).isEqualTo("Practitioner/pr-9");
    }

    @Test
    void thisRecordsOwnTokensPassUnchanged() {
        Jwt own = jwt(Map.of(
                "sub",
                "gp.clinician",
                "nhs_role",
                "R8000",
                "org",
                "A81001",
                "fhirUser",
                "Practitioner/pr-1001",
                "purpose_of_use",
                "TREAT"));
        assertThat(IdentityClaimMapping.standard().normalise(own)).isSameAs(own);
    }

    @Test
    void aClinicianLaunchedForAPatientIsNotThatPatient() {
        CareClaims clinician = CareClaims.from(jwt(Map.of(
                "sub", "gp.clinician", "fhirUser", "Practitioner/pr-1001", "patient", "p1", "scope", "patient/*.rs")));
        assertThat(clinician.isPatient()).isFalse();
        assertThat(clinician.selfPatient()).isNull();
        assertThat(clinician.ownPatient()).isEqualTo("p1");
        assertThat(clinician.permits("Condition", Interaction.READ)).isTrue();

        CareClaims patient =
                CareClaims.from(jwt(Map.of("sub", "patient.p1", "fhirUser", "Patient/p1", "patient", "p1")));
        assertThat(patient.selfPatient()).isEqualTo("p1");
    }

    @Test
    void patientScopesWithoutAPatientInContextGrantNothing() {
        CareClaims noContext =
                CareClaims.from(jwt(Map.of("sub", "app", "fhirUser", "Practitioner/pr-1001", "scope", "patient/*.rs")));
        assertThat(noContext.permits("Condition", Interaction.READ)).isFalse();
    }
}
