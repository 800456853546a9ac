package org.carerecord.fhir.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.carerecord.security.token.CareClaims;
import org.springframework.stereotype.Component;

/**
 * A regional record is looked up patient first: a user's search of clinical records (any type in the
 * patient compartment) must name one patient. A search across patients by clinical criteria — "who has this
 * diagnosis", or a chain such as {@code subject:Patient.family=..&code=..} — answers a question about
 * people the user may have no relationship with; even with their records withheld, whether anything was
 * withheld would tell. Patients are found by demographics or NHS number ({@code Patient?...}), whose answer
 * says nothing of withheld patients. Care providers' systems and a patient's own token (already bound to its
 * compartment) are not affected.
 */
@Component
@Interceptor
class PatientFirstSearches implements FhirServerInterceptor {

    private final FhirContext fhirContext;
    private final PatientCompartment compartment;

    PatientFirstSearches(FhirContext fhirContext, PatientCompartment compartment) {
        this.fhirContext = fhirContext;
        this.compartment = compartment;
    }

    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = -50)
    public void check(RequestDetails request, RestOperationTypeEnum operation) {
        boolean acrossRecords = operation == RestOperationTypeEnum.EXTENDED_OPERATION_TYPE
                || operation == RestOperationTypeEnum.EXTENDED_OPERATION_SERVER;
        if (operation != RestOperationTypeEnum.SEARCH_TYPE
                && operation != RestOperationTypeEnum.HISTORY_TYPE
                && !acrossRecords) {
            return;
        }
        CareClaims claims = Requester.of(request).claims();
        if (claims.isSystem()) {
            return;
        }
        if (acrossRecords && ("$everything".equals(request.getOperation()) || "$meta".equals(request.getOperation()))) {
            // every patient's records, or every security label in use: one record at a time, by its id
            throw new InvalidRequestException(request.getOperation() + " is available on one record: "
                    + (request.getResourceName() == null ? "[type]" : request.getResourceName()) + "/[id]/"
                    + request.getOperation());
        }
        String type = request.getResourceName();
        if (acrossRecords || claims.ownPatient() != null || !isClinical(type)) {
            return;
        }
        if (operation == RestOperationTypeEnum.HISTORY_TYPE) {
            throw new InvalidRequestException("The history of every patient's " + type + " records is not available: "
                    + "ask for one record's history (" + type + "/[id]/_history)");
        }
        if (compartment.targetPatient(request) == null) {
            throw new InvalidRequestException("A search of " + type + " records must name one patient (patient=[id]). "
                    + "Find the patient first: Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|[NHS number]");
        }
    }

    private boolean isClinical(String type) {
        return type != null
                && !"Patient".equals(type)
                && !fhirContext
                        .getResourceDefinition(type)
                        .getSearchParamsForCompartmentName("Patient")
                        .isEmpty();
    }
}
