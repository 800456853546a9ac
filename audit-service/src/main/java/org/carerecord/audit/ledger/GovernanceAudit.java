package org.carerecord.audit.ledger;

import java.util.List;
import org.carerecord.fhir.balp.AuditEventBuilder;
import org.carerecord.security.audit.AuditVocabulary;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.PurposeOfUse;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * What is done with the trail is itself part of the trail, written straight into the chain before the answer
 * leaves: governance actions in the console (a break-glass review, an alert closed), governance searches of
 * the trail, and every request audit-service refuses (a clinician's search, a patient asking for another's
 * access report, a delivery from a client that is not a relay).
 */
@Component
public class GovernanceAudit {

    public static final String ACTIVITY_SYSTEM = AuditVocabulary.GOVERNANCE_ACTIVITY_SYSTEM;
    public static final String BREAK_GLASS_REVIEW = "break-glass-review";
    public static final String ALERT_CLOSED = "alert-closed";
    public static final String TRAIL_SEARCH = "trail-search";
    private static final String SITE = "audit-service";

    /** Who acted: the signed-in user as the ID token named them. */
    public record Reviewer(String userId, String fhirUser, String role, String organisation) {}

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
        append(AuditEventBuilder.of(new Coding(ACTIVITY_SYSTEM, activity, null), AuditEvent.AuditEventAction.U)
                .outcome(false, outcome)
                .requestor(reviewer.userId(), reviewer.fhirUser(), reviewer.role(), PurposeOfUse.HCOMPL)
                .organisation(reviewer.organisation())
                .source(SITE, "governance console")
                .patient(patientId)
                .entity(new Reference().setIdentifier(new Identifier().setValue(subject)), "13", "Security Resource")
                .build());
    }

    /** A search of the trail (or access report, or export) by this token, answered or refused. */
    public void trailSearch(CareClaims claims, String path, String patientId, boolean refused, String reason) {
        AuditEventBuilder event = AuditEventBuilder.rest("search-type", AuditEvent.AuditEventAction.E);
        if (patientId != null) {
            event.balpProfile("PatientQuery");
        }
        append(event.subtype(new Coding(ACTIVITY_SYSTEM, TRAIL_SEARCH, "Audit trail searched"))
                .outcome(refused, (refused ? "refused: " + reason : "answered") + " (" + path + ")")
                .requestor(claims)
                .source(SITE, "audit API")
                .patient(patientId)
                .build());
    }

    /** A request refused before it reached a controller (wrong client for deliveries, no role for verify). */
    public void refused(String subject, String role, String organisation, String path, String reason) {
        append(AuditEventBuilder.rest("operation", AuditEvent.AuditEventAction.E)
                .outcome(true, "refused: " + reason + " (" + path + ")")
                .requestor(subject, null, role, null)
                .organisation(organisation)
                .source(SITE, "audit API")
                .build());
    }

    private void append(AuditEvent event) {
        ledger.append(List.of(reader.of(event)));
    }
}
