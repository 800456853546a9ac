package org.carerecord.fhir.ingest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.carerecord.security.identity.NhsNumber;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Bundle;
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
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
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
    private static final String PROFILE_VERDICT = RecordValidation.class.getName() + ".profileVerdict";
    private static final String PROFILE_VERDICTS = RecordValidation.class.getName() + ".profileVerdicts";

    /**
     * Validation beside storage, one thread per core: daemon threads, and a bounded queue whose overflow runs
     * on the caller (back-pressure on a flood of bundles instead of an unbounded backlog).
     */
    private final ExecutorService validationThreads = new ThreadPoolExecutor(
            Runtime.getRuntime().availableProcessors(),
            Runtime.getRuntime().availableProcessors(),
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(20_000),
            daemonThreads("base-profile-"),
            new ThreadPoolExecutor.CallerRunsPolicy());

    /** The server's own context: a record is checked as it will be encoded for storage (its parser options). */
    private final ca.uhn.fhir.context.FhirContext fhir;

    private final BaseProfileValidator baseProfile;

    public RecordValidation(BaseProfileValidator baseProfile, ca.uhn.fhir.context.FhirContext fhir) {
        this.baseProfile = baseProfile;
        this.fhir = fhir;
    }

    /**
     * A transaction's records are validated against the base profile beside its storage, not before it: each
     * entry goes to the validation threads as the request arrives, and HAPI (which stores entries one by one
     * on the request's thread) starts storing at once. Storing an entry waits for that entry's verdict
     * ({@link #check}), and before the database transaction commits every entry's verdict is awaited
     * ({@link #allEntriesValid}), so one invalid entry still rejects the whole bundle (422, naming the first
     * invalid entry) and nothing is written. A batch's entries stand alone, so they are checked as each is
     * stored.
     */
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = 200)
    public void validateTransaction(RequestDetails request, RestOperationTypeEnum operation) {
        if (operation != RestOperationTypeEnum.TRANSACTION
                || !(request.getResource() instanceof Bundle bundle)
                || !baseProfile.enabled()) {
            return;
        }
        List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
        List<CompletableFuture<String>> verdicts = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Resource resource = entries.get(i).getResource();
            if (resource != null) {
                int entry = i;
                // validated as sent: HAPI changes the entries while storing them (a reference to a patient a
                // conditional create matched is rewritten, that patient's id replaced), and the validator must not
                // read them half-changed. A copy is not enough (a parsed reference still points at the other
                // entry's object): the entry is written out here, before storing begins, and the validation
                // thread checks that JSON as it is (read back into a resource only to name an invalid one)
                String sent = fhir.newJsonParser().encodeResourceToString(resource); // parsers: one per use
                CompletableFuture<String> verdict = CompletableFuture.supplyAsync(
                        () -> {
                            List<String> errors = baseProfile.errorsInJson(sent);
                            return errors.isEmpty()
                                    ? null
                                    : "entry " + entry + ", " + describe(sent) + ": " + notValid(errors);
                        },
                        validationThreads);
                resource.setUserData(PROFILE_VERDICT, verdict);
                resource.setUserData(PROFILE_VERDICTS, verdicts);
                verdicts.add(verdict);
            }
        }
        request.getUserData().put(PROFILE_VERDICTS, verdicts);
    }

    private static CustomizableThreadFactory daemonThreads(String prefix) {
        CustomizableThreadFactory threads = new CustomizableThreadFactory(prefix);
        threads.setDaemon(true);
        return threads;
    }

    /** Inside the database transaction, after HAPI wrote every entry: nothing commits unless all are valid. */
    @Hook(Pointcut.STORAGE_TRANSACTION_WRITE_OPERATIONS_POST)
    public void allEntriesValid(RequestDetails request) {
        if (request != null && request.getUserData().get(PROFILE_VERDICTS) instanceof List<?> verdicts) {
            firstInvalidEntry(verdicts);
        }
    }

    /** Waits for every verdict; throws the problem of the first invalid entry in bundle order. */
    private static void firstInvalidEntry(List<?> verdicts) {
        for (Object verdict : verdicts) {
            String problem = ((CompletableFuture<?>) verdict).join() instanceof String p ? p : null;
            if (problem != null) {
                throw new UnprocessableEntityException(problem);
            }
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

    /**
     * A bulk import's record, checked by every rule before its chunk is written: why it may not be stored, or null
     * (and then storing does not check it against the base profile again). Checked here, one invalid line is
     * reported alone instead of failing its chunk's one transaction, which HAPI would then write record by record.
     */
    public String problemBeforeStoring(IBaseResource resource) {
        List<String> errors = baseProfile.errorsInJson(fhir.newJsonParser().encodeResourceToString(resource));
        if (!errors.isEmpty()) {
            return invalid((Resource) resource, notValid(errors)).getMessage();
        }
        try {
            checkRecordRules(resource);
        } catch (UnprocessableEntityException refused) {
            return refused.getMessage();
        }
        markProfileChecked(resource);
        return null;
    }

    /** Every rule: the FHIR R4 base profile (awaited, when its validation was started early), then this record's own. */
    void check(IBaseResource resource) {
        if (resource.getUserData(PROFILE_VERDICT) instanceof CompletableFuture<?> verdict) {
            if (verdict.join() != null) {
                // name the bundle's first invalid entry, whichever HAPI happened to store first
                firstInvalidEntry((List<?>) resource.getUserData(PROFILE_VERDICTS));
            }
            checkRecordRules(resource);
            return;
        }
        List<String> errors =
                Boolean.TRUE.equals(resource.getUserData(PROFILE_CHECKED)) ? List.of() : baseProfile.errors(resource);
        if (!errors.isEmpty()) {
            throw invalid((Resource) resource, notValid(errors));
        }
        checkRecordRules(resource);
    }

    private static String notValid(List<String> baseProfileErrors) {
        return "not valid FHIR R4: " + String.join("; ", baseProfileErrors);
    }

    private void checkRecordRules(IBaseResource resource) {
        refuseNul(resource);
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
            requireCoded(
                    request,
                    "MedicationRequest.medicationCodeableConcept",
                    request.hasMedicationCodeableConcept() ? request.getMedicationCodeableConcept() : null);
        } else if (resource instanceof MedicationStatement statement && !statement.hasMedicationReference()) {
            requireCoded(
                    statement,
                    "MedicationStatement.medicationCodeableConcept",
                    statement.hasMedicationCodeableConcept() ? statement.getMedicationCodeableConcept() : null);
        } else if (resource instanceof Encounter encounter && !isCoded(encounter.getClass_())) {
            throw invalid(encounter, "Encounter.class needs a system and a code (e.g. v3 ActCode IMP, AMB, EMER)");
        }
    }

    /**
     * PostgreSQL keeps no NUL character in text. A value holding one (JSON allows it escaped, \\u0000) got past
     * every check and failed the write with the database's error, SQL and all, as a 409 (found from outside); the
     * base profile's validator does not refuse it, and it runs only when validation is on.
     */
    private void refuseNul(IBaseResource resource) {
        boolean nul = resource.getIdElement().getValue() != null
                && resource.getIdElement().getValue().indexOf('\u0000') >= 0;
        for (IPrimitiveType<?> value :
                fhir.newTerser().getAllPopulatedChildElementsOfType(resource, IPrimitiveType.class)) {
            String text = value.getValueAsString();
            nul |= text != null && text.indexOf('\u0000') >= 0;
        }
        if (nul) {
            throw invalid((Resource) resource, "a value holds a NUL character (U+0000), which a record cannot store");
        }
    }

    private static void requireCoded(Resource resource, String element, CodeableConcept concept) {
        if (concept == null || concept.getCoding().stream().noneMatch(RecordValidation::isCoded)) {
            throw invalid(
                    resource,
                    element + " needs at least one coding with a system and a code"
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

    /** An entry as sent, named as its sender knows it (its JSON may be too broken to read: then by its type). */
    private String describe(String json) {
        try {
            return describe((Resource) fhir.newJsonParser().parseResource(json));
        } catch (RuntimeException unreadable) {
            return "the record";
        }
    }

    /** The record as its sender knows it: its first business identifier, else its id. */
    private static String describe(Resource resource) {
        return identifiersOf(resource).stream()
                .filter(Identifier::hasValue)
                .findFirst()
                .map(id -> resource.fhirType() + " with identifier " + id.getSystem() + "|" + id.getValue())
                .orElse(resource.fhirType()
                        + (resource.getIdElement().hasIdPart()
                                ? "/" + resource.getIdElement().getIdPart()
                                : ""));
    }
}
