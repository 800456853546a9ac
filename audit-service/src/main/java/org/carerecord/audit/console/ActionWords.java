package org.carerecord.audit.console;

import java.util.Locale;
import java.util.Map;
import org.carerecord.fhir.balp.AuditEventBuilder;
import org.carerecord.security.audit.AuditVocabulary;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;

/**
 * What an audit record says was done, as a person would say it: "Opened summary", "Searched diagnoses",
 * "Updated a medication", "Break-glass review" — from the interaction, the operation, and the record type asked
 * of or returned, never a code such as {@code search-type}.
 */
final class ActionWords {

    /** Record types in the words clinicians and governance staff use; others by their FHIR name. */
    private static final Map<String, String> NOUNS = Map.ofEntries(
            Map.entry("Patient", "patient details"),
            Map.entry("Condition", "diagnoses"),
            Map.entry("MedicationRequest", "medications"),
            Map.entry("MedicationStatement", "medications"),
            Map.entry("AllergyIntolerance", "allergies"),
            Map.entry("Encounter", "admissions and visits"),
            Map.entry("Observation", "observations"),
            Map.entry("Procedure", "procedures"),
            Map.entry("Immunization", "immunisations"),
            Map.entry("DiagnosticReport", "test results"),
            Map.entry("DocumentReference", "documents"),
            Map.entry("CarePlan", "care plans"),
            Map.entry("CareTeam", "care teams"),
            Map.entry("Consent", "consent directives"),
            Map.entry("AuditEvent", "the audit trail"));

    private static final Map<String, String> OPERATIONS = Map.of(
            "$summary", "Opened summary",
            "$everything", "Opened the whole record",
            "$meta", "Read a record's labels",
            "$load", "Loaded records in bulk",
            "$import", "Imported records in bulk",
            "$import-poll-status", "Checked a bulk import",
            "$export", "Exported records in bulk",
            "$export-poll-status", "Checked a bulk export");

    private ActionWords() {}

    static String of(AuditEvent event) {
        if (AuditVocabulary.GOVERNANCE_ACTIVITY_SYSTEM.equals(event.getType().getSystem())) {
            // codes are words joined by hyphens; "break-glass" keeps its own
            return sentence(event.getType().getCode().replace('-', ' ').replace("break glass", "break-glass"));
        }
        String operation = subtype(event, AuditEventBuilder.OPERATION_SYSTEM);
        if (operation != null) {
            return OPERATIONS.getOrDefault(operation, "Ran " + operation);
        }
        if (subtype(event, AuditVocabulary.GOVERNANCE_ACTIVITY_SYSTEM) != null) {
            return "Searched the audit trail";
        }
        String interaction = subtype(event, AuditVocabulary.RESTFUL_INTERACTION_SYSTEM);
        String noun = noun(recordType(event));
        if (interaction == null) {
            return event.getAgentFirstRep().getWho().hasIdentifier() ? "Request" : "Request without a valid token";
        }
        return switch (interaction) {
            case "read", "vread" -> "Opened " + noun;
            case "search-type", "search" -> "Searched " + noun;
            case "create" -> "Added " + noun;
            case "update", "patch" -> "Changed " + noun;
            case "delete" -> "Removed " + noun;
            case "transaction", "batch" -> "Sent records (" + interaction + ")";
            case "history-instance", "history-type" -> "Read the history of " + noun;
            case "operation" -> "Request";
            default -> sentence(interaction.replace('-', ' '));
        };
    }

    /** The type asked of (the query entity's type) or, failing that, of the first record it touched. */
    private static String recordType(AuditEvent event) {
        for (var entity : event.getEntity()) {
            if (entity.hasType()
                    && AuditEventBuilder.RESOURCE_TYPES.equals(entity.getType().getSystem())) {
                return entity.getType().getCode();
            }
        }
        for (var entity : event.getEntity()) {
            if ("4".equals(entity.getRole().getCode()) && entity.getWhat().hasReference()) {
                return new IdType(entity.getWhat().getReference()).getResourceType();
            }
        }
        return null;
    }

    private static String noun(String type) {
        return type == null ? "records" : NOUNS.getOrDefault(type, type);
    }

    private static String subtype(AuditEvent event, String system) {
        return event.getSubtype().stream()
                .filter(c -> system.equals(c.getSystem()))
                .map(Coding::getCode)
                .findFirst()
                .orElse(null);
    }

    private static String sentence(String words) {
        return words.isEmpty() ? words : words.substring(0, 1).toUpperCase(Locale.UK) + words.substring(1);
    }
}
