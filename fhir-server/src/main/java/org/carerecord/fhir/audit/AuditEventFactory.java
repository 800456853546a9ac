package org.carerecord.fhir.audit;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Date;
import java.util.UUID;
import org.carerecord.fhir.access.Requester;
import org.carerecord.security.audit.AuditVocabulary;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.token.PurposeOfUse;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * Builds one AuditEvent per REST interaction, after IHE BALP's minimal pattern: who (user, role,
 * organisation, client, address), what (interaction, query, resource ids, patients), why (purpose of
 * use, break-glass reason) and how it ended (outcome and the consent decision) — never the data itself.
 */
final class AuditEventFactory {

    private static final Coding REST = new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest",
            "Restful Operation");
    private static final String BALP_PROFILE = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.";
    private static final String BALP_ENTITY_TYPE = "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";

    private AuditEventFactory() {
    }

    static AuditEvent create(RequestDetails request, Requester requester, int status, String outcomeText,
            Collection<String> resourceIds, Collection<String> patientIds, AccessDecision decision) {
        AuditEvent event = new AuditEvent();
        event.setId(UUID.randomUUID().toString());
        event.setType(REST);
        RestOperationTypeEnum operation = request.getRestOperationType();
        event.getMeta().addProfile(balpProfile(operation, !patientIds.isEmpty()));
        if (operation != null) {
            event.addSubtype(new Coding(AuditVocabulary.RESTFUL_INTERACTION_SYSTEM, operation.getCode(), null));
            event.setAction(action(operation));
        }
        event.setRecorded(new Date());
        event.setOutcome(status < 400 ? AuditEventOutcome._0 : status < 500 ? AuditEventOutcome._4 : AuditEventOutcome._8);
        if (outcomeText != null) {
            event.setOutcomeDesc(outcomeText);
        }
        addRequestor(event, requester, purposeOf(requester, decision));
        addOrganisation(event, requester);
        addSource(event);
        addQuery(event, request);
        addIdentifierEntity(event, "XrequestId", request.getRequestId());
        patientIds.forEach(id -> event.addEntity()
                .setWhat(new Reference("Patient/" + id))
                .setRole(new Coding(AuditVocabulary.OBJECT_ROLE_SYSTEM, "1", "Patient")));
        resourceIds.forEach(id -> event.addEntity()
                .setWhat(new Reference(id))
                .setRole(new Coding(AuditVocabulary.OBJECT_ROLE_SYSTEM, "4", "Domain Resource")));
        if (decision != null) {
            event.addExtension(AuditVocabulary.DECISION_EXTENSION, new StringType(
                    decision.decision() + " " + decision.policy() + ": " + decision.reason()));
            event.addExtension(AuditVocabulary.DECISION_ID_EXTENSION, new StringType(decision.decisionId()));
            if (decision.hasObligation(AccessDecision.SELF_CLAIMED_RELATIONSHIP)) {
                event.addExtension(AuditVocabulary.CLAIMED_RELATIONSHIP_EXTENSION,
                        new StringType(requester.claimedRelationship()));
            }
        }
        if (requester.purposeOfUse().isBreakGlass() && requester.breakGlassReason() != null) {
            event.addExtension(AuditVocabulary.BREAK_GLASS_REASON_EXTENSION, new StringType(requester.breakGlassReason()));
        }
        return event;
    }

    /** A request inside an earlier break-glass window is break-glass too, though it did not say so again. */
    private static PurposeOfUse purposeOf(Requester requester, AccessDecision decision) {
        boolean coveredByWindow = decision != null && decision.hasObligation(AccessDecision.BREAK_GLASS)
                && !requester.purposeOfUse().isBreakGlass();
        return coveredByWindow ? PurposeOfUse.BTG : requester.purposeOfUse();
    }

    private static void addRequestor(AuditEvent event, Requester requester, PurposeOfUse purpose) {
        var claims = requester.claims();
        AuditEvent.AuditEventAgentComponent user = event.addAgent().setRequestor(true);
        user.getWho().setIdentifier(new Identifier().setSystem(AuditVocabulary.USER_SYSTEM).setValue(claims.subject()));
        if (claims.fhirUser() != null) {
            user.getWho().setReference(claims.fhirUser());
        }
        user.setAltId(claims.clientId());
        if (claims.nhsRole() != null) {
            user.addRole(new CodeableConcept(new Coding(AuditVocabulary.SDS_ROLE_SYSTEM, claims.nhsRole(), null)));
        }
        user.addPurposeOfUse(new CodeableConcept(new Coding(PurposeOfUse.SYSTEM, purpose.name(), purpose.display())));
        event.addPurposeOfEvent(new CodeableConcept(new Coding(PurposeOfUse.SYSTEM, purpose.name(), purpose.display())));
        if (requester.sourceAddress() != null) {
            user.getNetwork().setAddress(requester.sourceAddress()).setType(AuditEvent.AuditEventAgentNetworkType._2);
        }
    }

    /**
     * A request refused before it reached FHIR processing because it carried no valid bearer token: who is
     * unknown, so the record holds where it came from, what it asked for and why it was refused.
     */
    static AuditEvent unauthenticated(String method, String path, String query, String requestId, String address,
            String reason) {
        AuditEvent event = new AuditEvent();
        event.setId(UUID.randomUUID().toString());
        event.setType(REST);
        event.getMeta().addProfile(balpProfile(null, false));
        event.setAction(switch (method) {
            case "GET", "HEAD" -> AuditEventAction.R;
            case "POST" -> AuditEventAction.C;
            case "PUT", "PATCH" -> AuditEventAction.U;
            case "DELETE" -> AuditEventAction.D;
            default -> AuditEventAction.E;
        });
        event.setRecorded(new Date());
        event.setOutcome(AuditEventOutcome._4);
        event.setOutcomeDesc(reason + " (" + method + " " + path + ")");
        AuditEvent.AuditEventAgentComponent unknown = event.addAgent().setRequestor(true);
        unknown.getWho().setDisplay("unauthenticated: no valid bearer token");
        if (address != null) {
            unknown.getNetwork().setAddress(address).setType(AuditEvent.AuditEventAgentNetworkType._2);
        }
        addSource(event);
        if (query != null && !query.isBlank()) {
            event.addEntity().setRole(new Coding(AuditVocabulary.OBJECT_ROLE_SYSTEM, "24", "Query"))
                    .setQuery(query.getBytes(StandardCharsets.UTF_8));
        }
        addIdentifierEntity(event, "XrequestId", requestId);
        return event;
    }

    private static void addSource(AuditEvent event) {
        event.getSource().setSite("fhir-server").setObserver(new Reference().setDisplay("shared care record fhir-server"));
    }

    private static void addOrganisation(AuditEvent event, Requester requester) {
        String org = requester.claims().organisation();
        if (org != null) {
            event.addAgent().setRequestor(false)
                    .setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v3-RoleClass", "PROV", "healthcare provider")))
                    .getWho().setIdentifier(new Identifier().setSystem(AuditVocabulary.ODS_SYSTEM).setValue(org));
        }
    }

    private static void addQuery(AuditEvent event, RequestDetails request) {
        String query = request.getCompleteUrl();
        if (query != null && query.contains("?")) {
            event.addEntity()
                    .setRole(new Coding(AuditVocabulary.OBJECT_ROLE_SYSTEM, "24", "Query"))
                    .setQuery(query.substring(query.indexOf('?') + 1).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void addIdentifierEntity(AuditEvent event, String type, String value) {
        if (value != null) {
            event.addEntity()
                    .setType(new Coding(BALP_ENTITY_TYPE, type, null))
                    .setWhat(new Reference().setIdentifier(new Identifier().setValue(value)));
        }
    }

    /** The IHE BALP pattern this record follows; Patient* variants when it names a patient. */
    private static String balpProfile(RestOperationTypeEnum operation, boolean patient) {
        String pattern = switch (operation == null ? RestOperationTypeEnum.EXTENDED_OPERATION_SERVER : operation) {
            case CREATE, TRANSACTION, BATCH -> "Create";
            case READ, VREAD -> "Read";
            case UPDATE, PATCH -> "Update";
            case DELETE -> "Delete";
            default -> "Query";
        };
        return BALP_PROFILE + (patient ? "Patient" + pattern : pattern);
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
