package org.carerecord.fhir.notification;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.subscription.match.matcher.subscriber.SubscriptionCriteriaParser;
import ca.uhn.fhir.jpa.subscription.match.matcher.subscriber.SubscriptionCriteriaParser.SubscriptionCriteria;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which writes are queued for HAPI's Subscription matcher, criteria parsed by HAPI's own parser. */
class UnwatchedWritesTest {

    @Test
    void aWriteOfATypeNoActiveSubscriptionNamesIsNotQueued() {
        List<SubscriptionCriteria> admissions = criteria("Encounter?class=IMP");
        assertThat(UnwatchedWrites.mayMatch("Encounter", admissions)).isTrue();
        assertThat(UnwatchedWrites.mayMatch("Observation", admissions)).isFalse();
        assertThat(UnwatchedWrites.mayMatch("Observation", List.of())).isFalse();
    }

    @Test
    void subscriptionsThemselvesAreAlwaysQueuedSoHapiCanActivateThem() {
        assertThat(UnwatchedWrites.mayMatch("Subscription", List.of())).isTrue();
        assertThat(UnwatchedWrites.mayMatch("Subscription", criteria("Encounter?class=IMP")))
                .isTrue();
    }

    @Test
    void listsOfTypesAndEveryTypeAreHonoured() {
        List<SubscriptionCriteria> some = criteria("[Observation,Condition]");
        assertThat(UnwatchedWrites.mayMatch("Condition", some)).isTrue();
        assertThat(UnwatchedWrites.mayMatch("Encounter", some)).isFalse();
        assertThat(UnwatchedWrites.mayMatch("Encounter", criteria("[*]"))).isTrue();
    }

    @Test
    void criteriaThatCannotBeWeighedQueueEveryWrite() {
        List<SubscriptionCriteria> unknown = Arrays.asList(SubscriptionCriteriaParser.parse("not criteria"), null);
        assertThat(UnwatchedWrites.mayMatch("Observation", unknown)).isTrue();
        assertThat(UnwatchedWrites.mayMatch(null, List.of())).isTrue();
    }

    private static List<SubscriptionCriteria> criteria(String... each) {
        return Arrays.stream(each).map(SubscriptionCriteriaParser::parse).toList();
    }
}
