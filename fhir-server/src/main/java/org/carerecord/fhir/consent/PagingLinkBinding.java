package org.carerecord.fhir.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.consent.SearchOwners.SearchOwner;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.carerecord.security.token.CareClaims;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;

/**
 * A paging link ({@code ?_getpages=<search id>}) answers only to the identity that ran the search: the same
 * subject and client, with the same role, organisation, patient context and scopes. Anyone else — and any
 * search whose owner is not known — gets the answer an expired search gets, so a link neither works nor
 * confirms that it exists. Each page is then decided again for the reader (RecordConsentService), so a
 * consent or relationship that changed between pages binds the next page.
 */
@Component
@Interceptor
class PagingLinkBinding implements FhirServerInterceptor {

    private static final String KEY = PagingLinkBinding.class.getName();
    private static final Pattern SEARCH_ID = Pattern.compile("[?&]" + Constants.PARAM_PAGINGACTION + "=([^&]+)");

    private final SearchOwners owners;
    private final PatientCompartment compartment;

    PagingLinkBinding(SearchOwners owners, PatientCompartment compartment) {
        this.owners = owners;
        this.compartment = compartment;
    }

    /**
     * A first page is leaving with links to the search HAPI keeps: its owner is the one it is handed to. Bound
     * here rather than where HAPI registers the search, because only links that reach a client can be
     * replayed, and this sees every one of them, whatever path made the search.
     */
    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean firstPageLeaving(RequestDetails request, ResponseDetails response) {
        if (request.getRestOperationType() == RestOperationTypeEnum.GET_PAGE
                || !(response.getResponseResource() instanceof Bundle bundle)) {
            return true;
        }
        Set<String> searchIds = bundle.getLink().stream()
                .map(link -> SEARCH_ID.matcher(link.getUrl() == null ? "" : link.getUrl()))
                .filter(Matcher::find)
                .map(m -> m.group(1))
                .collect(Collectors.toSet());
        if (!searchIds.isEmpty()) {
            SearchOwner owner = new SearchOwner(
                    digest(Requester.of(request).claims()),
                    compartment.targetPatient(request),
                    RecordConsentService.typesAskedFor(request));
            searchIds.forEach(id -> owners.record(id, owner));
        }
        return true;
    }

    // before HAPI's consent interceptor, so the page's patient is known when the request is decided
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = -50)
    public void pageRequested(RequestDetails request, RestOperationTypeEnum operation) {
        if (operation != RestOperationTypeEnum.GET_PAGE) {
            return;
        }
        String[] ids = request.getParameters().get(Constants.PARAM_PAGINGACTION);
        String searchId = ids == null || ids.length != 1 ? "" : ids[0];
        String reader = digest(Requester.of(request).claims());
        SearchOwner owner = owners.of(searchId)
                .filter(o -> o.digest().equals(reader))
                .orElseThrow(() -> new ResourceGoneException(
                        "Search ID \"" + searchId + "\" does not exist and may have expired; run the search again"));
        request.getUserData().put(KEY, owner);
    }

    /** The search a page request continues (only once its reader was found to be the owner). */
    static Optional<SearchOwner> continued(RequestDetails request) {
        return Optional.ofNullable((SearchOwner) request.getUserData().get(KEY));
    }

    /** Everything of the token that decides what it may see; per-request headers (break-glass) are decided per page. */
    private static String digest(CareClaims claims) {
        String identity = String.join(
                "\n",
                String.valueOf(claims.subject()),
                String.valueOf(claims.clientId()),
                String.valueOf(claims.fhirUser()),
                String.valueOf(claims.nhsRole()),
                String.valueOf(claims.organisation()),
                String.valueOf(claims.patient()),
                String.valueOf(claims.purposeOfUse()),
                claims.scopes().stream().map(String::valueOf).sorted().collect(Collectors.joining(" ")));
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
