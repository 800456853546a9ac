package org.carerecord.consent.directive;

import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import java.util.Optional;
import org.carerecord.consent.audit.ConsentServiceAudit;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.GovernanceRoles;
import org.carerecord.security.token.Interaction;
import org.hl7.fhir.r4.model.Consent;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClientException;

/**
 * Who may read and record a patient's directives. Recording, any one of:
 * <ul>
 *   <li>the patient themself (their own token);</li>
 *   <li>the system of the GP practice the patient is registered with (from the record) — the practice that
 *       takes a patient's wishes at the desk; no other provider's system, however it is tied to the patient;</li>
 *   <li>a Privacy Officer or Caldicott Guardian acting on the patient's written request, which the directive
 *       must cite ({@code Consent.sourceAttachment} or {@code sourceReference}).</li>
 * </ul>
 * A proxy (a parent, a lasting power of attorney) is recorded by the practice or a privacy officer.
 * Reading: the patient, care-provider and service systems, governance staff. Clinicians do not browse
 * directives; they meet them through decisions. Every refusal is written into the audit trail.
 */
@Component
class DirectiveAccess {

    private final RegisteredPractice registeredPractice;
    private final ConsentServiceAudit audit;

    DirectiveAccess(RegisteredPractice registeredPractice, ConsentServiceAudit audit) {
        this.registeredPractice = registeredPractice;
        this.audit = audit;
    }

    /** Who is recording the directive and on what basis, for the record; refuses (403, audited) anyone else. */
    String checkCanWrite(String patientId, Consent directive) {
        CareClaims claims = claims();
        if (!claims.permits("Consent", Interaction.CREATE) && !claims.permits("Consent", Interaction.UPDATE)) {
            throw refuse(claims, patientId, "This token may not record directives");
        }
        if (!claims.reaches(patientId)) {
            throw refuse(claims, patientId, "This session is for another patient (launch context)");
        }
        if (claims.isPatient()) {
            if (patientId.equals(claims.selfPatient())) {
                return "the patient";
            }
            throw refuse(claims, patientId, "A patient may record only their own directives");
        }
        if (claims.isSystem()) {
            Optional<String> practice = practiceOf(patientId);
            if (practice.isPresent() && practice.get().equals(claims.organisation())) {
                return "the patient's registered GP practice (" + claims.organisation() + ")";
            }
            throw refuse(
                    claims,
                    patientId,
                    "Only the system of the patient's registered GP practice may record their " + "directive for them"
                            + practice.map(p -> " (" + p + ")").orElse(""));
        }
        if (GovernanceRoles.includes(claims.nhsRole())) {
            if (directive.hasSourceAttachment() || directive.hasSourceReference()) {
                return "a governance officer (" + claims.nhsRole() + ") on the patient's written request";
            }
            throw refuse(
                    claims,
                    patientId,
                    "A directive recorded for a patient must cite their written request "
                            + "(Consent.sourceAttachment: title and date, or sourceReference)");
        }
        throw refuse(
                claims,
                patientId,
                "Only the patient, their registered GP practice or a privacy officer acting "
                        + "on their written request may record a patient's directive");
    }

    boolean canRead(String patientId) {
        CareClaims claims = claims();
        if (!claims.permits("Consent", Interaction.READ)) {
            return false;
        }
        if (!claims.reaches(patientId)) {
            return false;
        }
        if (claims.isPatient()) {
            return patientId.equals(claims.selfPatient());
        }
        return claims.isSystem() || GovernanceRoles.includes(claims.nhsRole());
    }

    void checkCanSearch(String patientId) {
        if (!claims().permits("Consent", Interaction.SEARCH) || !canRead(patientId)) {
            throw refuse(claims(), patientId, "This token may not search this patient's directives");
        }
    }

    CareClaims requester() {
        return claims();
    }

    private Optional<String> practiceOf(String patientId) {
        try {
            return registeredPractice.of(patientId);
        } catch (RestClientException e) {
            throw new UnclassifiedServerFailureException(
                    503,
                    "The patient's registered practice could not be "
                            + "checked, so the directive was not recorded; try again shortly");
        }
    }

    private ForbiddenOperationException refuse(CareClaims claims, String patientId, String reason) {
        audit.refused(claims, patientId, "directive", reason);
        return new ForbiddenOperationException(reason);
    }

    private static CareClaims claims() {
        if (SecurityContextHolder.getContext().getAuthentication().getPrincipal() instanceof Jwt jwt) {
            return CareClaims.from(jwt);
        }
        throw new ForbiddenOperationException("A bearer token is required");
    }
}
