package org.carerecord.security.token;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmartScopeTest {

    @Test
    void v2ScopeGrantsOnlyItsLetters() {
        SmartScope scope = SmartScope.parse("user/Condition.rs").orElseThrow();
        assertThat(scope.covers("Condition", Interaction.READ)).isTrue();
        assertThat(scope.covers("Condition", Interaction.SEARCH)).isTrue();
        assertThat(scope.covers("Condition", Interaction.CREATE)).isFalse();
        assertThat(scope.covers("Patient", Interaction.READ)).isFalse();
    }

    @Test
    void wildcardSystemScopeCoversEveryType() {
        SmartScope scope = SmartScope.parse("system/*.cruds").orElseThrow();
        assertThat(scope.context()).isEqualTo(SmartScope.Context.SYSTEM);
        assertThat(scope.covers("Encounter", Interaction.DELETE)).isTrue();
    }

    @Test
    void v1ReadMeansReadAndSearch() {
        SmartScope scope = SmartScope.parse("patient/Observation.read").orElseThrow();
        assertThat(scope.covers("Observation", Interaction.SEARCH)).isTrue();
        assertThat(scope.covers("Observation", Interaction.UPDATE)).isFalse();
    }

    @Test
    void granularQueryIsKept() {
        SmartScope scope =
                SmartScope.parse("user/Condition.rs?category=problem-list-item").orElseThrow();
        assertThat(scope.query()).isEqualTo("category=problem-list-item");
    }

    @Test
    void lettersOutOfOrderOrUnknownAreRejected() {
        assertThat(SmartScope.parse("user/Condition.sr")).isEmpty();
        assertThat(SmartScope.parse("user/Condition.rx")).isEmpty();
        assertThat(SmartScope.parse("openid")).isEmpty();
    }
}
