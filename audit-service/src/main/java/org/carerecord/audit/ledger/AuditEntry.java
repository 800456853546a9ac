package org.carerecord.audit.ledger;

import java.time.Instant;
import java.util.List;
import org.carerecord.security.audit.AuditVocabulary;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;

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
        AuditEventAgentComponent requestor = event.getAgent().stream()
                .filter(AuditEventAgentComponent::getRequestor).findFirst().orElse(new AuditEventAgentComponent());
        String organisation = event.getAgent().stream()
                .map(a -> a.getWho().getIdentifier())
                .filter(id -> AuditVocabulary.ODS_SYSTEM.equals(id.getSystem()))
                .map(id -> id.getValue()).findFirst().orElse(null);
        String role = requestor.getRole().stream().flatMap(r -> r.getCoding().stream())
                .filter(c -> AuditVocabulary.SDS_ROLE_SYSTEM.equals(c.getSystem()))
                .map(Coding::getCode).findFirst().orElse(null);
        String purpose = requestor.getPurposeOfUse().stream().flatMap(p -> p.getCoding().stream())
                .map(Coding::getCode).findFirst().orElse(null);
        List<String> patients = event.getEntity().stream()
                .map(e -> e.getWhat())
                .filter(Reference::hasReference)
                .map(Reference::getReferenceElement)
                .filter(id -> "Patient".equals(id.getResourceType()))
                .map(id -> id.getIdPart()).distinct().toList();
        return new AuditEntry(
                event.getIdElement().getIdPart(),
                event.getRecorded() == null ? Instant.now() : event.getRecorded().toInstant(),
                event.hasAction() ? event.getAction().toCode() : null,
                event.hasOutcome() ? event.getOutcome().toCode() : "0",
                requestor.getWho().getIdentifier().getValue(),
                requestor.getWho().getReference(),
                role,
                organisation,
                purpose,
                patients,
                event.hasExtension(AuditVocabulary.CLAIMED_RELATIONSHIP_EXTENSION),
                event.hasExtension(AuditVocabulary.BREAK_GLASS_REASON_EXTENSION));
    }
}
