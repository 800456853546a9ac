package org.carerecord.audit.search;

import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.List;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.GovernanceRoles;
import org.carerecord.security.token.Interaction;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

/**
 * {@code GET /fhir/AuditEvent}: governance staff (Privacy Officer, Caldicott Guardian) search the whole
 * trail; a patient may search only the views of their own record.
 */
@Component
public class AuditEventResourceProvider implements IResourceProvider {

    private static final int MAX_PAGE = 500;

    private final AuditTrail trail;

    public AuditEventResourceProvider(AuditTrail trail) {
        this.trail = trail;
    }

    @Override
    public Class<AuditEvent> getResourceType() {
        return AuditEvent.class;
    }

    @Search
    public List<AuditEvent> search(
            @OptionalParam(name = AuditEvent.SP_PATIENT) ReferenceParam patient,
            @OptionalParam(name = AuditEvent.SP_AGENT_NAME) StringParam user,
            @OptionalParam(name = "organization") TokenParam organisation,
            @OptionalParam(name = AuditEvent.SP_OUTCOME) TokenParam outcome,
            @OptionalParam(name = "purpose") TokenParam purpose,
            @OptionalParam(name = AuditEvent.SP_DATE) DateRangeParam date,
            @Count Integer count) {
        String patientId = patient == null ? null : patient.getIdPart();
        checkMaySearch(patientId);
        return trail.search(new AuditTrail.Query(
                patientId,
                user == null ? null : user.getValue(),
                organisation == null ? null : organisation.getValue(),
                outcome == null ? null : outcome.getValue(),
                purpose == null ? null : purpose.getValue(),
                date == null || date.getLowerBoundAsInstant() == null ? null : date.getLowerBoundAsInstant().toInstant(),
                date == null || date.getUpperBoundAsInstant() == null ? null : date.getUpperBoundAsInstant().toInstant(),
                count == null ? 100 : Math.min(Math.max(count, 1), MAX_PAGE)));
    }

    private static void checkMaySearch(String patientId) {
        CareClaims claims = SecurityContextHolder.getContext().getAuthentication().getPrincipal() instanceof Jwt jwt
                ? CareClaims.from(jwt) : null;
        if (claims == null || !claims.permits("AuditEvent", Interaction.SEARCH)) {
            throw new ForbiddenOperationException("This token does not grant AuditEvent search");
        }
        boolean governance = GovernanceRoles.includes(claims.nhsRole());
        boolean ownRecord = claims.isPatient() && claims.patient().equals(patientId);
        if (!governance && !ownRecord) {
            throw new ForbiddenOperationException(
                    "The audit trail is open to governance roles (Privacy Officer, Caldicott Guardian) and to a patient for their own record");
        }
    }
}
