package org.carerecord.consent.directive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.carerecord.security.decision.SensitiveCategory;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.ConsentState;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class PatientWishesTest {

    private static final Date NOW = Date.from(Instant.parse("2026-11-25T12:00:00Z"));

    @Test
    void aDenyWithASecurityLabelRestrictsThatCategoryAndNamesItsConsent() {
        Consent consent = directive("c1", ConsentProvisionType.PERMIT);
        consent.getProvision()
                .addProvision()
                .setType(ConsentProvisionType.DENY)
                .addSecurityLabel(new Coding(SensitiveCategory.ACT_CODE_SYSTEM, "HIV", null));

        PatientWishes wishes = PatientWishes.of(List.of(consent), NOW);

        assertThat(wishes.restrictedCategories())
                .containsEntry(SensitiveCategory.HIV, "Consent/c1")
                .hasSize(1);
        assertThat(wishes.optOut()).isEmpty();
    }

    @Test
    void aSnomedConceptInTheProvisionRestrictsItsCategory() {
        Consent consent = directive("c2", ConsentProvisionType.DENY);
        consent.getProvision()
                .addCode(new CodeableConcept(new Coding(SensitiveCategory.SNOMED, "66590003", "Alcohol dependence")));

        assertThat(PatientWishes.of(List.of(consent), NOW).restrictedCategories())
                .containsOnlyKeys(SensitiveCategory.SUBSTANCE_MISUSE);
    }

    @Test
    void organisationsAreBarredOrNamedByOdsIdentifierOrReference() {
        Consent bar = directive("c3", ConsentProvisionType.PERMIT);
        bar.getProvision()
                .addProvision()
                .setType(ConsentProvisionType.DENY)
                .addActor()
                .setReference(new Reference()
                        .setIdentifier(new Identifier()
                                .setSystem("https://fhir.nhs.uk/Id/ods-organization-code")
                                .setValue("RTD")));
        Consent name = directive("c4", ConsentProvisionType.PERMIT);
        name.getProvision().addActor().setReference(new Reference("Organization/NENC-LA1"));

        PatientWishes wishes = PatientWishes.of(List.of(bar, name), NOW);

        assertThat(wishes.deniedOrganisations()).containsExactly(java.util.Map.entry("RTD", "Consent/c3"));
        assertThat(wishes.permittedOrganisations()).containsExactly(java.util.Map.entry("NENC-LA1", "Consent/c4"));
    }

    @Test
    void onlyActiveDirectivesInTheirPeriodCount() {
        Consent expired = directive("c5", ConsentProvisionType.DENY);
        expired.getProvision().setPeriod(new Period().setEnd(Date.from(Instant.parse("2026-01-01T00:00:00Z"))));
        Consent inactive = directive("c6", ConsentProvisionType.DENY).setStatus(ConsentState.INACTIVE);
        Consent later = directive("c7", ConsentProvisionType.PERMIT);
        later.getProvision()
                .addProvision()
                .setType(ConsentProvisionType.DENY)
                .setPeriod(new Period().setStart(Date.from(Instant.parse("2027-01-01T00:00:00Z"))))
                .addSecurityLabel(new Coding(SensitiveCategory.ACT_CODE_SYSTEM, "PSY", null));

        PatientWishes wishes = PatientWishes.of(List.of(expired, inactive, later), NOW);

        assertThat(wishes.optOut()).isEmpty();
        assertThat(wishes.restrictedCategories()).isEmpty();
    }

    @Test
    void aBlanketDenyIsAnOptOut() {
        assertThat(PatientWishes.of(List.of(directive("c8", ConsentProvisionType.DENY)), NOW)
                        .optOut())
                .contains("Consent/c8");
    }

    private static Consent directive(String id, ConsentProvisionType type) {
        Consent consent = new Consent().setStatus(ConsentState.ACTIVE).setPatient(new Reference("Patient/p1"));
        consent.setId(id);
        consent.getProvision().setType(type);
        return consent;
    }
}
