package org.carerecord.fhir.ingest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.Bundle;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.carerecord.security.identity.NhsNumber;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * What a shared record needs of every write: valid FHIR R4 (the base profile, {@link BaseProfileValidator}),
 * a valid NHS number (modulus 11)
 * where one is given, and the coded element each clinical record is read by — a diagnosis without a
 * code, a medication without a drug — so nothing lands that clinicians elsewhere could not interpret
 * (or that consent could not classify). Runs inside the storage transaction, so a failing entry
 * rejects its whole transaction bundle (422), naming the record and the problem.
 */
@Component
@Interceptor
public class RecordValidation implements FhirServerInterceptor {

    private static final String PROFILE_CHECKED = RecordValidation.class.getName() + ".profileChecked";

    private final BaseProfileValidator baseProfile;

    public RecordValidation(BaseProfileValidator baseProfile) {
        this.baseProfile = baseProfile;
    }

    /**
     * A transaction's records are validated against the base profile up front, on every core (the validator
     * is the costly part of a write and HAPI stores entries one by one on one thread): the first failure
     * rejects the bundle before anything is stored, naming the entry. Those that pass are not validated
     * again when stored. A batch's entries stand alone, so they are checked as each is stored.
     */
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = 200)
    public void validateTransaction(RequestDetails request, RestOperationTypeEnum operation) {
        if (operation != RestOperationTypeEnum.TRANSACTION || !(request.getResource() instanceof Bundle bundle)) {
            return;
        }
        List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
        List<String> problems = IntStream.range(0, entries.size()).parallel()
                .mapToObj(i -> {
                    Resource resource = entries.get(i).getResource();
                    if (resource == null) {
                        return null;
                    }
                    List<String> errors = baseProfile.errors(resource);
                    if (errors.isEmpty()) {
                        markProfileChecked(resource);
                        return null;
                    }
                    return "entry " + i + ", " + describe(resource) + ": " + notValid(errors);
                })
                .filter(Objects::nonNull).toList();
        if (!problems.isEmpty()) {
            throw new UnprocessableEntityException(problems.get(0));
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void onCreate(IBaseResource resource) {
        check(resource);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void onUpdate(IBaseResource oldResource, IBaseResource newResource) {
        check(newResource);
    }

    /**
     * Marks a record already validated against the base profile in this server (a bulk load checks every
     * line before writing); in-memory only, a sender cannot set it.
     */
    static void markProfileChecked(IBaseResource resource) {
        resource.setUserData(PROFILE_CHECKED, Boolean.TRUE);
    }

    /** Every rule: the FHIR R4 base profile, then this record's own. */
    void check(IBaseResource resource) {
        List<String> errors = Boolean.TRUE.equals(resource.getUserData(PROFILE_CHECKED)) ? List.of()
                : baseProfile.errors(resource);
        if (!errors.isEmpty()) {
            throw invalid((Resource) resource, notValid(errors));
        }
        checkRecordRules(resource);
    }

    private static String notValid(List<String> baseProfileErrors) {
        return "not valid FHIR R4: " + String.join("; ", baseProfileErrors);
    }

    private static void checkRecordRules(IBaseResource resource) {
        if (resource instanceof Patient patient) {
            patient.getIdentifier().stream()
                    .filter(id -> NhsNumber.SYSTEM.equals(id.getSystem()))
                    .filter(id -> !NhsNumber.isValid(id.getValue()))
                    .findFirst()
                    .ifPresent(id -> {
                        throw new UnprocessableEntityException("Patient.identifier: '" + id.getValue()
                                + "' is not a valid NHS number (10 digits with a modulus-11 check digit)");
                    });
        } else if (resource instanceof Condition condition) {
            requireCoded(condition, "Condition.code", condition.getCode());
        } else if (resource instanceof AllergyIntolerance allergy) {
            requireCoded(allergy, "AllergyIntolerance.code", allergy.getCode());
        } else if (resource instanceof Observation observation) {
            requireCoded(observation, "Observation.code", observation.getCode());
        } else if (resource instanceof Procedure procedure) {
            requireCoded(procedure, "Procedure.code", procedure.getCode());
        } else if (resource instanceof MedicationRequest request && !request.hasMedicationReference()) {
            requireCoded(request, "MedicationRequest.medicationCodeableConcept",
                    request.hasMedicationCodeableConcept() ? request.getMedicationCodeableConcept() : null);
        } else if (resource instanceof MedicationStatement statement && !statement.hasMedicationReference()) {
            requireCoded(statement, "MedicationStatement.medicationCodeableConcept",
                    statement.hasMedicationCodeableConcept() ? statement.getMedicationCodeableConcept() : null);
        } else if (resource instanceof Encounter encounter && !isCoded(encounter.getClass_())) {
            throw invalid(encounter, "Encounter.class needs a system and a code (e.g. v3 ActCode IMP, AMB, EMER)");
        }
    }

    private static void requireCoded(Resource resource, String element, CodeableConcept concept) {
        if (concept == null || concept.getCoding().stream().noneMatch(RecordValidation::isCoded)) {
            throw invalid(resource, element + " needs at least one coding with a system and a code"
                    + " (SNOMED CT, dm+d, LOINC...): text alone cannot be read or classified elsewhere");
        }
    }

    private static boolean isCoded(Coding coding) {
        return coding != null && coding.hasSystem() && coding.hasCode();
    }

    private static UnprocessableEntityException invalid(Resource resource, String problem) {
        return new UnprocessableEntityException(describe(resource) + ": " + problem);
    }

    private static List<Identifier> identifiersOf(Resource resource) {
        if (resource instanceof Condition c) {
            return c.getIdentifier();
        } else if (resource instanceof AllergyIntolerance a) {
            return a.getIdentifier();
        } else if (resource instanceof Observation o) {
            return o.getIdentifier();
        } else if (resource instanceof Procedure p) {
            return p.getIdentifier();
        } else if (resource instanceof MedicationRequest m) {
            return m.getIdentifier();
        } else if (resource instanceof MedicationStatement m) {
            return m.getIdentifier();
        } else if (resource instanceof Encounter e) {
            return e.getIdentifier();
        }
        return List.of();
    }

    /** The record as its sender knows it: its first business identifier, else its id. */
    private static String describe(Resource resource) {
        return identifiersOf(resource).stream().filter(Identifier::hasValue).findFirst()
                .map(id -> resource.fhirType() + " with identifier " + id.getSystem() + "|" + id.getValue())
                .orElse(resource.fhirType() + (resource.getIdElement().hasIdPart() ? "/" + resource.getIdElement().getIdPart() : ""));
    }
}
