package org.carerecord.fhir.balp;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.UUID;
import org.carerecord.security.audit.AuditVocabulary;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.PurposeOfUse;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * The one writer of the region's AuditEvents, shaped after IHE BALP's minimal pattern — fhir-server's
 * record of each REST interaction, consent-service's directive writes and refusals, audit-service's
 * governance activity and refusals: the requestor agent (user id, FHIR user, role, client, address, purpose
 * of use), the organisation agent (ODS code, a healthcare provider), the source (site and observer), the
 * patient entity and what was acted on — never the data itself. {@link AuditEventFields} reads them back.
 */
public final class AuditEventBuilder {

    public static final Coding REST =
            new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "Restful Operation");
    /** FHIR resource types, as an entity's type. */
    public static final String RESOURCE_TYPES = "http://hl7.org/fhir/resource-types";
    /** FHIR operations named by a subtype ({@code $summary}). */
    public static final String OPERATION_SYSTEM = "https://care-record.example.org/CodeSystem/fhir-operation";

    private static final String BALP_PROFILE = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.";
    private static final String BALP_ENTITY_TYPE = "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";
    private static final Coding HEALTHCARE_PROVIDER =
            new Coding("http://terminology.hl7.org/CodeSystem/v3-RoleClass", "PROV", "healthcare provider");

    private final AuditEvent event = new AuditEvent();
    private AuditEventAgentComponent requestor;

    private AuditEventBuilder(Coding type, AuditEvent.AuditEventAction action) {
        event.setId(UUID.randomUUID().toString());
        event.setType(type);
        event.setAction(action);
        event.setRecorded(new Date());
        event.setOutcome(AuditEvent.AuditEventOutcome._0);
    }

    public static AuditEventBuilder of(Coding type, AuditEvent.AuditEventAction action) {
        return new AuditEventBuilder(type, action);
    }

    /** A RESTful interaction ({@code create}, {@code update}, {@code search-type}, {@code read}...). */
    public static AuditEventBuilder rest(String interaction, AuditEvent.AuditEventAction action) {
        AuditEventBuilder builder = of(REST, action);
        return interaction == null
                ? builder
                : builder.subtype(new Coding(AuditVocabulary.RESTFUL_INTERACTION_SYSTEM, interaction, null));
    }

    /** The IHE BALP profile the event follows, e.g. {@code PatientCreate} (about one patient, a create). */
    public AuditEventBuilder balpProfile(String name) {
        event.getMeta().addProfile(BALP_PROFILE + name);
        return this;
    }

    public AuditEventBuilder subtype(Coding subtype) {
        event.addSubtype(subtype);
        return this;
    }

    /** Success, or refused ({@code 4}, minor failure: the request was understood and declined), in words. */
    public AuditEventBuilder outcome(boolean refused, String description) {
        return outcome(refused ? AuditEvent.AuditEventOutcome._4 : AuditEvent.AuditEventOutcome._0, description);
    }

    /** Success (0), refused (4) or failed (8), in words if there are any. */
    public AuditEventBuilder outcome(AuditEvent.AuditEventOutcome outcome, String description) {
        event.setOutcome(outcome);
        if (description != null) {
            event.setOutcomeDesc(description);
        }
        return this;
    }

    /** The token's holder as the requestor, with the client it used and the organisation it acts for. */
    public AuditEventBuilder requestor(CareClaims claims) {
        return requestor(claims, claims.purposeOfUse());
    }

    /** As {@link #requestor(CareClaims)}, for a purpose the request stated (break-glass) instead of the token's. */
    public AuditEventBuilder requestor(CareClaims claims, PurposeOfUse purpose) {
        requestor(claims.subject(), claims.fhirUser(), claims.nhsRole(), purpose);
        requestor.setAltId(claims.clientId());
        return organisation(claims.organisation());
    }

    /** The requestor; its purpose of use is also the event's (BALP reads either). */
    public AuditEventBuilder requestor(String userId, String fhirUser, String role, PurposeOfUse purpose) {
        requestor = event.addAgent().setRequestor(true);
        requestor
                .getWho()
                .setIdentifier(
                        new Identifier().setSystem(AuditVocabulary.USER_SYSTEM).setValue(userId));
        if (fhirUser != null) {
            requestor.getWho().setReference(fhirUser);
        }
        if (role != null) {
            requestor.addRole(new CodeableConcept(new Coding(AuditVocabulary.SDS_ROLE_SYSTEM, role, null)));
        }
        if (purpose != null) {
            Coding coding = new Coding(PurposeOfUse.SYSTEM, purpose.name(), purpose.display());
            requestor.addPurposeOfUse(new CodeableConcept(coding));
            event.addPurposeOfEvent(new CodeableConcept(coding.copy()));
        }
        return this;
    }

    /** A requestor nobody could identify (no valid token), described in words. */
    public AuditEventBuilder unidentifiedRequestor(String description) {
        requestor = event.addAgent().setRequestor(true);
        requestor.getWho().setDisplay(description);
        return this;
    }

    /** The network address the request came from, on the requestor (call after a requestor method). */
    public AuditEventBuilder address(String address) {
        if (address != null) {
            requestor.getNetwork().setAddress(address).setType(AuditEventAgentNetworkType._2);
        }
        return this;
    }

    public AuditEventBuilder organisation(String odsCode) {
        if (odsCode != null) {
            event.addAgent()
                    .setRequestor(false)
                    .setType(new CodeableConcept(HEALTHCARE_PROVIDER.copy()))
                    .getWho()
                    .setIdentifier(new Identifier()
                            .setSystem(AuditVocabulary.ODS_SYSTEM)
                            .setValue(odsCode));
        }
        return this;
    }

    /** Which service recorded it ({@code fhir-server}, {@code consent-service}, {@code audit-service}) and which part. */
    public AuditEventBuilder source(String site, String observer) {
        event.getSource().setSite(site).setObserver(new Reference().setDisplay(observer));
        return this;
    }

    /** The patient it concerned: the patient's own access report shows the event. */
    public AuditEventBuilder patient(String patientId) {
        if (patientId != null) {
            event.addEntity()
                    .setWhat(new Reference("Patient/" + patientId))
                    .setRole(new Coding(AuditVocabulary.OBJECT_ROLE_SYSTEM, "1", "Patient"));
        }
        return this;
    }

    /** What was acted on, by reference ({@code Consent/123}) or, without a FHIR id, by identifier. */
    public AuditEventBuilder entity(Reference what, String roleCode, String roleDisplay) {
        event.addEntity().setWhat(what).setRole(new Coding(AuditVocabulary.OBJECT_ROLE_SYSTEM, roleCode, roleDisplay));
        return this;
    }

    /** A record the request touched, by its id ({@code Condition/123}). */
    public AuditEventBuilder resource(String id) {
        return entity(new Reference(id), "4", "Domain Resource");
    }

    /** The query string asked, as BALP keeps it (the bytes of the query). */
    public AuditEventBuilder query(String query) {
        return query(query, null);
    }

    /**
     * The query string asked, typed by the FHIR resource type it was asked of (the entity type value set includes
     * the resource types), so the trail can say "searched diagnoses" of a search that returned nothing.
     */
    public AuditEventBuilder query(String query, String resourceType) {
        boolean hasQuery = query != null && !query.isBlank();
        if (hasQuery || resourceType != null) {
            var entity = event.addEntity().setRole(new Coding(AuditVocabulary.OBJECT_ROLE_SYSTEM, "24", "Query"));
            if (hasQuery) {
                entity.setQuery(query.getBytes(StandardCharsets.UTF_8));
            }
            if (resourceType != null) {
                entity.setType(new Coding(RESOURCE_TYPES, resourceType, null));
            }
        }
        return this;
    }

    /** A FHIR operation ({@code $summary}, {@code $everything}...), as a second subtype beside the interaction. */
    public AuditEventBuilder operation(String name) {
        return name == null ? this : subtype(new Coding(OPERATION_SYSTEM, name, null));
    }

    /** The request's id ({@code X-Request-ID}), which ties the record to the service's logs. */
    public AuditEventBuilder requestId(String requestId) {
        if (requestId != null) {
            event.addEntity()
                    .setType(new Coding(BALP_ENTITY_TYPE, "XrequestId", null))
                    .setWhat(new Reference().setIdentifier(new Identifier().setValue(requestId)));
        }
        return this;
    }

    /** One of this record's own extensions ({@link AuditVocabulary}), if there is a value. */
    public AuditEventBuilder extension(String url, String value) {
        if (value != null) {
            event.addExtension(url, new StringType(value));
        }
        return this;
    }

    public AuditEvent build() {
        return event;
    }
}
