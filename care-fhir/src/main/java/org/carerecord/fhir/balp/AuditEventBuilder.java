package org.carerecord.fhir.balp;

import java.util.Date;
import java.util.UUID;
import org.carerecord.security.audit.AuditVocabulary;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.PurposeOfUse;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * One AuditEvent as the services other than fhir-server write them (consent-service's directive writes and
 * refusals, audit-service's governance activity and refusals), shaped after IHE BALP like fhir-server's:
 * the requestor agent (user id, FHIR user, role, purpose of use), the organisation agent (ODS code), the
 * observer, the patient entity and what was acted on. audit-service indexes these fields (AuditEntry).
 */
public final class AuditEventBuilder {

    private final AuditEvent event = new AuditEvent();

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
        return of(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"), action)
                .subtype(new Coding(AuditVocabulary.RESTFUL_INTERACTION_SYSTEM, interaction, interaction));
    }

    /** The IHE BALP profile the event follows, e.g. {@code PatientCreate} (about one patient, a create). */
    public AuditEventBuilder balpProfile(String name) {
        event.getMeta().addProfile("https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit." + name);
        return this;
    }

    public AuditEventBuilder subtype(Coding subtype) {
        event.addSubtype(subtype);
        return this;
    }

    /** Success, or refused ({@code 4}, minor failure: the request was understood and declined), in words. */
    public AuditEventBuilder outcome(boolean refused, String description) {
        event.setOutcome(refused ? AuditEvent.AuditEventOutcome._4 : AuditEvent.AuditEventOutcome._0);
        event.setOutcomeDesc(description);
        return this;
    }

    /** The token's holder as the requestor, with the organisation it acts for. */
    public AuditEventBuilder requestor(CareClaims claims) {
        return requestor(claims.subject(), claims.fhirUser(), claims.nhsRole(), claims.purposeOfUse())
                .organisation(claims.organisation());
    }

    public AuditEventBuilder requestor(String userId, String fhirUser, String role, PurposeOfUse purpose) {
        AuditEvent.AuditEventAgentComponent agent = event.addAgent().setRequestor(true);
        agent.getWho().setIdentifier(new Identifier().setSystem(AuditVocabulary.USER_SYSTEM).setValue(userId));
        if (fhirUser != null) {
            agent.getWho().setReference(fhirUser);
        }
        if (role != null) {
            agent.addRole(new CodeableConcept(new Coding(AuditVocabulary.SDS_ROLE_SYSTEM, role, null)));
        }
        if (purpose != null) {
            agent.addPurposeOfUse(new CodeableConcept(new Coding(PurposeOfUse.SYSTEM, purpose.name(), purpose.display())));
        }
        return this;
    }

    public AuditEventBuilder organisation(String odsCode) {
        if (odsCode != null) {
            event.addAgent().setRequestor(false).getWho()
                    .setIdentifier(new Identifier().setSystem(AuditVocabulary.ODS_SYSTEM).setValue(odsCode));
        }
        return this;
    }

    public AuditEventBuilder observer(String display) {
        event.getSource().setObserver(new Reference().setDisplay(display));
        return this;
    }

    /** The patient it concerned: the patient's own access report shows the event. */
    public AuditEventBuilder patient(String patientId) {
        if (patientId != null) {
            event.addEntity().setWhat(new Reference("Patient/" + patientId))
                    .setRole(new Coding(AuditVocabulary.OBJECT_ROLE_SYSTEM, "1", "Patient"));
        }
        return this;
    }

    /** What was acted on, by reference ({@code Consent/123}) or, without a FHIR id, by identifier. */
    public AuditEventBuilder entity(Reference what, String roleCode, String roleDisplay) {
        event.addEntity().setWhat(what).setRole(new Coding(AuditVocabulary.OBJECT_ROLE_SYSTEM, roleCode, roleDisplay));
        return this;
    }

    public AuditEvent build() {
        return event;
    }
}
