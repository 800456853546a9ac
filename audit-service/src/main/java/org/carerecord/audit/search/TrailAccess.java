package org.carerecord.audit.search;

import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.GovernanceRoles;
import org.carerecord.security.token.Interaction;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

/**
 * Who may read the trail: governance staff (Privacy Officer, Caldicott Guardian) all of it; a patient
 * only the record of views of their own record. Clinicians never.
 */
@Component
public class TrailAccess {

    /** @param patientId the patient the request is limited to, or null for the whole trail */
    public void check(String patientId) {
        CareClaims claims = SecurityContextHolder.getContext().getAuthentication().getPrincipal() instanceof Jwt jwt
                ? CareClaims.from(jwt) : null;
        if (claims == null || !claims.permits("AuditEvent", Interaction.SEARCH)) {
            throw new ForbiddenOperationException("This token does not grant access to the audit trail");
        }
        boolean governance = GovernanceRoles.includes(claims.nhsRole());
        boolean ownRecord = claims.isPatient() && claims.patient().equals(patientId);
        if (!governance && !ownRecord) {
            throw new ForbiddenOperationException(
                    "The audit trail is open to governance roles (Privacy Officer, Caldicott Guardian) and to a patient for their own record");
        }
    }
}
