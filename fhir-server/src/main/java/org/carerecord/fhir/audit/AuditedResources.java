package org.carerecord.fhir.audit;

import java.util.Set;
import org.carerecord.fhir.consent.PatientCompartment;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

/** Reads a response for the ids and patients an audit record names (identifiers only, never content). */
final class AuditedResources {

    private final PatientCompartment compartment;

    AuditedResources(PatientCompartment compartment) {
        this.compartment = compartment;
    }

    void collect(IBaseResource body, Set<String> resources, Set<String> patients) {
        if (body == null || body instanceof OperationOutcome) {
            return;
        }
        if (body instanceof Bundle bundle) {
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                if (entry.hasResource()) {
                    collect(entry.getResource(), resources, patients);
                } else if (entry.hasResponse() && entry.getResponse().hasLocation()) {
                    // transaction responses: the location of each created or updated resource
                    String location = entry.getResponse().getLocation();
                    resources.add(location.replaceAll("/_history/.*", ""));
                    if (location.startsWith("Patient/")) {
                        patients.add(location.split("/")[1]);
                    }
                }
            }
            return;
        }
        IIdType id = body.getIdElement();
        if (id != null && id.hasIdPart()) {
            resources.add(body.fhirType() + "/" + id.getIdPart());
        }
        String owner = compartment.ownerOfStored(body); // a response: as stored
        if (owner != null) {
            patients.add(owner);
        }
    }
}
