package org.carerecord.fhir.access;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.PurposeOfUse;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Who is asking, for what purpose: the token's claims plus the per-request headers for break-glass
 * ({@code X-Purpose-Of-Use: ETREAT}, {@code X-Break-Glass-Reason}) and for a relationship the user states
 * when the record shows none ({@code X-Care-Relationship: <reason>}, flagged for review).
 */
public record Requester(
        CareClaims claims,
        PurposeOfUse purposeOfUse,
        String breakGlassReason,
        String sourceAddress,
        String claimedRelationship) {

    public static final String PURPOSE_HEADER = "X-Purpose-Of-Use";
    public static final String BREAK_GLASS_REASON_HEADER = "X-Break-Glass-Reason";
    public static final String RELATIONSHIP_HEADER = "X-Care-Relationship";
    private static final String KEY = Requester.class.getName();

    /** The requester of this FHIR request, read once and kept with the request. */
    public static Requester of(RequestDetails request) {
        Object cached = request.getUserData().get(KEY);
        if (cached instanceof Requester requester) {
            return requester;
        }
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !(authentication.getPrincipal() instanceof Jwt jwt)) {
            throw new AuthenticationException("A valid bearer token is required");
        }
        CareClaims claims = CareClaims.from(jwt);
        PurposeOfUse purpose =
                PurposeOfUse.parse(request.getHeader(PURPOSE_HEADER)).orElse(claims.purposeOfUse());
        String reason = request.getHeader(BREAK_GLASS_REASON_HEADER);
        String address = request instanceof ServletRequestDetails servlet
                ? servlet.getServletRequest().getRemoteAddr()
                : null;
        Requester requester = new Requester(claims, purpose, reason, address, request.getHeader(RELATIONSHIP_HEADER));
        request.getUserData().put(KEY, requester);
        return requester;
    }

    /**
     * A copy of a request for work done on another thread (a bulk load's writers): it carries this requester
     * and nothing else of the original's per-request state.
     */
    public ServletRequestDetails copyFor(ServletRequestDetails request) {
        ServletRequestDetails copy = new ServletRequestDetails(request);
        copy.getUserData().clear();
        return attachTo(copy);
    }

    /** The request, now made on this requester's behalf (work a job does after its request is gone). */
    public <T extends RequestDetails> T attachTo(T request) {
        request.getUserData().put(KEY, this);
        return request;
    }

    /**
     * The organisation a write is attributed to: the ODS code of the requester (a provider's system);
     * null for the server's own internal writes, which carry no requester.
     */
    public static String organisationOf(RequestDetails request) {
        if (request == null) {
            return null;
        }
        if (request.getUserData().get(KEY) instanceof Requester onBehalfOf) {
            return onBehalfOf.claims().organisation();
        }
        if (request instanceof SystemRequestDetails) {
            return null;
        }
        try {
            return of(request).claims().organisation();
        } catch (RuntimeException noRequester) {
            return null;
        }
    }
}
