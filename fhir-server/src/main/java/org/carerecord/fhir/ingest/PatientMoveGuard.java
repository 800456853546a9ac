package org.carerecord.fhir.ingest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.Objects;
import org.carerecord.fhir.consent.PatientCompartment;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.stereotype.Component;

/**
 * Refuses an update (plain or conditional) that would move a record into another patient's record: a
 * mis-filed result must be deleted and re-created, so each patient's audit trail and consent stay with
 * the records that were theirs when they were seen.
 */
@Component
@Interceptor
public class PatientMoveGuard implements FhirServerInterceptor {

    private final PatientCompartment compartment;

    public PatientMoveGuard(PatientCompartment compartment) {
        this.compartment = compartment;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void onUpdate(IBaseResource oldResource, IBaseResource newResource) {
        if ("Patient".equals(newResource.fhirType())) {
            return;
        }
        String before = compartment.ownerOf(oldResource);
        String after = compartment.ownerOf(newResource);
        if (before != null && !Objects.equals(before, after)) {
            throw new UnprocessableEntityException(
                    newResource.fhirType() + "/" + oldResource.getIdElement().getIdPart()
                            + " belongs to Patient/" + before + "; an update may not move it to "
                            + (after == null ? "no patient" : "Patient/" + after)
                            + ". Delete it and create it for the right patient.");
        }
    }
}
