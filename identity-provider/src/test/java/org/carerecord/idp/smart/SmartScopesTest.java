package org.carerecord.idp.smart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a sign-in grants an app, as a table: asked × held → granted. */
class SmartScopesTest {

    @Test
    void aClinicianGrantsWhatTheAppAskedWithinTheirOwnAccess() {
        assertThat(SmartScopes.grant(List.of("patient/Condition.rs", "patient/Patient.rs"), List.of("user/*.rs")))
                .containsExactly("patient/Condition.rs", "patient/Patient.rs");
        assertThat(SmartScopes.grant(List.of("patient/*.rs"), List.of("user/*.rs")))
                .containsExactly("patient/*.rs");
        assertThat(SmartScopes.grant(List.of("user/*.rs"), List.of("user/*.rs")))
                .containsExactly("user/*.rs");
        assertThat(SmartScopes.grant(List.of("patient/*.read"), List.of("user/*.rs")))
                .containsExactly("patient/*.read");
    }

    @Test
    void nothingIsWidened() {
        assertThat(SmartScopes.grant(List.of("patient/Condition.cruds"), List.of("user/*.rs")))
                .isEmpty();
        assertThat(SmartScopes.grant(List.of("user/*.rs"), List.of("patient/*.rs")))
                .isEmpty();
        assertThat(SmartScopes.grant(List.of("system/*.rs"), List.of("user/*.rs")))
                .isEmpty();
        assertThat(SmartScopes.grant(List.of("patient/Observation.rs"), List.of("user/AuditEvent.rs")))
                .isEmpty();
    }

    @Test
    void aNarrowerHoldingIsGrantedInsideABroadRequest() {
        assertThat(SmartScopes.grant(
                        List.of("patient/*.rs"),
                        List.of("user/Patient.rs", "user/Condition.rs?category=encounter-diagnosis")))
                .containsExactly("patient/Patient.rs", "patient/Condition.rs?category=encounter-diagnosis");
        assertThat(SmartScopes.grant(
                        List.of("patient/Condition.rs"), List.of("user/Condition.rs?category=encounter-diagnosis")))
                .containsExactly("patient/Condition.rs?category=encounter-diagnosis");
    }

    @Test
    void onlyUserAndPatientDataScopesAndContextScopesMayBeAsked() {
        assertThat(SmartScopes.askable("launch/patient")).isTrue();
        assertThat(SmartScopes.askable("patient/Observation.rs?category=laboratory"))
                .isTrue();
        assertThat(SmartScopes.askable("system/*.cruds")).isFalse();
        assertThat(SmartScopes.askable("admin")).isFalse();
        assertThat(SmartScopes.askable("patient/Observation.sr")).isFalse();
    }
}
