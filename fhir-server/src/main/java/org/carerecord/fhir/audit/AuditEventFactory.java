package org.carerecord.fhir.audit;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Collection;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.balp.AuditEventBuilder;
import org.carerecord.security.audit.AuditVocabulary;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.token.PurposeOfUse;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;

/**
 * One AuditEvent per REST interaction, written by the region's one {@link AuditEventBuilder}: who (user, role,
 * organisation, client, address), what (interaction, query, resource ids, patients), why (purpose of use,
 * break-glass reason) and how it ended (outcome and the consent decision) — never the data itself.
 */
final class AuditEventFactory {

    private static final String SITE = "fhir-server";
    private static final String OBSERVER = "shared care record fhir-server";

    private AuditEventFactory() {}

    static AuditEvent create(
            RequestDetails request,
            Requester requester,
            int status,
            String outcomeText,
            Collection<String> resourceIds,
            Collection<String> patientIds,
            AccessDecision decision) {
        RestOperationTypeEnum operation = request.getRestOperationType();
        AuditEventBuilder event = AuditEventBuilder.rest(
                        operation == null ? null : operation.getCode(),
                        operation == null ? AuditEventAction.E : action(operation))
                .balpProfile(balpProfile(operation, !patientIds.isEmpty()))
                .outcome(
                        status < 400
                                ? AuditEventOutcome._0
                                : status < 500 ? AuditEventOutcome._4 : AuditEventOutcome._8,
                        outcomeText)
                .requestor(requester.claims(), purposeOf(requester, decision))
                .address(requester.sourceAddress())
                .source(SITE, OBSERVER)
                .operation(request.getOperation())
                .query(queryOf(request), request.getResourceName())
                .requestId(request.getRequestId());
        patientIds.forEach(event::patient);
        resourceIds.forEach(event::resource);
        if (decision != null) {
            event.extension(
                            AuditVocabulary.DECISION_EXTENSION,
                            decision.decision() + " " + decision.policy() + ": " + decision.reason())
                    .extension(AuditVocabulary.DECISION_ID_EXTENSION, decision.decisionId());
            if (decision.hasObligation(AccessDecision.SELF_CLAIMED_RELATIONSHIP)) {
                event.extension(AuditVocabulary.CLAIMED_RELATIONSHIP_EXTENSION, requester.claimedRelationship());
            }
        }
        if (requester.purposeOfUse().isBreakGlass()) {
            event.extension(AuditVocabulary.BREAK_GLASS_REASON_EXTENSION, requester.breakGlassReason());
        }
        return event.build();
    }

    /** A request inside an earlier break-glass window is break-glass too, though it did not say so again. */
    private static PurposeOfUse purposeOf(Requester requester, AccessDecision decision) {
        boolean coveredByWindow = decision != null
                && decision.hasObligation(AccessDecision.BREAK_GLASS)
                && !requester.purposeOfUse().isBreakGlass();
        return coveredByWindow ? PurposeOfUse.BTG : requester.purposeOfUse();
    }

    /**
     * A request refused before it reached FHIR processing because it carried no valid bearer token: who is
     * unknown, so the record holds where it came from, what it asked for and why it was refused.
     */
    static AuditEvent unauthenticated(
            String method, String path, String query, String requestId, String address, String reason) {
        return AuditEventBuilder.of(
                        AuditEventBuilder.REST,
                        switch (method) {
                            case "GET", "HEAD" -> AuditEventAction.R;
                            case "POST" -> AuditEventAction.C;
                            case "PUT", "PATCH" -> AuditEventAction.U;
                            case "DELETE" -> AuditEventAction.D;
                            default -> AuditEventAction.E;
                        })
                .balpProfile(balpProfile(null, false))
                .outcome(AuditEventOutcome._4, reason + " (" + method + " " + path + ")")
                .unidentifiedRequestor("unauthenticated: no valid bearer token")
                .address(address)
                .source(SITE, OBSERVER)
                .query(query)
                .requestId(requestId)
                .build();
    }

    private static String queryOf(RequestDetails request) {
        String url = request.getCompleteUrl();
        return url != null && url.contains("?") ? url.substring(url.indexOf('?') + 1) : null;
    }

    /** The IHE BALP pattern this record follows; Patient* variants when it names a patient. */
    static String balpProfile(RestOperationTypeEnum operation, boolean patient) {
        String pattern = switch (operation == null ? RestOperationTypeEnum.EXTENDED_OPERATION_SERVER : operation) {
            case CREATE, TRANSACTION, BATCH -> "Create";
            case READ, VREAD -> "Read";
            case UPDATE, PATCH -> "Update";
            case DELETE -> "Delete";
            default -> "Query";
        };
        return patient ? "Patient" + pattern : pattern;
    }

    private static AuditEventAction action(RestOperationTypeEnum operation) {
        return switch (operation) {
            case CREATE, TRANSACTION, BATCH -> AuditEventAction.C;
            case READ, VREAD, HISTORY_INSTANCE, HISTORY_TYPE, HISTORY_SYSTEM -> AuditEventAction.R;
            case UPDATE, PATCH -> AuditEventAction.U;
            case DELETE -> AuditEventAction.D;
            default -> AuditEventAction.E;
        };
    }
}
