package org.carerecord.fhir.consent;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.carerecord.fhir.access.GranularScopes;
import org.carerecord.fhir.access.ProbingParameters;
import org.carerecord.fhir.access.PushedBy;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.consent.RequestDecisions.Withholding;
import org.carerecord.fhir.jpa.FhirServerProperties;
import org.carerecord.fhir.relationship.CareRelationships;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.AccessRequest;
import org.carerecord.security.decision.CareRelationship;
import org.hl7.fhir.instance.model.api.IBaseBinary;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * Steps 2-4 of a request, plugged into HAPI's consent framework so every path that returns resources
 * (read, search, includes, history, paging, operations) passes through it: work out the patient,
 * gather the care relationship evidence, ask consent-service, and withhold what the token's scopes do not
 * cover and what the decision does not permit — by resource type and by sensitive category.
 */
@Component
public class RecordConsentService implements IConsentService {

    /** Set on a request whose resources are checked as each page is shown rather than before paging. */
    private static final String CHECK_ON_SHOW = RecordConsentService.class.getName() + ".checkOnShow";
    /** The one response of this request whose every record was already checked where it was put in. */
    private static final String CHECKED_ENTRY_BY_ENTRY = RecordConsentService.class.getName() + ".checkedEntryByEntry";
    /** Set on the request of a disclosure's per-record check: the interaction it is decided as (AccessRequest). */
    private static final String DISCLOSURE = RecordConsentService.class.getName() + ".disclosure";

    /**
     * Tells enforcement that this response was built from records each checked for this request as it was put
     * in (a patient summary: every section's records passed {@link ConsentEnforcement#mayShow}, the patient was
     * read through the checked path): HAPI need not walk the document again before it leaves (a walk of every
     * element of every entry; ~17 % of serving a reused summary by JFR). Only this very object is spared.
     */
    public static void checkedEntryByEntry(RequestDetails request, IBaseResource response) {
        request.getUserData().put(CHECKED_ENTRY_BY_ENTRY, response);
    }

    /** Set on a read of a bulk export's file by the client that asked for the export (see {@link #ownExportFile}). */
    private static final String OWN_EXPORT_FILE = RecordConsentService.class.getName() + ".ownExportFile";

    private static final String WRITE_ONLY = RecordConsentService.class.getName() + ".writeOnly";

    /**
     * Tells enforcement that this request reads a bulk export's output file and that the one asking is the client
     * that asked for the export: its records were each decided as they went in ({@link #mayDisclose}), so the file
     * is shown whole. Nothing else is spared: any other resource the request returns is checked as usual.
     */
    public static void ownExportFile(RequestDetails request) {
        request.getUserData().put(OWN_EXPORT_FILE, Boolean.TRUE);
    }

    private final ConsentClient consent;
    private final List<String> storedTypes;
    private final PatientCompartment compartment;
    private final CareRelationships relationships;
    private final SensitivityClassifier classifier;
    private final GranularScopes scopes;
    private final DaoRegistry daos;

    public RecordConsentService(
            ConsentClient consent,
            PatientCompartment compartment,
            CareRelationships relationships,
            SensitivityClassifier classifier,
            GranularScopes scopes,
            FhirServerProperties fhir,
            @Lazy DaoRegistry daos) {
        this.scopes = scopes;
        this.daos = daos;
        this.storedTypes = List.copyOf(fhir.resourceTypes());
        this.consent = consent;
        this.compartment = compartment;
        this.relationships = relationships;
        this.classifier = classifier;
    }

    @Override
    public ConsentOutcome startOperation(RequestDetails request, IConsentContextServices services) {
        long start = System.nanoTime();
        try {
            return checkOperation(request);
        } finally {
            RequestDecisions.of(request).addCheckTime(System.nanoTime() - start);
        }
    }

