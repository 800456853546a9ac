package org.carerecord.consent.directive;

import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.GovernanceRoles;
import org.carerecord.security.token.Interaction;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

/**
 * Who may read and record a patient's directives: the patient themself, a care-provider or service
 * system with a Consent scope, and governance staff (read only). Clinicians do not browse directives;
 * they meet them through decisions.
 */
@Component
public class DirectiveAccess {

    /** Returns who is recording the directive, for the record. */
    String checkCanWrite(String patientId) {
        CareClaims claims = claims();
        boolean own = claims.isPatient() && patientId.equals(claims.patient())
                && claims.permits("Consent", Interaction.CREATE);
        boolean system = claims.isSystem() && claims.permits("Consent", Interaction.CREATE);
        if (!own && !system) {
            throw new ForbiddenOperationException("Only the patient or a care-provider system may record a patient's directive");
        }
        return claims.subject();
    }

    boolean canRead(String patientId) {
        CareClaims claims = claims();
        if (!claims.permits("Consent", Interaction.READ)) {
            return false;
        }
        if (claims.isPatient()) {
            return patientId.equals(claims.patient());
        }
        return claims.isSystem() || GovernanceRoles.includes(claims.nhsRole());
    }

    void checkCanSearch(String patientId) {
        if (!claims().permits("Consent", Interaction.SEARCH) || !canRead(patientId)) {
            throw new ForbiddenOperationException("This token may not search this patient's directives");
        }
    }

    private static CareClaims claims() {
        if (SecurityContextHolder.getContext().getAuthentication().getPrincipal() instanceof Jwt jwt) {
            return CareClaims.from(jwt);
        }
        throw new ForbiddenOperationException("A bearer token is required");
    }
}
