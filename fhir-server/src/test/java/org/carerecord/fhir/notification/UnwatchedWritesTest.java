package org.carerecord.fhir.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.hl7.fhir.r4.model.Subscription;
import org.junit.jupiter.api.Test;

/** Which writes are queued for HAPI's Subscription matcher. */
class UnwatchedWritesTest {

    @Test
    void aWriteOfATypeNoStoredSubscriptionNamesIsNotQueued() {
        List<String> admissions = List.of("Encounter");
        assertThat(UnwatchedWrites.mayMatch("Encounter", admissions)).isTrue();
        assertThat(UnwatchedWrites.mayMatch("Observation", admissions)).isFalse();
        assertThat(UnwatchedWrites.mayMatch("Observation", List.of())).isFalse();
    }

    @Test
    void aSubscriptionWhoseTypeIsNotKnownHasEveryWriteQueued() {
        assertThat(UnwatchedWrites.mayMatch("Observation", Arrays.asList("Encounter", null)))
                .isTrue();
    }

    @Test
    void theTypeWatchedIsTheOneTheCriteriaName() {
        assertThat(SubscriptionRules.watchedType(new Subscription().setCriteria("Encounter?class=IMP")))
                .isEqualTo("Encounter");
        assertThat(SubscriptionRules.watchedType(new Subscription().setCriteria("Condition")))
                .isEqualTo("Condition");
        assertThat(SubscriptionRules.watchedType(new Subscription())).isEmpty();
    }
}