    /**
     * Whether each returned resource must be checked. With a consent service registered, HAPI loads and
     * parses every result of a search before paging so that it can ask (the dominant cost of a search on the
     * full server); that is skipped when the answer for every possible result is already known: a search of
     * one type, for one patient, whose decision permits that type and withholds no category, by a token with
     * an unrestricted scope for the type, and with nothing that could bring in other resources
     * ({@code _include}, {@code _revinclude}, {@code _contained}). Every result is then that patient's record
     * of that type, and the answer for each would be the same "yes".
     */
    @Override
    public boolean shouldProcessCanSeeResource(RequestDetails request, IConsentContextServices services) {
        if (request.getUserData().containsKey(CHECK_ON_SHOW)) {
            return false;
        }
        if (request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE) {
            return true;
        }
        String type = request.getResourceName();
        String patient = compartment.targetPatient(request);
        if (type == null || patient == null || "Patient".equals(type)) {
            return true;
        }
        for (String name : request.getParameters().keySet()) {
            if (name.startsWith("_include") || name.startsWith("_revinclude") || name.startsWith("_contained")) {
                return true;
            }
        }
        Requester requester = Requester.of(request);
        if (requester.claims().isSystem() || !scopes.coversWholeType(requester.claims(), type)) {
            return true;
        }
        return RequestDecisions.of(request)
                .taken(patient, type)
                .map(decision -> !(decision.permitsType(type)
                        && decision.withheldCategories().isEmpty()))
                .orElse(true);
    }

    @Override
    public ConsentOutcome canSeeResource(
            RequestDetails request, IBaseResource resource, IConsentContextServices services) {
        long start = System.nanoTime();
        try {
            return checkResource(request, resource);
        } finally {
            RequestDecisions.of(request).addCheckTime(System.nanoTime() - start);
        }
    }

    private ConsentOutcome checkOperation(RequestDetails request) {
        RestOperationTypeEnum operation = request.getRestOperationType();
        if (operation == RestOperationTypeEnum.METADATA) {
            return ConsentOutcome.AUTHORIZED;
        }
        Requester requester = Requester.of(request);
        if (requester.claims().isSystem() && isWriteOnly(request)) {
            // A provider system pushing its own records: nothing is shown, scopes were checked already.
            return ConsentOutcome.AUTHORIZED;
        }
        refuseProbes(request);
        String type = request.getResourceName();
        String patient = compartment.targetPatient(request);
        if (type != null && patient != null) {
            // Refuse up front, with the reason, when the request is aimed at one patient.
            enforce(request, decide(request, patient, type), type, patient);
        }
        return ConsentOutcome.PROCEED;
    }

    /**
     * A record's {@code $meta} (its security labels, its source organisation) is decided as a read of the
     * record itself. HAPI's consent framework lets meta operations through unchecked, so ConsentEnforcement
     * calls this before the operation runs.
     */
    void checkInstanceMeta(RequestDetails request) {
        if (!isInstanceMeta(request)) {
            return;
        }
        long start = System.nanoTime();
        try {
            // the version asked for (Observation/1/_history/2/$meta), or the current one
            IBaseResource record = daos.getResourceDao(request.getResourceName())
                    .read(request.getId().toUnqualified(), new SystemRequestDetails());
            checkResource(request, record, true);
        } finally {
            RequestDecisions.of(request).addCheckTime(System.nanoTime() - start);
        }
    }

    private static boolean isInstanceMeta(RequestDetails request) {
        return request.getRestOperationType() == RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE
                && "$meta".equals(request.getOperation())
                && request.getId() != null
                && request.getId().hasIdPart();
    }

    private ConsentOutcome checkResource(RequestDetails request, IBaseResource resource) {
        RestOperationTypeEnum operation = request.getRestOperationType();
        return checkResource(
                request, resource, operation == RestOperationTypeEnum.READ || operation == RestOperationTypeEnum.VREAD);
    }

