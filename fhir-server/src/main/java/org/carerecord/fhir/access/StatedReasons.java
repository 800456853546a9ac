package org.carerecord.fhir.access;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.carerecord.security.decision.StatedReason;
import org.springframework.stereotype.Component;

/**
 * A stated relationship ({@code X-Care-Relationship}) and a break-glass reason ({@code X-Break-Glass-Reason})
 * open records the user would otherwise not see, and a reviewer reads them later: each must be a reason in
 * words ({@link StatedReason}) — not "." or whitespace. Refused (400) before anything is decided or shown: at
 * the first point a request is known, before {@code $everything}'s decision (ConsentEnforcement, same pointcut)
 * — a generated request found that a break-glass with reason "." was granted there, then the request refused.
 */
@Component
@Interceptor
public class StatedReasons implements FhirServerInterceptor {

    // before consent is asked anywhere: a break-glass with reason "." must not be granted and then refused
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = -50)
    public boolean check(RequestDetails request) {
        require(request, Requester.RELATIONSHIP_HEADER, "Outpatient referral received today");
        require(request, Requester.BREAK_GLASS_REASON_HEADER, "Unconscious in A&E, no history available");
        return true;
    }

    private static void require(RequestDetails request, String header, String example) {
        String reason = request.getHeader(header);
        if (reason != null && !StatedReason.readable(reason)) {
            throw new InvalidRequestException(header + " must give the reason in words a reviewer can read (at least "
                    + StatedReason.SHORTEST + " characters, two words or more), e.g. \"" + example + "\"");
        }
    }
}
