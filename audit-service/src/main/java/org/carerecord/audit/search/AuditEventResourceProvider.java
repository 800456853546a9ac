package org.carerecord.audit.search;

import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.Offset;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import java.util.ArrayList;
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

    /**
     * One page of the trail, with FHIR paging: {@code next}/{@code previous} links and {@code Bundle.total}. The
     * total is exact wherever it is cheap — a search scoped to a patient or a user (read through their indexes),
     * the last page (one more record than the page is read to know it), or {@code _total=accurate} — and left out
     * otherwise (FHIR allows it): counting every record of a region's trail for each page of an unscoped search
     * would read millions of rows. The {@code next} link is there whenever more records match.
     */
    @Search
    public IBundleProvider search(
            @OptionalParam(name = AuditEvent.SP_PATIENT) ReferenceParam patient,
            @OptionalParam(name = AuditEvent.SP_AGENT_NAME) StringParam user,
            @OptionalParam(name = "organization") TokenParam organisation,
            @OptionalParam(name = AuditEvent.SP_OUTCOME) TokenParam outcome,
            @OptionalParam(name = "purpose") TokenParam purpose,
            @OptionalParam(name = AuditEvent.SP_ACTION) TokenParam action,
            @OptionalParam(name = AuditEvent.SP_DATE) DateRangeParam date,
            @Sort SortSpec sort,
            @Count Integer count,
            @Offset Integer offset,
            RequestDetails request) {
        String patientId = patient == null ? null : patient.getIdPart();
        access.check(patientId, "AuditEvent search");
        int page = count == null ? 100 : Math.min(Math.max(count, 1), MAX_PAGE);
        int from = offset == null ? 0 : Math.max(offset, 0);
        AuditTrail.Query query = new AuditTrail.Query(
                patientId,
                user == null ? null : user.getValue(),
                organisation == null ? null : organisation.getValue(),
                outcome == null ? null : outcome.getValue(),
                purpose == null ? null : purpose.getValue(),
                action == null ? null : action.getValue(),
                date == null || date.getLowerBoundAsInstant() == null
                        ? null
                        : date.getLowerBoundAsInstant().toInstant(),
                date == null || date.getUpperBoundAsInstant() == null
                        ? null
                        : date.getUpperBoundAsInstant().toInstant(),
                page + 1,
                from,
                sort != null && "date".equals(sort.getParamName()) && sort.getOrder() == SortOrderEnum.ASC);
        List<AuditEvent> found = trail.search(query);
        boolean more = found.size() > page;
        Integer total;
        if (!more && (from == 0 || !found.isEmpty())) {
            total = from + found.size(); // the last page: what came before it, and what is on it
        } else if (!more || patientId != null || user != null || accurateTotal(request)) {
            total = Math.toIntExact(Math.min(Integer.MAX_VALUE, trail.count(query)));
        } else {
            total = null;
        }
        SimpleBundleProvider result =
                new SimpleBundleProvider(new ArrayList<>(found.subList(0, Math.min(page, found.size()))));
        result.setCurrentPageOffset(from);
        result.setCurrentPageSize(page);
        result.setSize(total);
        result.setTotalResourcesRequestedReturned(found.size()); // one more than the page: a next link follows
        return result;
    }

    private static boolean accurateTotal(RequestDetails request) {
        String[] asked = request.getParameters().get(Constants.PARAM_SEARCH_TOTAL_MODE);
        return asked != null && asked.length > 0 && "accurate".equals(asked[0]);
    }
}
