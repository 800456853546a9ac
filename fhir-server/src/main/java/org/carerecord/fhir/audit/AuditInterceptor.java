package org.carerecord.fhir.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.consent.PatientCompartment;
import org.carerecord.fhir.consent.RequestDecisions;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Parameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Step 5: one audit record per interaction, written to the outbox before the response is sent.
 * If it cannot be written the client gets a 500 instead of the data: no audit record, no data.
 * Runs after the consent filter (high order), so it records what actually leaves.
 */
@Component
@Interceptor
// Off only for benchmarks that measure what auditing costs; never in a deployment.
@ConditionalOnProperty(name = "care.audit.enabled", havingValue = "true", matchIfMissing = true)
public class AuditInterceptor implements FhirServerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(AuditInterceptor.class);
    private static final int LAST = 1_000;

    private final AuditOutbox outbox;
    private final FhirContext fhirContext;
    private final AuditedResources audited;

    private final PatientCompartment compartment;

    public AuditInterceptor(AuditOutbox outbox, FhirContext fhirContext, PatientCompartment compartment) {
        this.outbox = outbox;
        this.fhirContext = fhirContext;
        this.compartment = compartment;
        this.audited = new AuditedResources(compartment);
    }

    @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = LAST)
    public boolean beforeResponse(RequestDetails request, ResponseDetails response) {
        if (!isAudited(request)) {
            return true;
        }
        IBaseResource body = response.getResponseResource();
        Set<String> resources = new LinkedHashSet<>();
        Set<String> patients = new LinkedHashSet<>();
        audited.collect(body, resources, patients);
        if (body == null || body instanceof Parameters) {
            // a 304 or a $meta answer names no record of its own: it is about the patient(s) decided on
            patients.addAll(RequestDecisions.of(request).patients());
        }
        int withheld = RequestDecisions.of(request).withheldCount();
        String text = withheld == 0 ? null : withheld + " item(s) withheld by access policy";
        write(request, response.getResponseCode(), text, resources, patients);
        return true;
    }

    @Hook(value = Pointcut.SERVER_HANDLE_EXCEPTION, order = LAST)
    public boolean onError(RequestDetails request, BaseServerResponseException exception) {
        if (!isAudited(request) || exception instanceof AuthenticationException) {
            return true;
        }
        try {
            Set<String> patients = new LinkedHashSet<>();
            String target = compartment.targetPatient(request);
            if (target != null) {
                patients.add(target);
            }
            write(request, exception.getStatusCode(), exception.getMessage(), List.of(), patients);
        } catch (RuntimeException e) {
            // The client already gets an error and no data; record loudly that the denial went unaudited.
            log.error("could not audit a failed request {}: {}", request.getRequestId(), e.toString());
        }
        return true;
    }

    private void write(
            RequestDetails request,
            int status,
            String text,
            Collection<String> resources,
            Collection<String> patients) {
        Requester requester;
        try {
            requester = Requester.of(request);
        } catch (AuthenticationException unauthenticated) {
            return;
        }
        AuditEvent event = AuditEventFactory.create(
                request,
                requester,
                status,
                text,
                resources,
                patients,
                RequestDecisions.of(request).deciding().orElse(null));
        try {
            outbox.add(
                    UUID.fromString(event.getIdElement().getIdPart()),
                    fhirContext.newJsonParser().encodeResourceToString(event));
        } catch (RuntimeException e) {
            log.error("audit outbox write failed for request {}: {}", request.getRequestId(), e.toString());
            throw new InternalErrorException("The request could not be audited, so no data is returned");
        }
    }

    private static boolean isAudited(RequestDetails request) {
        return request.getRestOperationType() != RestOperationTypeEnum.METADATA;
    }
}
