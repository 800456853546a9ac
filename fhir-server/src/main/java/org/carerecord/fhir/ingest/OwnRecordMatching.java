package org.carerecord.fhir.ingest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.util.ResourceReferenceInfo;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.carerecord.fhir.access.ProbingParameters;
import org.carerecord.fhir.access.PushedBy;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;

/**
 * A care provider's system's conditional writes — {@code If-None-Exist}, a conditional update, patch or delete, a
 * transaction entry's {@code ifNoneExist} or conditional url — match only records its own organisation pushed
 * (a {@code _tag} of its source organisation is added), except patients and directory records, which are shared.
 * A conditional create that matched another organisation's record would hand that record back (HAPI returns the
 * match) and a 200 rather than a 201 would say one exists ("does this patient have code X?"); a conditional
 * update of it would be refused with its owner's name. A reference by criteria in a pushed record
 * ({@code "reasonReference": "Condition?patient=…&code=…"}, resolved by HAPI on write) is confined the same way:
 * resolved against another organisation's record it would be written (a 200) where a criteria matching nothing is
 * refused (a 404) — found from outside, {@code SystemReadBackIT}. {@code _has} and {@code _security} are refused in
 * the criteria as in a search (they answer from records before anything is withheld). Found by a review of the
 * read-back rule. A patch's references are confined in the patched record, just before it is stored: the request
 * holds only the patch, and HAPI resolves the references the patch adds as it stores the result.
 */
@Component
@Interceptor
public class OwnRecordMatching implements FhirServerInterceptor {

    private static final Pattern RESOURCE_TYPE = Pattern.compile("[A-Z][A-Za-z]+");

    private static final Set<RestOperationTypeEnum> CONDITIONAL_WRITES = Set.of(
            RestOperationTypeEnum.CREATE,
            RestOperationTypeEnum.UPDATE,
            RestOperationTypeEnum.PATCH,
            RestOperationTypeEnum.DELETE,
            RestOperationTypeEnum.TRANSACTION,
            RestOperationTypeEnum.BATCH);

    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = 100)
    public void narrow(RequestDetails request, RestOperationTypeEnum operation) {
        if (!CONDITIONAL_WRITES.contains(operation)) {
            return; // before the requester is asked for: /metadata is answered without a token
        }
        Requester requester = Requester.of(request);
        String organisation = requester.claims().organisation();
        if (!requester.claims().isSystem() || organisation == null) {
            return;
        }
        String type = request.getResourceName();
        FhirContext fhir = request.getFhirContext();
        if (request.getResource() != null && !(request.getResource() instanceof Bundle)) {
            confineReferences(request.getResource(), organisation, fhir);
        }
        switch (operation) {
            case CREATE -> {
                String criteria = request.getHeader(Constants.HEADER_IF_NONE_EXIST);
                if (criteria != null && !criteria.isBlank()) {
                    request.setHeaders(Constants.HEADER_IF_NONE_EXIST, List.of(narrowed(type, criteria, organisation)));
                }
            }
            case UPDATE, PATCH, DELETE -> {
                String criteria = request.getConditionalUrl(operation);
                if (criteria != null) {
                    String url = request.getCompleteUrl();
                    request.setCompleteUrl(
                            url.substring(0, url.indexOf('?')) + "?" + query(narrowed(type, criteria, organisation)));
                }
            }
            case TRANSACTION, BATCH -> {
                if (request.getResource() instanceof Bundle bundle) {
                    bundle.getEntry().forEach(entry -> narrow(entry, organisation, fhir));
                }
            }
            default -> {}
        }
    }

    /**
     * The record a patch produced — alone or as a transaction's entry — before HAPI resolves its references. A
     * transaction's other updates were confined before it was handled; confining is idempotent.
     */
    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void narrowPatched(IBaseResource previous, IBaseResource updated, RequestDetails request) {
        RestOperationTypeEnum operation = request == null ? null : request.getRestOperationType();
        if (operation != RestOperationTypeEnum.PATCH
                && operation != RestOperationTypeEnum.TRANSACTION
                && operation != RestOperationTypeEnum.BATCH) {
            return; // a create or update by HTTP was confined as it arrived; a bulk line by BulkRecordRules
        }
        Requester requester = Requester.of(request);
        String organisation = requester.claims().organisation();
        if (requester.claims().isSystem() && organisation != null) {
            confineReferences(updated, organisation, request.getFhirContext());
        }
    }

    private static void narrow(Bundle.BundleEntryComponent entry, String organisation, FhirContext fhir) {
        if (entry.hasResource()) {
            confineReferences(entry.getResource(), organisation, fhir);
        }
        Bundle.BundleEntryRequestComponent request = entry.getRequest();
        String url = request.getUrl();
        String type =
                entry.hasResource() ? entry.getResource().fhirType() : url == null ? null : url.split("[/?]", 2)[0];
        if (request.hasIfNoneExist()) {
            request.setIfNoneExist(narrowed(type, request.getIfNoneExist(), organisation));
        }
        if (url != null
                && url.contains("?")
                && request.getMethod() != Bundle.HTTPVerb.GET
                && request.getMethod() != Bundle.HTTPVerb.HEAD) {
            request.setUrl(url.substring(0, url.indexOf('?')) + "?" + query(narrowed(type, url, organisation)));
        }
    }

    /**
     * Each reference by criteria in a record a system pushes, confined as a conditional write's criteria are
     * ({@code $import} and {@code $load} lines confine theirs in {@code BulkRecordRules}' walk of their references).
     *
     * @throws InvalidRequestException if a criteria probes ({@code _has}, {@code _security})
     */
    public static void confineReferences(IBaseResource resource, String organisation, FhirContext fhir) {
        for (ResourceReferenceInfo info : fhir.newTerser().getAllResourceReferences(resource)) {
            confine(info.getResourceReference(), organisation);
        }
    }

    /**
     * One reference, confined if it is by criteria. HAPI resolves any reference with a query whose last path segment
     * before it names a type as criteria on that type ({@code Condition?…}, {@code Condition/?…}, {@code
     * https://elsewhere/Condition?…}: the last two found by a review), so each is written as {@code Type?…} and
     * confined; any other reference is left as it is.
     */
    public static void confine(IBaseReference reference, String organisation) {
        String target = reference.getReferenceElement().getValue();
        int question = target == null || target.startsWith("#") ? -1 : target.indexOf('?');
        if (question < 0) {
            return;
        }
        String path = target.substring(0, question).replaceAll("/+$", "");
        String type = path.substring(path.lastIndexOf('/') + 1);
        if (RESOURCE_TYPE.matcher(type).matches()) {
            reference.setReference(narrowed(type, type + target.substring(question), organisation));
        }
    }

    /** The criteria, refused if they probe, and confined to the organisation's own records where records are owned. */
    static String narrowed(String type, String criteria, String organisation) {
        ProbingParameters.refuseIn(criteria, "a conditional write or a reference by criteria");
        if (type == null || "Patient".equals(type) || PushedBy.SHARED.contains(type)) {
            return criteria;
        }
        String query = query(criteria);
        String own = "_tag=" + URLEncoder.encode(PushedBy.tagOf(organisation), StandardCharsets.UTF_8);
        if (Arrays.asList(query.split("&")).contains(own)) {
            return criteria; // already confined
        }
        return criteria + (query.isEmpty() ? "" : "&") + own;
    }

    private static String query(String criteria) {
        int question = criteria.indexOf('?');
        return question < 0 ? criteria : criteria.substring(question + 1);
    }
}
