package org.carerecord.consent.directive;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.Date;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.ConsentState;

/** How a Consent resource is read as a patient directive. */
final class DirectiveRules {

    private DirectiveRules() {}

    /** Rejects a directive the decision logic could not interpret; returns its patient's id. */
    static String validate(Consent consent) {
        if (!consent.hasPatient()
                || !"Patient".equals(consent.getPatient().getReferenceElement().getResourceType())
                || !consent.getPatient().getReferenceElement().hasIdPart()) {
            throw new UnprocessableEntityException("Consent.patient must reference the patient, e.g. Patient/123");
        }
        if (!consent.hasStatus()) {
            throw new UnprocessableEntityException("Consent.status is required (active, inactive, rejected...)");
        }
        if (!consent.hasProvision() || !consent.getProvision().hasType()) {
            throw new UnprocessableEntityException("Consent.provision.type (permit or deny) is required");
        }
        return patientId(consent);
    }

    static String patientId(Consent consent) {
        return consent.getPatient().getReferenceElement().getIdPart();
    }

    /**
     * An opt-out: an active directive whose base provision denies everything, with no narrower
     * provisions or data classes, and whose period (if any) covers {@code now}.
     */
    public static boolean isOptOut(Consent consent, Date now) {
        if (consent.getStatus() != ConsentState.ACTIVE) {
            return false;
        }
        Consent.ProvisionComponent provision = consent.getProvision();
        boolean inForce = !provision.hasPeriod()
                || ((provision.getPeriod().getStart() == null
                                || !provision.getPeriod().getStart().after(now))
                        && (provision.getPeriod().getEnd() == null
                                || provision.getPeriod().getEnd().after(now)));
        return inForce
                && provision.getType() == ConsentProvisionType.DENY
                && !provision.hasProvision()
                && !provision.hasClass_()
                && !provision.hasCode()
                && !provision.hasActor()
                && !provision.hasData()
                && !provision.hasSecurityLabel();
    }
}
