package org.carerecord.audit.search;

import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.Offset;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.stereotype.Component;

/**
 * {@code GET /fhir/AuditEvent}: governance staff (Privacy Officer, Caldicott Guardian) search the whole
 * trail; a patient may search only the views of their own record.
 */
@Component
public class AuditEventResourceProvider implements IResourceProvider {

    private static final int MAX_PAGE = 500;

    private final AuditTrail trail;
    private final TrailAccess access;

    public AuditEventResourceProvider(AuditTrail trail, TrailAccess access) {
        this.trail = trail;
        this.access = access;
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
            @OptionalParam(name = AuditEvent.SP_ACTION) TokenParam action,
            @OptionalParam(name = AuditEvent.SP_DATE) DateRangeParam date,
            @Sort SortSpec sort,
            @Count Integer count,
            @Offset Integer offset) {
        String patientId = patient == null ? null : patient.getIdPart();
        access.check(patientId, "AuditEvent search");
        return trail.search(new AuditTrail.Query(
                patientId,
                user == null ? null : user.getValue(),
                organisation == null ? null : organisation.getValue(),
                outcome == null ? null : outcome.getValue(),
                purpose == null ? null : purpose.getValue(),
                action == null ? null : action.getValue(),
                date == null || date.getLowerBoundAsInstant() == null ? null : date.getLowerBoundAsInstant().toInstant(),
                date == null || date.getUpperBoundAsInstant() == null ? null : date.getUpperBoundAsInstant().toInstant(),
                count == null ? 100 : Math.min(Math.max(count, 1), MAX_PAGE),
                offset == null ? 0 : Math.max(offset, 0),
                sort != null && "date".equals(sort.getParamName())
                        && sort.getOrder() == SortOrderEnum.ASC));
    }
}