    /** Whether the requester may be shown this resource; a single record asked for by id is refused with the reason. */
    private ConsentOutcome checkResource(RequestDetails request, IBaseResource resource, boolean singleRead) {
        if (Requester.of(request).claims().isSystem() && isWriteOnly(request)) {
            // the outcome of a system's own write (the import job's batches reach here without startOperation):
            // what it sent, as stored or found unchanged, not a read of records
            return ConsentOutcome.AUTHORIZED;
        }
        String type = resource.fhirType();
        if (resource instanceof IBaseBinary && request.getUserData().containsKey(OWN_EXPORT_FILE)) {
            return ConsentOutcome.AUTHORIZED;
        }
        if (!scopes.cover(Requester.of(request).claims(), resource, request)) {
            if (singleRead) {
                throw forbidden("This item is outside the scopes granted to your application", "SMART scopes");
            }
            RequestDecisions.of(request).withheld(Withholding.SCOPE, false, type);
            return ConsentOutcome.REJECT;
        }
        String patient = compartment.ownerOfStored(resource); // shown records are read from storage
        AccessDecision decision = decide(request, patient, type, othersRecordRead(request, resource, patient));
        if (!decision.permitsType(type)) {
            if (singleRead) {
                enforce(request, decision, type, patient);
            }
            RequestDecisions.of(request)
                    .withheld(
                            decision.permits() ? Withholding.ROLE : Withholding.NOT_PERMITTED,
                            decision.breakGlassAvailable(),
                            type);
            return ConsentOutcome.REJECT;
        }
        if (classifier.withheldBy(decision, resource)) {
            if (singleRead) {
                throw forbidden(
                        "This item is in a restricted category"
                                + (decision.breakGlassAvailable() ? "; break-glass is available in an emergency" : ""),
                        decision.policy());
            }
            RequestDecisions.of(request)
                    .withheld(Withholding.RESTRICTED_CATEGORY, decision.breakGlassAvailable(), type);
            return ConsentOutcome.REJECT;
        }
        return ConsentOutcome.PROCEED;
    }

    /**
     * Whether this stored record may be sent out to a care provider's system — in a bulk export
     * ({@link AccessRequest#BULK_EXPORT}) or a notification of its Subscription ({@link AccessRequest#NOTIFICATION}):
     * the per-record check of a read (scopes, whose record, the decision's types and categories), decided as a
     * disclosure to the system's organisation (a care relationship, the patient's wishes, no sensitive category)
     * rather than as a read-back of what it pushed. When consent-service cannot answer, this throws: the work
     * fails and is tried again rather than leaving the record out unnoticed or sending it unchecked.
     */
    public boolean mayDisclose(Requester recipient, IBaseResource record, String interaction) {
        SystemRequestDetails request = recipient.attachTo(new SystemRequestDetails());
        request.getUserData().put(DISCLOSURE, interaction);
        if (!scopes.cover(recipient.claims(), record, request)) {
            return false; // outside the token's scopes: nothing to ask consent-service
        }
        // asked before the per-record check, so that an unanswered question is not taken for a refusal (the check
        // reuses this request's answer)
        AccessDecision decision = decide(request, compartment.ownerOfStored(record), record.fhirType());
        if (ConsentClient.isUnavailable(decision)) {
            throw new IllegalStateException("consent-service could not decide a record sent out: " + decision.reason());
        }
        return checkResource(request, record, false) != ConsentOutcome.REJECT;
    }

    /**
     * Resources are checked here, page by page, where {@link #narrowEverything} moved the check, and on every
     * page of a stored search: that search was filtered for whoever ran it, and each page is decided again for
     * the one who asks for it now (a consent, relationship or break-glass window may have changed since).
     */
    @Override
    public ConsentOutcome willSeeResource(
            RequestDetails request, IBaseResource resource, IConsentContextServices services) {
        if (resource != null && resource == request.getUserData().get(CHECKED_ENTRY_BY_ENTRY)) {
            return ConsentOutcome.AUTHORIZED;
        }
        boolean checkHere = request.getUserData().containsKey(CHECK_ON_SHOW)
                || request.getRestOperationType() == RestOperationTypeEnum.GET_PAGE;
        if (!checkHere
                || resource instanceof OperationOutcome
                || resource instanceof Bundle) { // the page itself; its entries are checked one by one
            return ConsentOutcome.PROCEED;
        }
        return canSeeResource(request, resource, services);
    }

