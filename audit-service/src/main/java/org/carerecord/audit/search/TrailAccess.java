package org.carerecord.audit.search;

import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.carerecord.audit.ledger.GovernanceAudit;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.GovernanceRoles;
import org.carerecord.security.token.Interaction;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

/**
 * Who may read the trail: governance staff (Privacy Officer, Caldicott Guardian) all of it; a patient
 * only the record of views of their own record. Clinicians never. Every governance search and every
 * refusal is written into the trail itself; a patient reading their own report is not (it would fill the
 * report with their own reading of it).
 */
@Component
class TrailAccess {

    private final GovernanceAudit audit;

    public TrailAccess(GovernanceAudit audit) {
        this.audit = audit;
    }

    /**
     * @param patientId the patient the request is limited to, or null for the whole trail
     * @param what      what was asked, for the record ("AuditEvent search", "access report"...)
     */
    public void check(String patientId, String what) {
        CareClaims claims =
                SecurityContextHolder.getContext().getAuthentication().getPrincipal() instanceof Jwt jwt
                        ? CareClaims.from(jwt)
                        : null;
        if (claims == null || !claims.permits("AuditEvent", Interaction.SEARCH)) {
            refuse(claims, patientId, what, "This token does not grant access to the audit trail");
        }
        if (!claims.reaches(patientId)) {
            refuse(
                    claims,
                    patientId,
                    what,
                    "This session is for one patient (launch context); it reaches no other trail");
        }
        boolean governance = GovernanceRoles.includes(claims.nhsRole());
        boolean ownRecord = patientId != null && patientId.equals(claims.selfPatient());
        if (!governance && !ownRecord) {
            refuse(
                    claims,
                    patientId,
                    what,
                    "The audit trail is open to governance roles (Privacy Officer, Caldicott Guardian) and to a patient for their own record");
        }
        if (governance) {
            audit.trailSearch(claims, what, patientId, false, null);
        }
    }

    private void refuse(CareClaims claims, String patientId, String what, String reason) {
        if (claims != null) {
            audit.trailSearch(claims, what, patientId, true, reason);
        }
        throw new ForbiddenOperationException(reason);
    }
}
