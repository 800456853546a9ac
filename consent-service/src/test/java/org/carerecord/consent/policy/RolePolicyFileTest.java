package org.carerecord.consent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;

/** roles.json is reviewed like code: it must match its schema and keep the access model's promises. */
class RolePolicyFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void policyFileMatchesItsSchema() throws IOException {
        JsonNode policy = read("policy/roles.json");
        var schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(read("policy/roles.schema.json"));
        assertThat(schema.validate(policy)).isEmpty();
    }

    @Test
    void everyNationalRoleInTheDesignHasAnEntry() throws IOException {
        RolePolicies policies = new RolePolicies(new ClassPathResource("policy/roles.json"), JSON);
        for (String role : new String[] {
            "R8000", "R8001", "R8003", "R8004", "R8006", "R8008", "R8009", "R8010", "R0001", "R5105", "R0243"
        }) {
            assertThat(policies.current().forRole(role)).as(role).isPresent();
        }
    }

    @Test
    void governanceRolesSeeNoClinicalData() throws IOException {
        RolePolicies policies = new RolePolicies(new ClassPathResource("policy/roles.json"), JSON);
        assertThat(policies.current().forRole("R0001").orElseThrow().resourceTypes())
                .isEmpty();
        assertThat(policies.current().forRole("R5105").orElseThrow().resourceTypes())
                .isEmpty();
    }

    @Test
    void clericalRolesSeeDemographicsAndAdmissionsButNoDiagnosesOrMedicines() throws IOException {
        RolePolicies policies = new RolePolicies(new ClassPathResource("policy/roles.json"), JSON);
        for (String role : new String[] {"R8009", "R8010"}) {
            assertThat(policies.current().forRole(role).orElseThrow().resourceTypes())
                    .contains("Patient", "Encounter")
                    .doesNotContain("Condition", "MedicationRequest", "Observation", "AllergyIntolerance");
        }
    }

    @Test
    void everyUserRoleNeedsARelationshipAndOnlyClinicalRolesMayBreakGlass() throws IOException {
        RolePolicies policies = new RolePolicies(new ClassPathResource("policy/roles.json"), JSON);
        for (String role :
                new String[] {"R8000", "R8001", "R8003", "R8004", "R8006", "R8008", "R8009", "R8010", "R0243"}) {
            RolePolicy policy = policies.current().forRole(role).orElseThrow();
            assertThat(policy.relationshipRequired()).as(role).isTrue();
            assertThat(policy.patientRestrictionsApply()).as(role).isTrue();
            assertThat(policy.mayBreakGlass())
                    .as(role)
                    .isEqualTo(java.util.Set.of("R8000", "R8001", "R8003").contains(role));
        }
    }

    @Test
    void socialCareAndStudentsSeeNoSensitiveDiagnosesExceptSafeguardingForSocialCare() throws IOException {
        RolePolicies policies = new RolePolicies(new ClassPathResource("policy/roles.json"), JSON);
        assertThat(policies.current().forRole("R0243").orElseThrow().permittedCategories())
                .containsExactly(org.carerecord.security.decision.SensitiveCategory.SAFEGUARDING);
        assertThat(policies.current().forRole("R8004").orElseThrow().permittedCategories())
                .isEmpty();
    }

    @Test
    void anUnknownRoleHasNoPolicy() throws IOException {
        RolePolicies policies = new RolePolicies(new ClassPathResource("policy/roles.json"), JSON);
        assertThat(policies.current().forRole("R9999")).isEmpty();
        assertThat(policies.current().forRole(null)).isEmpty();
    }

    private static JsonNode read(String path) throws IOException {
        try (InputStream in = new ClassPathResource(path).getInputStream()) {
            return JSON.readTree(in);
        }
    }
}
