package org.carerecord.fhir.notification;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Subscription.SubscriptionStatus;
import org.junit.jupiter.api.Test;

/** Which writes put a Subscription in HAPI's registry as they commit. */
class RegisteredOnActivationTest {

    @Test
    void aSubscriptionWrittenActiveIsRegisteredAndNothingElse() {
        assertThat(RegisteredOnActivation.registers(new Subscription().setStatus(SubscriptionStatus.ACTIVE)))
                .as("created active, activated, or changed while active")
                .isTrue();
        assertThat(RegisteredOnActivation.registers(new Subscription().setStatus(SubscriptionStatus.REQUESTED)))
                .isFalse();
        assertThat(RegisteredOnActivation.registers(new Subscription().setStatus(SubscriptionStatus.OFF)))
                .isFalse();
        assertThat(RegisteredOnActivation.registers(new Subscription())).isFalse();
        assertThat(RegisteredOnActivation.registers(new Encounter())).isFalse();
    }
}
