package org.carerecord.audit.console;

import java.time.format.DateTimeFormatter;
import java.util.List;
import org.carerecord.audit.ledger.AuditEntry;
import org.carerecord.security.audit.AuditVocabulary;
import org.carerecord.security.token.NhsRoles;
import org.carerecord.security.token.PurposeOfUse;
import org.hl7.fhir.r4.model.AuditEvent;

/** One audit record as the console shows it: in words, with the consent decision and any flags. */
public record TrailRow(
        String eventId,
        String when,
        String user,
        String role,
        String organisation,
        String action,
        String outcome,
        boolean refused,
        String purpose,
        List<String> patients,
        String patientLabel,
        String decision,
        String decisionId,
        String breakGlassReason,
        String statedRelationship,
        String query,
        String detail) {

    /** The record as listed, its time written by {@code when} (see ConsoleTime), its patients named by {@code labels}. */
    static TrailRow of(AuditEvent event, DateTimeFormatter when, PatientLabels labels) {
        AuditEntry e = AuditEntry.of(event);
        String query = event.getEntity().stream()
                .filter(x -> x.hasQuery())
                .map(x -> new String(x.getQuery(), java.nio.charset.StandardCharsets.UTF_8))
                .findFirst()
                .orElse(null);
        return new TrailRow(
                e.eventId(),
                when.format(e.recorded()),
                e.userId(),
                e.userRole() == null ? "system" : e.userRole() + " " + NhsRoles.name(e.userRole()),
                e.organisation(),
                ActionWords.of(event),
                outcomeText(e.outcome()),
                e.refused(),
                PurposeOfUse.parse(e.purpose())
                        .map(p -> p.name() + " (" + p.display() + ")")
                        .orElse(e.purpose()),
                e.patientIds(),
                labels.of(e.patientIds()),
                extension(event, AuditVocabulary.DECISION_EXTENSION),
                extension(event, AuditVocabulary.DECISION_ID_EXTENSION),
                extension(event, AuditVocabulary.BREAK_GLASS_REASON_EXTENSION),
                extension(event, AuditVocabulary.CLAIMED_RELATIONSHIP_EXTENSION),
                query,
                event.getOutcomeDesc());
    }

    private static String outcomeText(String code) {
        return switch (code == null ? "0" : code) {
            case "0" -> "Success";
            case "4" -> "Refused";
            case "8" -> "Failed";
            default -> "Failed (" + code + ")";
        };
    }

    private static String extension(AuditEvent event, String url) {
        var extension = event.getExtensionByUrl(url);
        return extension == null ? null : extension.getValue().primitiveValue();
    }
}
