package org.carerecord.fhir.consent;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;
import java.util.List;
import org.carerecord.fhir.access.Requester;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.AccessRequest;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.stereotype.Component;

/**
 * Steps 2-4 of a request, plugged into HAPI's consent framework so every path that returns resources
 * (read, search, includes, history, paging, operations) passes through it: work out the patient,
 * ask consent-service, and withhold what the decision does not permit.
 */
@Component
public class RecordConsentService implements IConsentService {

    private final ConsentClient consent;
    private final PatientCompartment compartment;

    public RecordConsentService(ConsentClient consent, PatientCompartment compartment) {
        this.consent = consent;
        this.compartment = compartment;
    }

    @Override
    public ConsentOutcome startOperation(RequestDetails request, IConsentContextServices services) {
        RestOperationTypeEnum operation = request.getRestOperationType();
        if (operation == RestOperationTypeEnum.METADATA) {
            return ConsentOutcome.AUTHORIZED;
        }
        Requester requester = Requester.of(request);
        if (requester.claims().isSystem() && isWriteOnly(request)) {
            // A provider system pushing its own records: nothing is shown, scopes were checked already.
            return ConsentOutcome.AUTHORIZED;
        }
        String type = request.getResourceName();
        String patient = compartment.targetPatient(request);
        if (type != null && patient != null) {
            // Refuse up front, with the reason, when the request is aimed at one patient.
            enforce(decide(request, patient, type), type);
        }
        return ConsentOutcome.PROCEED;
    }

    @Override
    public ConsentOutcome canSeeResource(RequestDetails request, IBaseResource resource, IConsentContextServices services) {
        String type = resource.fhirType();
        String patient = compartment.ownerOf(resource);
        AccessDecision decision = decide(request, patient, type);
        if (decision.permitsType(type)) {
            return ConsentOutcome.PROCEED;
        }
        RestOperationTypeEnum operation = request.getRestOperationType();
        if (operation == RestOperationTypeEnum.READ || operation == RestOperationTypeEnum.VREAD) {
            enforce(decision, type);
        }
        RequestDecisions.of(request).withheld(type);
        return ConsentOutcome.REJECT;
    }

    @Override
    public ConsentOutcome willSeeResource(RequestDetails request, IBaseResource resource, IConsentContextServices services) {
        return ConsentOutcome.PROCEED;
    }

    private AccessDecision decide(RequestDetails request, String patientId, String type) {
        Requester requester = Requester.of(request);
        return RequestDecisions.of(request).computeIfAbsent(patientId, type, () -> consent.decide(new AccessRequest(
                requester.claims().subject(),
                requester.claims().nhsRole(),
                requester.claims().organisation(),
                requester.claims().fhirUser(),
                requester.purposeOfUse().name(),
                requester.breakGlassReason(),
                patientId,
                List.of(type),
                request.getRestOperationType() == null ? null : request.getRestOperationType().getCode())));
    }

    /** Refuses the request with the decision's reason: 503 if it could not be checked, else 403. */
    private static void enforce(AccessDecision decision, String type) {
        if (ConsentClient.isUnavailable(decision)) {
            throw new UnclassifiedServerFailureException(503, decision.reason());
        }
        if (!decision.permitsType(type)) {
            OperationOutcome outcome = new OperationOutcome();
            outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                    .setCode(OperationOutcome.IssueType.FORBIDDEN)
                    .setDiagnostics(decision.reason() + " (" + decision.policy() + ")");
            throw new ForbiddenOperationException(decision.reason() + " (" + decision.policy() + ")", outcome);
        }
    }

    private static boolean isWriteOnly(RequestDetails request) {
        return switch (request.getRestOperationType()) {
            case CREATE, UPDATE, PATCH, DELETE -> true;
            case TRANSACTION, BATCH -> request.getResource() instanceof Bundle bundle && bundle.getEntry().stream()
                    .noneMatch(e -> e.getRequest().getMethod() == Bundle.HTTPVerb.GET
                            || e.getRequest().getMethod() == Bundle.HTTPVerb.HEAD);
            default -> false;
        };
    }
}
