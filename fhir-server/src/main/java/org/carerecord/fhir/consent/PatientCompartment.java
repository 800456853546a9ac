package org.carerecord.fhir.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.util.FhirTerser;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.springframework.stereotype.Component;

/** Works out whose record a request or a resource belongs to. */
@Component
public class PatientCompartment {

    private static final List<String> PATIENT_PARAMETERS =
            List.of("patient", "subject", "patient:Patient", "subject:Patient");

    private final FhirTerser terser;
    private final Cache<String, Optional<String>> owners =
            Caffeine.newBuilder().maximumSize(200_000).build();

    public PatientCompartment(FhirContext fhirContext) {
        this.terser = fhirContext.newTerser();
    }

    /** The single patient a request is aimed at, before it runs; null when it is not one patient. */
    public String targetPatient(RequestDetails request) {
        if (request.getRestOperationType() == RestOperationTypeEnum.GET_PAGE) {
            // a page of an earlier search: the patient that search was aimed at (its owner is the reader)
            return PagingLinkBinding.continued(request)
                    .map(SearchOwners.SearchOwner::patientId)
                    .orElse(null);
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
        return compartmentOwner(resource);
    }

    /**
     * {@link #ownerOf} for a record as read from storage (a search result, a response, prepared summary sections),
     * worked out once per stored version: a stored version never changes (expunge is off, so an id's versions
     * only grow), and working it out walks the record's references (JFR: half of serving a reused summary, once
     * per entry). Never for a record a client sent: its version and last-updated are whatever the client wrote
     * (an update echoing the stored meta with another subject would be taken for the stored version).
     */
    public String ownerOfStored(IBaseResource resource) {
        String version = "Patient".equals(resource.fhirType()) ? null : storedVersion(resource);
        if (version == null) {
            return ownerOf(resource);
        }
        return owners.get(version, v -> Optional.ofNullable(ownerOf(resource))).orElse(null);
    }

    private String compartmentOwner(IBaseResource resource) {
        // the compartment's parameters also hold other people (a DocumentReference's author may be a
        // Patient or a Practitioner): only references to a Patient name the owner
        return terser.getCompartmentOwnersForResource("Patient", resource, java.util.Set.of()).stream()
                .filter(id -> "Patient".equals(id.getResourceType()))
                .map(IIdType::getIdPart)
                .findFirst()
                .orElse(null);
    }

    /** Type/id/version/last-updated of a stored record; null for one not stored (being written, or made up). */
    private static String storedVersion(IBaseResource resource) {
        IIdType id = resource.getIdElement();
        String version = id.hasVersionIdPart()
                ? id.getVersionIdPart()
                : resource.getMeta().getVersionId();
        java.util.Date updated = resource.getMeta().getLastUpdated();
        if (!id.hasIdPart() || version == null || updated == null) {
            return null;
        }
        return resource.fhirType() + "/" + id.getIdPart() + "/" + version + "/" + updated.getTime();
    }
}
