package org.carerecord.fhir.balp;

import java.util.List;
import org.carerecord.security.audit.AuditVocabulary;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;

/** Reads back what {@link AuditEventBuilder} writes: the one place that knows where each field sits. */
public final class AuditEventFields {

    private AuditEventFields() {}

    /** The requestor agent (empty if there is none). */
    public static AuditEventAgentComponent requestor(AuditEvent event) {
        return event.getAgent().stream()
                .filter(AuditEventAgentComponent::getRequestor)
                .findFirst()
                .orElse(new AuditEventAgentComponent());
    }

    public static String userId(AuditEvent event) {
        return requestor(event).getWho().getIdentifier().getValue();
    }

    public static String userReference(AuditEvent event) {
        return requestor(event).getWho().getReference();
    }

    /** The requestor's NHS role code. */
    public static String role(AuditEvent event) {
        return requestor(event).getRole().stream()
                .flatMap(r -> r.getCoding().stream())
                .filter(c -> AuditVocabulary.SDS_ROLE_SYSTEM.equals(c.getSystem()))
                .map(Coding::getCode)
                .findFirst()
                .orElse(null);
    }

    /** The requestor's purpose of use code ({@code TREAT}, {@code BTG}...). */
    public static String purposeOfUse(AuditEvent event) {
        return requestor(event).getPurposeOfUse().stream()
                .flatMap(p -> p.getCoding().stream())
                .map(Coding::getCode)
                .findFirst()
                .orElse(null);
    }

    /** The ODS code of the organisation the requestor acted for. */
    public static String organisation(AuditEvent event) {
        return event.getAgent().stream()
                .map(a -> a.getWho().getIdentifier())
                .filter(id -> AuditVocabulary.ODS_SYSTEM.equals(id.getSystem()))
                .map(id -> id.getValue())
                .findFirst()
                .orElse(null);
    }

    /** The patients it concerned, by id, in order, once each. */
    public static List<String> patientIds(AuditEvent event) {
        return event.getEntity().stream()
                .map(e -> e.getWhat())
                .filter(Reference::hasReference)
                .map(Reference::getReferenceElement)
                .filter(id -> "Patient".equals(id.getResourceType()))
                .map(id -> id.getIdPart())
                .distinct()
                .toList();
    }
}
