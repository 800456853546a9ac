package org.carerecord.fhir.error;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The one place server failures become client errors: a 4xx keeps its message (it tells the client what
 * to fix); an unexpected failure is logged in full and answered with a plain OperationOutcome naming the
 * request id, so no internal detail (class names, SQL, stack frames) reaches the client.
 */
@Component
@Interceptor
public class UnexpectedErrorInterceptor implements FhirServerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(UnexpectedErrorInterceptor.class);

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException mask(RequestDetails request, Throwable exception) {
        if (exception instanceof BaseServerResponseException known && known.getStatusCode() < 500) {
            return known;
        }
        if (exception instanceof BaseServerResponseException known && known.getClass() != InternalErrorException.class) {
            return known; // deliberate 5xx (e.g. 503 consent-service unavailable) carry a message for the client
        }
        if (exception instanceof InternalErrorException ours && ours.getCause() == null) {
            return ours;
        }
        log.error("request {} failed", request.getRequestId(), exception);
        return new InternalErrorException("The server could not complete the request (request id "
                + request.getRequestId() + ")");
    }
}
