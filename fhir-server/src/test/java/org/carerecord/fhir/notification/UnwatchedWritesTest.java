package org.carerecord.fhir.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.executor.InterceptorService;
import ca.uhn.fhir.jpa.subscription.model.ResourceModifiedMessage;
import ca.uhn.fhir.jpa.subscription.submit.interceptor.SubscriptionMatcherInterceptor;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.messaging.BaseResourceMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Subscription;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.support.StaticApplicationContext;

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
        List<String> built = new ArrayList<>();
        UnwatchedWrites matcher = new UnwatchedWrites(() -> List.of("Encounter"), FhirContext.forR4Cached()) {
            @Override
            protected ResourceModifiedMessage createResourceModifiedMessage(
                    IBaseResource written, BaseResourceMessage.OperationTypeEnum operation, RequestDetails request) {
                built.add(written.fhirType());
                throw new IllegalStateException("HAPI's message building reached"); // nothing further is wired here
            }
        };
        matcher.processResourceModifiedEvent(new Observation(), BaseResourceMessage.OperationTypeEnum.CREATE, null);
        assertThat(built).isEmpty();
        assertThatThrownBy(() -> matcher.processResourceModifiedEvent(
                        new Encounter(), BaseResourceMessage.OperationTypeEnum.UPDATE, null))
                .hasMessageContaining("message building reached");
        assertThat(built).containsExactly("Encounter");
    }

    @Test
    void theServerDoesNotStartWhenHapiRegistersAMatcherOtherThanThisOne() {
        UnwatchedWrites matcher = new UnwatchedWrites(() -> List.of("Encounter"), FhirContext.forR4Cached());
        InterceptorService storage = new InterceptorService();
        StaticApplicationContext context = new StaticApplicationContext();
        context.getBeanFactory().registerSingleton("storage", storage);
        ApplicationReadyEvent ready =
                new ApplicationReadyEvent(new SpringApplication(), new String[0], context, Duration.ZERO);

        matcher.registeredInPlaceOfHapis(ready); // subscriptions off: none registered
        storage.registerInterceptor(matcher);
        matcher.registeredInPlaceOfHapis(ready);
        storage.registerInterceptor(new SubscriptionMatcherInterceptor());
        assertThatThrownBy(() -> matcher.registeredInPlaceOfHapis(ready)).isInstanceOf(IllegalStateException.class);
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
