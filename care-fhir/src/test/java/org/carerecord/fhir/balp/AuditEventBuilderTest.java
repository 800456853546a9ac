package org.carerecord.fhir.balp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.carerecord.security.audit.AuditVocabulary;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.PurposeOfUse;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.junit.jupiter.api.Test;

/** What the builder writes, {@link AuditEventFields} reads back, and every event has the same BALP shape. */
class AuditEventBuilderTest {

    private static final CareClaims NURSE = new CareClaims(
            "nurse-1", "clinician-viewer", List.of(), "Practitioner/p1", "R8001", "RTD", PurposeOfUse.TREAT, null);

    @Test
    void theRequestorsFieldsReadBackAsWritten() {
        AuditEvent event = AuditEventBuilder.rest("read", AuditEvent.AuditEventAction.R)
                .requestor(NURSE, PurposeOfUse.BTG)
                .address("10.0.0.7")
                .patient("p-9")
                .patient("p-9")
                .patient("p-2")
                .build();

        assertThat(AuditEventFields.userId(event)).isEqualTo("nurse-1");
        assertThat(AuditEventFields.userReference(event)).isEqualTo("Practitioner/p1");
        assertThat(AuditEventFields.role(event)).isEqualTo("R8001");
        assertThat(AuditEventFields.organisation(event)).isEqualTo("RTD");
        assertThat(AuditEventFields.purposeOfUse(event))
                .as("the stated purpose, not the token's")
                .isEqualTo("BTG");
        assertThat(AuditEventFields.patientIds(event)).containsExactly("p-9", "p-2");
        AuditEventAgentComponent requestor = AuditEventFields.requestor(event);
        assertThat(requestor.getAltId()).isEqualTo("clinician-viewer");
        assertThat(requestor.getNetwork().getAddress()).isEqualTo("10.0.0.7");
    }

    /** The drift this class ended: governance events lacked the event's purpose, the organisation type and the site. */
    @Test
    void everyEventCarriesPurposeOrganisationTypeAndSourceSite() {
        AuditEvent governance = AuditEventBuilder.of(
                        new org.hl7.fhir.r4.model.Coding("urn:x", "alert-closed", null), AuditEvent.AuditEventAction.U)
                .requestor("officer-1", null, "R0001", PurposeOfUse.HCOMPL)
                .organisation("NENC")
                .source("audit-service", "governance console")
                .build();

        assertThat(governance.getPurposeOfEventFirstRep().getCodingFirstRep().getCode())
                .isEqualTo("HCOMPL");
        AuditEventAgentComponent organisation = governance.getAgent().stream()
                .filter(a -> !a.getRequestor())
                .findFirst()
                .orElseThrow();
        assertThat(organisation.getType().getCodingFirstRep().getCode()).isEqualTo("PROV");
        assertThat(organisation.getWho().getIdentifier().getSystem()).isEqualTo(AuditVocabulary.ODS_SYSTEM);
        assertThat(governance.getSource().getSite()).isEqualTo("audit-service");
        assertThat(AuditEventFields.organisation(governance)).isEqualTo("NENC");
    }

    @Test
    void absentValuesLeaveNoEmptyElements() {
        AuditEvent event = AuditEventBuilder.rest(null, AuditEvent.AuditEventAction.E)
                .unidentifiedRequestor("unauthenticated")
                .address(null)
                .organisation(null)
                .patient(null)
                .query(" ")
                .requestId(null)
                .extension(AuditVocabulary.BREAK_GLASS_REASON_EXTENSION, null)
                .outcome(true, null)
                .build();

        assertThat(event.getSubtype()).isEmpty();
        assertThat(event.getEntity()).isEmpty();
        assertThat(event.getExtension()).isEmpty();
        assertThat(event.getAgent()).hasSize(1);
        assertThat(event.hasOutcomeDesc()).isFalse();
        assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
        assertThat(AuditEventFields.userId(event)).isNull();
        assertThat(AuditEventFields.purposeOfUse(event)).isNull();
        assertThat(AuditEventFields.patientIds(event)).isEmpty();
    }
}
