package org.carerecord.fhir.notification;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.subscription.match.registry.ActiveSubscription;
import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscription;
import java.util.List;
import org.hl7.fhir.r4.model.IdType;
import org.junit.jupiter.api.Test;

/** Which writes may go without HAPI's subscription message: HAPI's own parse of each Subscription's criteria. */
class UnmatchableWritesTest {

    @Test
    void aWriteOfATypeNoActiveSubscriptionNamesNeedsNoMessage() {
        List<ActiveSubscription> admissions = List.of(active("Encounter?class=IMP"));

        assertThat(UnmatchableWrites.anyMayMatch(admissions, "Encounter")).isTrue();
        assertThat(UnmatchableWrites.anyMayMatch(admissions, "Observation")).isFalse();
        assertThat(UnmatchableWrites.anyMayMatch(List.of(), "Encounter")).isFalse();
    }

    @Test
    void everyWriteKeepsItsMessageWhileASubscriptionMayMatchAnyType() {
        assertThat(UnmatchableWrites.anyMayMatch(List.of(active("Encounter?class=IMP"), active("[*]")), "Observation"))
                .isTrue();
        assertThat(UnmatchableWrites.anyMayMatch(List.of(active("[Condition,Observation]")), "Observation"))
                .isTrue();
        CanonicalSubscription topic = canonical(null);
        topic.setTopicSubscription(true);
        assertThat(UnmatchableWrites.anyMayMatch(List.of(new ActiveSubscription(topic, "topic")), "Observation"))
                .isTrue();
    }

    private static ActiveSubscription active(String criteria) {
        return new ActiveSubscription(canonical(criteria), "channel");
    }

    private static CanonicalSubscription canonical(String criteria) {
        CanonicalSubscription subscription = new CanonicalSubscription();
        subscription.setIdElement(new IdType("Subscription", "s" + (criteria == null ? "" : criteria.hashCode())));
        subscription.setCriteriaString(criteria);
        return subscription;
    }
}
