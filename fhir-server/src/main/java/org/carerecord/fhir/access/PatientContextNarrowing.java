package org.carerecord.fhir.access;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.springframework.stereotype.Component;

/**
 * A patient-facing token (SMART {@code patient} context, or {@code fhirUser} Patient/x) searches only its
 * own compartment: HAPI adds the compartment parameter to every search on a compartment type, so the
 * query itself, not just the filter afterwards, is bound to that patient. Consent still filters what
 * comes back; this keeps other patients' records out of the database query entirely.
 */
@Component
class PatientContextNarrowing extends SearchNarrowingInterceptor implements FhirServerInterceptor {

    @Override
    protected AuthorizedList buildAuthorizedList(RequestDetails request) {
        String patient = Requester.of(request).claims().ownPatient();
        return patient == null ? null : new AuthorizedList().addCompartment("Patient/" + patient);
    }
}
