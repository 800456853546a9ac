package org.carerecord.audit.ledger;

import java.time.Instant;
import java.util.List;
import org.carerecord.fhir.balp.AuditEventFields;
import org.carerecord.security.audit.AuditVocabulary;
import org.hl7.fhir.r4.model.AuditEvent;

/** What the trail indexes and reports of one AuditEvent, read from the BALP-shaped resource. */
public record AuditEntry(
        String eventId,
        Instant recorded,
        String action,
        String outcome,
        String userId,
        String userReference,
        String userRole,
        String organisation,
        String purpose,
        List<String> patientIds,
        boolean statedRelationship,
        boolean brokeGlass) {

    /** Anything but success (FHIR AuditEvent outcome 0): refused (4) or failed (8, 12). */
    public boolean refused() {
        return !"0".equals(outcome);
    }

    public static AuditEntry of(AuditEvent event) {
        return new AuditEntry(
                event.getIdElement().getIdPart(),
                event.getRecorded() == null
                        ? Instant.now()
                        : event.getRecorded().toInstant(),
                event.hasAction() ? event.getAction().toCode() : null,
                event.hasOutcome() ? event.getOutcome().toCode() : "0",
                AuditEventFields.userId(event),
                AuditEventFields.userReference(event),
                AuditEventFields.role(event),
                AuditEventFields.organisation(event),
                AuditEventFields.purposeOfUse(event),
                AuditEventFields.patientIds(event),
                event.hasExtension(AuditVocabulary.CLAIMED_RELATIONSHIP_EXTENSION),
                event.hasExtension(AuditVocabulary.BREAK_GLASS_REASON_EXTENSION));
    }
}
