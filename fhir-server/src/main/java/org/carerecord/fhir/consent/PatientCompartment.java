package org.carerecord.fhir.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.util.FhirTerser;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.springframework.stereotype.Component;

/** Works out whose record a request or a resource belongs to. */
@Component
public class PatientCompartment {

    private static final List<String> PATIENT_PARAMETERS = List.of("patient", "subject", "patient:Patient", "subject:Patient");

    private final FhirTerser terser;

    public PatientCompartment(FhirContext fhirContext) {
        this.terser = fhirContext.newTerser();
    }

    /** The single patient a request is aimed at, before it runs; null when it is not one patient. */
    public String targetPatient(RequestDetails request) {
        if (request.getRestOperationType() == RestOperationTypeEnum.GET_PAGE) {
            // a page of an earlier search: the patient that search was aimed at (its owner is the reader)
            return PagingLinkBinding.continued(request).map(SearchOwners.SearchOwner::patientId).orElse(null);
        }
        IIdType id = request.getId();
        if ("Patient".equals(request.getResourceName()) && id != null && id.hasIdPart()) {
            return id.getIdPart();
        }
        String[] values = null;
        for (String name : PATIENT_PARAMETERS) {
            if (request.getParameters().containsKey(name)) {
                values = request.getParameters().get(name);
                break;
            }
        }
        if (values == null && "Patient".equals(request.getResourceName())) {
            values = request.getParameters().get("_id");
        }
        if (values == null || values.length != 1 || values[0].contains(",")) {
            return null;
        }
        String value = values[0].strip();
        if (value.isEmpty() || value.equals("Patient/")) {
            return null; // names no patient
        }
        return value.startsWith("Patient/") ? value.substring("Patient/".length()) : value.contains("/") ? null : value;
    }

    /** The patient whose compartment holds this resource; null for shared resources (Organization...). */
    public String ownerOf(IBaseResource resource) {
        if ("Patient".equals(resource.fhirType())) {
            return resource.getIdElement().getIdPart();
        }
        // the compartment's parameters also hold other people (a DocumentReference's author may be a
        // Patient or a Practitioner): only references to a Patient name the owner
        return terser.getCompartmentOwnersForResource("Patient", resource, java.util.Set.of()).stream()
                .filter(id -> "Patient".equals(id.getResourceType()))
                .map(IIdType::getIdPart).findFirst().orElse(null);
    }
}
