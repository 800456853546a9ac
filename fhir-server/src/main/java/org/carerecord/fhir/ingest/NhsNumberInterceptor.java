package org.carerecord.fhir.ingest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.carerecord.security.identity.NhsNumber;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Patient;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.springframework.stereotype.Component;

/**
 * Refuses a Patient whose NHS number fails the modulus-11 check. Runs inside the storage transaction,
 * so a bad entry rolls back its whole transaction bundle.
 */
@Component
@Interceptor
public class NhsNumberInterceptor implements FhirServerInterceptor {

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void onCreate(IBaseResource resource) {
        check(resource);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void onUpdate(IBaseResource oldResource, IBaseResource newResource) {
        check(newResource);
    }

    private static void check(IBaseResource resource) {
        if (resource instanceof Patient patient) {
            patient.getIdentifier().stream()
                    .filter(id -> NhsNumber.SYSTEM.equals(id.getSystem()))
                    .filter(id -> !NhsNumber.isValid(id.getValue()))
                    .findFirst()
                    .ifPresent(id -> {
                        throw new UnprocessableEntityException("Patient.identifier: '" + id.getValue()
                                + "' is not a valid NHS number (10 digits with a modulus-11 check digit)");
                    });
        }
    }
}
