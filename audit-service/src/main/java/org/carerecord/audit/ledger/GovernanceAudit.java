package org.carerecord.audit.ledger;

import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.carerecord.security.audit.AuditVocabulary;
import org.carerecord.security.token.PurposeOfUse;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * Governance actions taken in the console (a break-glass review, an alert closed) are themselves part of
 * the trail: written straight into the chain, before the action is reported done, like any record view.
 */
@Component
public class GovernanceAudit {

    public static final String ACTIVITY_SYSTEM = "https://care-record.example.org/CodeSystem/governance-activity";
    public static final String BREAK_GLASS_REVIEW = "break-glass-review";
    public static final String ALERT_CLOSED = "alert-closed";

    /** Who acted: the signed-in user as the ID token named them. */
    public record Reviewer(String userId, String fhirUser, String role, String organisation) {
    }

    private final AuditLedger ledger;
    private final DeliveryReader reader;

    public GovernanceAudit(AuditLedger ledger, DeliveryReader reader) {
        this.ledger = ledger;
        this.reader = reader;
    }

    /**
     * @param activity  {@link #BREAK_GLASS_REVIEW} or {@link #ALERT_CLOSED}
     * @param subject   what was reviewed, e.g. {@code break-glass/<id>}
     * @param patientId the patient it concerned, if any (the patient's own access report shows the review)
     * @param outcome   the verdict and note, in words
     */
    public void record(Reviewer reviewer, String activity, String subject, String patientId, String outcome) {
        AuditEvent event = new AuditEvent();
        event.setId(UUID.randomUUID().toString());
        event.setType(new Coding(ACTIVITY_SYSTEM, activity, null));
        event.setAction(AuditEvent.AuditEventAction.U);
        event.setRecorded(new Date());
        event.setOutcome(AuditEvent.AuditEventOutcome._0);
        event.setOutcomeDesc(outcome);
        AuditEvent.AuditEventAgentComponent agent = event.addAgent().setRequestor(true);
        agent.getWho().setIdentifier(new Identifier().setSystem(AuditVocabulary.USER_SYSTEM).setValue(reviewer.userId()));
        if (reviewer.fhirUser() != null) {
            agent.getWho().setReference(reviewer.fhirUser());
        }
        if (reviewer.role() != null) {
            agent.addRole(new CodeableConcept(new Coding(AuditVocabulary.SDS_ROLE_SYSTEM, reviewer.role(), null)));
        }
        agent.addPurposeOfUse(new CodeableConcept(new Coding(PurposeOfUse.SYSTEM, PurposeOfUse.HCOMPL.name(),
                PurposeOfUse.HCOMPL.display())));
        if (reviewer.organisation() != null) {
            event.addAgent().setRequestor(false).getWho()
                    .setIdentifier(new Identifier().setSystem(AuditVocabulary.ODS_SYSTEM).setValue(reviewer.organisation()));
        }
        event.getSource().setObserver(new Reference().setDisplay("audit-service governance console"));
        if (patientId != null) {
            event.addEntity().setWhat(new Reference("Patient/" + patientId))
                    .setRole(new Coding(AuditVocabulary.OBJECT_ROLE_SYSTEM, "1", "Patient"));
        }
        event.addEntity().setWhat(new Reference().setIdentifier(new Identifier().setValue(subject)))
                .setRole(new Coding(AuditVocabulary.OBJECT_ROLE_SYSTEM, "13", "Security Resource"));
        ledger.append(List.of(reader.of(event)));
    }
}
