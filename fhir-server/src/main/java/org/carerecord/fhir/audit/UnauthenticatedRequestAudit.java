package org.carerecord.fhir.audit;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import org.carerecord.security.token.OperationOutcomeErrors;
import org.carerecord.security.web.RequestIds;
import org.hl7.fhir.r4.model.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.stereotype.Component;

/**
 * Requests without a valid token are refused by Spring Security before HAPI sees them; this entry point
 * records each such denial in the audit outbox (governance sees probing and misconfigured clients) and
 * then answers the usual 401 OperationOutcome. If the outbox cannot be written the client still gets its
 * 401: no data was at stake, so the refusal is never turned into a 5xx.
 */
@Component
public class UnauthenticatedRequestAudit implements AuthenticationEntryPoint {

    private static final Logger log = LoggerFactory.getLogger(UnauthenticatedRequestAudit.class);
    private static final AuthenticationEntryPoint ANSWER = OperationOutcomeErrors.entryPoint();

    private final AuditOutbox outbox;
    private final FhirContext fhirContext;

    public UnauthenticatedRequestAudit(AuditOutbox outbox, FhirContext fhirContext) {
        this.outbox = outbox;
        this.fhirContext = fhirContext;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException refusal)
            throws IOException, ServletException {
        // the id RequestIds gave the request (and the answer's X-Request-ID): the audit record and the log agree
        String requestId = RequestIds.current();
        try {
            AuditEvent event = AuditEventFactory.unauthenticated(
                    request.getMethod(),
                    request.getRequestURI(),
                    request.getQueryString(),
                    requestId,
                    request.getRemoteAddr(),
                    refusal.getMessage() == null ? "unauthenticated" : refusal.getMessage());
            outbox.add(
                    UUID.fromString(event.getIdElement().getIdPart()),
                    fhirContext.newJsonParser().encodeResourceToString(event));
        } catch (RuntimeException e) {
            log.error("could not audit an unauthenticated request to {}: {}", request.getRequestURI(), e.toString());
        }
        ANSWER.commence(request, response, refusal);
    }
}
