package org.carerecord.security.audit;

/**
 * The identifiers and codes an AuditEvent of this record carries, shared by fhir-server (which writes
 * them) and audit-service (which indexes and searches them). Shaped after IHE BALP.
 */
public final class AuditVocabulary {

    /** Identifier system of the token subject (the user or client) on the requestor agent. */
    public static final String USER_SYSTEM = "https://care-record.example.org/Id/user";

    public static final String ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";
    public static final String SDS_ROLE_SYSTEM = "https://fhir.nhs.uk/Id/sds-role-code";
    /** Extension on AuditEvent carrying the consent decision: valueString "PERMIT|DENY policy reason". */
    public static final String DECISION_EXTENSION =
            "https://care-record.example.org/StructureDefinition/access-decision";
    /** The decision's id: consent-service explains it at {@code GET /decisions/{id}}. */
    public static final String DECISION_ID_EXTENSION =
            "https://care-record.example.org/StructureDefinition/access-decision-id";
    /** A relationship the user stated because the record showed none; flagged for review. */
    public static final String CLAIMED_RELATIONSHIP_EXTENSION =
            "https://care-record.example.org/StructureDefinition/claimed-relationship";

    public static final String BREAK_GLASS_REASON_EXTENSION =
            "https://care-record.example.org/StructureDefinition/break-glass-reason";
    public static final String RESTFUL_INTERACTION_SYSTEM = "http://hl7.org/fhir/restful-interaction";
    /** Governance activity (a break-glass review, an alert closed, a policy change) as an event's type. */
    public static final String GOVERNANCE_ACTIVITY_SYSTEM =
            "https://care-record.example.org/CodeSystem/governance-activity";

    public static final String DCM_SYSTEM = "http://dicom.nema.org/resources/ontology/DCM";
    public static final String OBJECT_ROLE_SYSTEM = "http://terminology.hl7.org/CodeSystem/object-role";

    private AuditVocabulary() {}
}