    /**
     * {@code Patient/{id}/$everything} asks for the types the user's role may see and the token's scopes cover
     * ({@code _type} narrowed, or set), so a page holds what will be shown rather than claims and billing the
     * role never sees; a type asked for that is not permitted is refused with the reason. With a consent
     * service registered HAPI would load and parse the patient's whole record to pre-check it before the
     * first page (the dominant cost of the operation); when no category is withheld and every type left is
     * covered by an unrestricted scope, the only thing left to check is whose record each resource is (a
     * linked or referenced other patient), and that is checked on each page as it is shown instead.
     * Runs before HAPI binds the operation's parameters (see ConsentEnforcement); a refusal of the whole
     * record is left to {@link #startOperation}, which gives its reason.
     */
    void narrowEverything(RequestDetails request) {
        if (!isEverything(request)) {
            return; // before anything else: this runs for every request, anonymous /metadata included
        }
        Requester requester = Requester.of(request);
        String patient = compartment.targetPatient(request);
        if (requester.claims().isSystem() || patient == null) {
            return;
        }
        AccessDecision all = RequestDecisions.of(request)
                .computeIfAbsent(
                        patient,
                        "*",
                        () -> outsideContext(request, patient)
                                .orElseGet(() -> consent.decide(accessRequest(request, patient, storedTypes, null))));
        if (!all.permits()) {
            return;
        }
        List<String> permitted = all.permittedResourceTypes() == null
                ? List.of()
                : all.permittedResourceTypes().stream()
                        .filter(type -> scopes.coversAny(requester.claims(), type))
                        .toList();
        String[] asked = request.getParameters().get("_type");
        List<String> types = asked == null
                ? permitted
                : Arrays.stream(asked)
                        .flatMap(v -> Arrays.stream(v.split(",")))
                        .map(String::trim)
                        .filter(t -> !t.isEmpty())
                        .distinct()
                        .toList();
        List<String> refused =
                types.stream().filter(t -> !permitted.contains(t)).toList();
        if (!refused.isEmpty() || types.isEmpty()) {
            throw forbidden(
                    "Your role or application may not see "
                            + (refused.isEmpty() ? "any of this record" : String.join(", ", refused)),
                    all.policy());
        }
        Map<String, String[]> parameters = new LinkedHashMap<>(request.getParameters());
        parameters.put("_type", new String[] {String.join(",", types)});
        request.setParameters(parameters);
        boolean nothingByCategory =
                all.withheldCategories() == null || all.withheldCategories().isEmpty();
        if (nothingByCategory && types.stream().allMatch(t -> scopes.coversWholeType(requester.claims(), t))) {
            request.getUserData().put(CHECK_ON_SHOW, Boolean.TRUE);
        }
    }

    /** The resource type(s) a search asks for: a {@code $everything}'s {@code _type} list, else the type searched. */
    static String typesAskedFor(RequestDetails request) {
        return isEverything(request)
                ? String.join(",", request.getParameters().getOrDefault("_type", new String[0]))
                : request.getResourceName();
    }

    static boolean isEverything(RequestDetails request) {
        return request.getRestOperationType() == RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE
                && "Patient".equals(request.getResourceName())
                && "$everything".equals(request.getOperation());
    }

    /**
     * Search features that answer from records before anything is withheld ({@link ProbingParameters}). Refused to
     * everyone: a care-provider system reads only what it may be shown too ({@link #othersRecordRead}). ({@code
     * _summary=count} is refused to everyone by HAPI's consent interceptor, for the same reason.)
     */
    private static void refuseProbes(RequestDetails request) {
        for (String name : request.getParameters().keySet()) {
            if (ProbingParameters.probes(name)) {
                throw new InvalidRequestException(
                        name.split(":")[0] + " is not available: it could reveal records " + "withheld from you");
            }
        }
    }

    /** The decision about this patient's records of this type for this request (asked once per request). */
    AccessDecision decide(RequestDetails request, String patientId, String type) {
        return decide(request, patientId, type, null);
    }

    /** ... or about those of them another organisation pushed, read by a system ({@link #othersRecordRead}). */
    private AccessDecision decide(RequestDetails request, String patientId, String type, String disclosure) {
        return RequestDecisions.of(request)
                .computeIfAbsent(
                        patientId,
                        disclosure == null ? type : type + " (" + disclosure + ")",
                        () -> outsideContext(request, patientId)
                                .orElseGet(() ->
                                        consent.decide(accessRequest(request, patientId, List.of(type), disclosure))));
    }

    /**
     * A care provider's system reads back what its own organisation pushed, patients' demographics (to match
     * them before it pushes) and directory records under its own role; any other organisation's record (about a
     * patient or not: a Provenance, a Group) is a disclosure to its organisation, decided as an export or a notification is (a care
     * relationship, the patient's wishes, no sensitive category): {@link AccessRequest#OTHERS_RECORD_READ}.
     * Null when the request's own interaction decides.
     */
    private static String othersRecordRead(RequestDetails request, IBaseResource resource, String patient) {
        Requester requester = Requester.of(request);
        if (!requester.claims().isSystem()
                || request.getUserData().containsKey(DISCLOSURE) // sent out already: decided as such
                || "Patient".equals(resource.fhirType())
                || patient == null && PushedBy.SHARED.contains(resource.fhirType())
                || PushedBy.requestersOwn(requester, resource)) {
            return null;
        }
        return AccessRequest.OTHERS_RECORD_READ;
    }

