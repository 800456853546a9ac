package org.carerecord.fhir.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.util.stream.StreamSupport;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.carerecord.security.decision.AccessDecision;
import org.springframework.stereotype.Component;

/**
 * A response shown under break-glass says until when the override lasts ({@code X-Break-Glass-Until}, an ISO
 * instant): the clinician's app shows the window, so nobody has to guess how long their emergency access runs
 * or when it quietly ends.
 */
@Component
@Interceptor
public class BreakGlassWindowHeader implements FhirServerInterceptor {

    public static final String HEADER = "X-Break-Glass-Until";

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean tell(RequestDetails request, HttpServletResponse response) {
        StreamSupport.stream(RequestDecisions.of(request).all().spliterator(), false)
                .filter(decision -> decision.hasObligation(AccessDecision.BREAK_GLASS))
                .map(AccessDecision::breakGlassUntil)
                .filter(until -> until != null)
                .min(Instant::compareTo)
                .ifPresent(until -> response.setHeader(HEADER, until.toString()));
        return true;
    }
}
