package org.carerecord.fhir.access;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.regex.Pattern;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.springframework.stereotype.Component;

/**
 * A stated relationship ({@code X-Care-Relationship}) and a break-glass reason ({@code X-Break-Glass-Reason})
 * open records the user would otherwise not see, and a reviewer reads them later: each must be a reason in
 * words — at least 10 characters with two words of letters — not "." or whitespace. Refused (400) before
 * anything is decided or shown.
 */
@Component
@Interceptor
public class StatedReasons implements FhirServerInterceptor {

    private static final Pattern WORD = Pattern.compile("\\p{L}{2,}");
    private static final int SHORTEST = 10;

    // before consent is asked: a break-glass with reason "." must not be granted and then refused
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = -50)
    public void check(RequestDetails request) {
        require(request, Requester.RELATIONSHIP_HEADER, "Outpatient referral received today");
        require(request, Requester.BREAK_GLASS_REASON_HEADER, "Unconscious in A&E, no history available");
    }

    private static void require(RequestDetails request, String header, String example) {
        String reason = request.getHeader(header);
        if (reason != null && !readable(reason)) {
            throw new InvalidRequestException(header + " must give the reason in words a reviewer can read (at least "
                    + SHORTEST + " characters, two words or more), e.g. \"" + example + "\"");
        }
    }

    static boolean readable(String reason) {
        String trimmed = reason.strip();
        return trimmed.length() >= SHORTEST && WORD.matcher(trimmed).results().limit(2).count() == 2;
    }
}
