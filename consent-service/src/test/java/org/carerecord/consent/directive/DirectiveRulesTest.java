package org.carerecord.consent.directive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.Instant;
import java.util.Date;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.ConsentState;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class DirectiveRulesTest {

    private static final Date NOW = Date.from(Instant.parse("2026-11-24T12:00:00Z"));

    @Test
    void anActiveBlanketDenyIsAnOptOut() {
        assertThat(DirectiveRules.isOptOut(optOut(), NOW)).isTrue();
    }

    @Test
    void anInactiveOrExpiredDenyIsNot() {
        assertThat(DirectiveRules.isOptOut(optOut().setStatus(ConsentState.INACTIVE), NOW))
                .isFalse();
        Consent expired = optOut();
        expired.getProvision().setPeriod(new Period().setEnd(Date.from(Instant.parse("2026-01-01T00:00:00Z"))));
        assertThat(DirectiveRules.isOptOut(expired, NOW)).isFalse();
        Consent future = optOut();
        future.getProvision().setPeriod(new Period().setStart(Date.from(Instant.parse("2027-01-01T00:00:00Z"))));
        assertThat(DirectiveRules.isOptOut(future, NOW)).isFalse();
    }

    @Test
    void aDenyNarrowedToOneCategoryIsARestrictionNotAnOptOut() {
        Consent restriction = optOut();
        restriction.getProvision().addSecurityLabel().setCode("PSY");
        assertThat(DirectiveRules.isOptOut(restriction, NOW)).isFalse();
    }

    @Test
    void aDirectiveWithoutPatientOrProvisionIsRejected() {
        assertThatThrownBy(() -> DirectiveRules.validate(new Consent().setStatus(ConsentState.ACTIVE)))
                .isInstanceOf(UnprocessableEntityException.class)
                .hasMessageContaining("Consent.patient");
        Consent noProvision = new Consent().setStatus(ConsentState.ACTIVE).setPatient(new Reference("Patient/p1"));
        assertThatThrownBy(() -> DirectiveRules.validate(noProvision))
                .isInstanceOf(UnprocessableEntityException.class)
                .hasMessageContaining("provision.type");
    }

    private static Consent optOut() {
        Consent consent = new Consent().setStatus(ConsentState.ACTIVE).setPatient(new Reference("Patient/p1"));
        consent.getProvision().setType(ConsentProvisionType.DENY);
        return consent;
    }
}
