package org.carerecord.fhir.notification;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Subscription.SubscriptionStatus;
import org.junit.jupiter.api.Test;

/** Which updates put a Subscription in HAPI's registry as they commit. */
class RegisteredOnActivationTest {

    @Test
    void aSubscriptionMadeActiveIsRegisteredAndNothingElse() {
        Subscription requested = new Subscription().setStatus(SubscriptionStatus.REQUESTED);
        Subscription active = new Subscription().setStatus(SubscriptionStatus.ACTIVE);
        assertThat(RegisteredOnActivation.activated(requested, active)).isTrue();
        assertThat(RegisteredOnActivation.activated(null, active)).isTrue();
        assertThat(RegisteredOnActivation.activated(active, active))
                .as("active already")
                .isFalse();
        assertThat(RegisteredOnActivation.activated(active, new Subscription().setStatus(SubscriptionStatus.OFF)))
                .isFalse();
        assertThat(RegisteredOnActivation.activated(new Encounter(), new Encounter()))
                .isFalse();
    }
}