    /**
     * A token confined to one patient (a patient's own, or a clinician's app launched for a patient: SMART
     * launch context) reaches no other patient's records, whatever the user's role would allow elsewhere:
     * decided here, before consent-service is asked, and answered like a record that does not exist.
     */
    private static java.util.Optional<AccessDecision> outsideContext(RequestDetails request, String patientId) {
        if (patientId == null || Requester.of(request).claims().reaches(patientId)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new AccessDecision(
                null,
                org.carerecord.security.decision.Decision.DENY,
                "This session is for another patient (launch context)",
                "smart-launch-context",
                List.of(),
                List.of(),
                List.of(),
                false));
    }

    private AccessRequest accessRequest(
            RequestDetails request, String patientId, List<String> types, String disclosure) {
        Requester requester = Requester.of(request);
        return new AccessRequest(
                requester.claims().subject(),
                requester.claims().nhsRole(),
                requester.claims().organisation(),
                requester.claims().fhirUser(),
                requester.purposeOfUse().name(),
                requester.breakGlassReason(),
                patientId,
                types,
                disclosure != null ? disclosure : interactionOf(request),
                evidence(requester, patientId),
                requester.claimedRelationship());
    }

    private static String interactionOf(RequestDetails request) {
        if (request.getUserData().get(DISCLOSURE) instanceof String disclosure) {
            return disclosure;
        }
        return request.getRestOperationType() == null
                ? null
                : request.getRestOperationType().getCode();
    }

    private List<CareRelationship> evidence(Requester requester, String patientId) {
        String organisation = requester.claims().organisation();
        return patientId == null || organisation == null ? List.of() : relationships.between(patientId, organisation);
    }

    /**
     * Refuses the request with the decision's reason: 503 if it could not be checked; 404 when a patient's
     * own token reaches for someone else's record (not even its existence is confirmed); else 403.
     */
    private static void enforce(RequestDetails request, AccessDecision decision, String type, String patient) {
        if (ConsentClient.isUnavailable(decision)) {
            throw new UnclassifiedServerFailureException(503, decision.reason());
        }
        if (decision.permitsType(type)) {
            return;
        }
        String own = Requester.of(request).claims().ownPatient();
        if (own != null && !own.equals(patient)) {
            throw new ResourceNotFoundException("Resource " + type + " is not known");
        }
        throw forbidden(decision.reason(), decision.policy());
    }

    private static ForbiddenOperationException forbidden(String reason, String policy) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.FORBIDDEN)
                .setDiagnostics(reason + " (" + policy + ")");
        return new ForbiddenOperationException(reason + " (" + policy + ")", outcome);
    }

    /** Judged once a request: an import batch's 500 records each asked it, and each answer read the whole batch. */
    private static boolean isWriteOnly(RequestDetails request) {
        return (Boolean) request.getUserData().computeIfAbsent(WRITE_ONLY, k -> judgeWriteOnly(request));
    }

    private static boolean judgeWriteOnly(RequestDetails request) {
        if (request.getRestOperationType() == null) { // an internal request: judged by the bundle it carries
            return request.getResource() instanceof Bundle bundle
                    && bundle.getEntry().stream()
                            .allMatch(e -> e.getRequest().getMethod() == Bundle.HTTPVerb.PUT
                                    || e.getRequest().getMethod() == Bundle.HTTPVerb.POST);
        }
        return switch (request.getRestOperationType()) {
            case CREATE, UPDATE, PATCH, DELETE -> true;
            case TRANSACTION, BATCH ->
                request.getResource() instanceof Bundle bundle
                        && bundle.getEntry().stream()
                                .noneMatch(e -> e.getRequest().getMethod() == Bundle.HTTPVerb.GET
                                        || e.getRequest().getMethod() == Bundle.HTTPVerb.HEAD);
            default -> false;
        };
    }
}
