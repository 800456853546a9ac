package org.carerecord.fhir.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.messaging.BaseResourceMessage;
import java.util.Arrays;
import java.util.List;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
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
    void subscriptionsAreAlwaysQueuedSinceHapiActivatesThemFromThatQueue() {
        UnwatchedWrites matcher = new UnwatchedWrites(() -> List.of("Encounter"), FhirContext.forR4Cached());
        assertThat(matcher.queuesForMatching(new Subscription())).isTrue();
        assertThat(matcher.queuesForMatching(new Encounter())).isTrue();
        assertThat(matcher.queuesForMatching(new Observation())).isFalse();
    }

    @Test
    void anUnwatchedWriteIsLeftBeforeHapiBuildsItsMessage() {
        // HAPI's own collaborators are not wired here: reaching its message building fails, leaving before it does not
        UnwatchedWrites matcher = new UnwatchedWrites(() -> List.of("Encounter"), FhirContext.forR4Cached());
        matcher.processResourceModifiedEvent(new Observation(), BaseResourceMessage.OperationTypeEnum.CREATE, null);
        assertThatThrownBy(() -> matcher.processResourceModifiedEvent(
                        new Encounter(), BaseResourceMessage.OperationTypeEnum.CREATE, null))
                .isInstanceOf(NullPointerException.class);
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
