package org.carerecord.fhir.limits;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;

/**
 * A transaction or batch with more entries than the limit is refused (413) before any entry is checked or
 * run: one request may not hold the server for minutes, and a provider's initial load goes in bulk.
 */
@Component
@Interceptor
class BundleSizeLimit implements FhirServerInterceptor {

    private final RequestLimitsProperties limits;

    BundleSizeLimit(RequestLimitsProperties limits) {
        this.limits = limits;
    }

    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = -100)
    public void check(RequestDetails request, RestOperationTypeEnum operation) {
        if ((operation == RestOperationTypeEnum.TRANSACTION || operation == RestOperationTypeEnum.BATCH)
                && request.getResource() instanceof Bundle bundle
                && bundle.getEntry().size() > limits.maxBundleEntries()) {
            throw new PayloadTooLargeException("A " + operation.getCode() + " may hold at most "
                    + limits.maxBundleEntries() + " entries (this one has "
                    + bundle.getEntry().size() + "); send it in parts, or load in bulk");
        }
    }
}
