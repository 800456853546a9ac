package org.carerecord.consent.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import org.carerecord.fhir.balp.AuditEventBuilder;
import org.carerecord.security.audit.AuditVocabulary;
import org.carerecord.security.token.CareClaims;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * consent-service's entries in the audit trail: every change to a patient's directive (written before the
 * change commits: no audit record, no change) and every refusal — a directive write by someone who may not
 * record it, a decision or break-glass request from a token that may not ask. Delivered straight to
 * audit-service (idempotent by event id); a directive change waits for it and fails (503) without it.
 */
@Component
public class ConsentServiceAudit {

    private static final Logger log = LoggerFactory.getLogger(ConsentServiceAudit.class);

    private final RestClient auditService;
    private final FhirContext fhir;

    public ConsentServiceAudit(@Qualifier("auditServiceClient") RestClient auditService, FhirContext fhir) {
        this.auditService = auditService;
        this.fhir = fhir;
    }

    /** A directive created or updated; throws (503) if the trail could not take it, so the change rolls back. */
    public void directiveRecorded(
            CareClaims by, String patientId, String consentReference, boolean created, String basis) {
        AuditEvent event = AuditEventBuilder.rest(
                        created ? "create" : "update",
                        created ? AuditEvent.AuditEventAction.C : AuditEvent.AuditEventAction.U)
                .balpProfile(created ? "PatientCreate" : "PatientUpdate")
                .outcome(false, "patient's directive " + (created ? "recorded" : "changed") + " by " + basis)
                .requestor(by)
                .source("consent-service", "directives API")
                .patient(patientId)
                .entity(new Reference(consentReference), "13", "Security Resource")
                .build();
        try {
            deliver(event);
        } catch (RestClientException e) {
            log.error("directive change for {} not audited: {}", patientId, e.toString());
            throw new UnclassifiedServerFailureException(
                    503, "The change could not be written to the audit trail, so it was not made; try again shortly");
        }
    }

    /** A request refused; recorded if the trail can take it (the refusal stands either way). */
    public void refused(CareClaims by, String patientId, String what, String reason) {
        AuditEvent event = AuditEventBuilder.rest("operation", AuditEvent.AuditEventAction.E)
                .outcome(true, "refused: " + reason + " (" + what + ")")
                .requestor(by)
                .source("consent-service", "consent API")
                .patient(patientId)
                .build();
        try {
            deliver(event);
        } catch (RestClientException e) {
            log.error("refusal of {} by {} not audited: {}", what, by.subject(), e.toString());
        }
    }

    /**
     * A governance action on the role policy (proposed, replayed, approved, rejected, restored), written before
     * it takes effect; throws (503) if the trail could not take it, so nothing changes unaudited.
     */
    public void governance(CareClaims by, String activity, String subject, String outcome) {
        AuditEvent event = AuditEventBuilder.of(
                        new org.hl7.fhir.r4.model.Coding(AuditVocabulary.GOVERNANCE_ACTIVITY_SYSTEM, activity, null),
                        AuditEvent.AuditEventAction.U)
                .outcome(false, outcome)
                .requestor(by)
                .source("consent-service", "policy governance API")
                .entity(
                        new Reference().setIdentifier(new org.hl7.fhir.r4.model.Identifier().setValue(subject)),
                        "13",
                        "Security Resource")
                .build();
        try {
            deliver(event);
        } catch (RestClientException e) {
            log.error("{} of {} not audited: {}", activity, subject, e.toString());
            throw new UnclassifiedServerFailureException(
                    503, "The action could not be written to the audit trail, so it was not taken; try again shortly");
        }
    }

    private void deliver(AuditEvent event) {
        Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
        batch.addEntry().setResource(event);
        auditService
                .post()
                .uri("/audit/events")
                .contentType(MediaType.parseMediaType("application/fhir+json"))
                .body(fhir.newJsonParser().encodeResourceToString(batch))
                .retrieve()
                .toBodilessEntity();
    }
}
