package org.carerecord.fhir.access;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.PurposeOfUse;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Who is asking, for what purpose: the token's claims plus the per-request break-glass headers
 * ({@code X-Purpose-Of-Use: ETREAT}, {@code X-Break-Glass-Reason}).
 */
public record Requester(CareClaims claims, PurposeOfUse purposeOfUse, String breakGlassReason, String sourceAddress) {

    public static final String PURPOSE_HEADER = "X-Purpose-Of-Use";
    public static final String BREAK_GLASS_REASON_HEADER = "X-Break-Glass-Reason";
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
        PurposeOfUse purpose = PurposeOfUse.parse(request.getHeader(PURPOSE_HEADER)).orElse(claims.purposeOfUse());
        String reason = request.getHeader(BREAK_GLASS_REASON_HEADER);
        String address = request instanceof ServletRequestDetails servlet
                ? servlet.getServletRequest().getRemoteAddr() : null;
        Requester requester = new Requester(claims, purpose, reason, address);
        request.getUserData().put(KEY, requester);
        return requester;
    }
}
