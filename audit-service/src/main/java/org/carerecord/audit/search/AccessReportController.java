package org.carerecord.audit.search;

import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.carerecord.audit.ledger.AuditEntry;
import org.carerecord.audit.ledger.GovernanceAudit;
import org.carerecord.security.audit.AuditVocabulary;
import org.carerecord.security.region.CareRegion;
import org.carerecord.security.token.NhsRoles;
import org.carerecord.security.token.PurposeOfUse;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /audit/access-report?patient=...}: "who looked at my record", in plain language, for the
 * patient (their own token) or for a privacy officer answering a subject access request.
 */
@RestController
public class AccessReportController {

    private static final int MAX_ENTRIES = 1_000;

    public record Entry(
            String when, String who, String organisation, String purpose, String what, boolean refused, String text) {}

    public record Report(String patient, int count, List<Entry> entries) {}

    private final AuditTrail trail;
    private final TrailAccess access;

    /** When each view happened, as the patient keeps time: the region's clock. */
    private final DateTimeFormatter when;

    public AccessReportController(AuditTrail trail, TrailAccess access, CareRegion region) {
        this.when =
                DateTimeFormatter.ofPattern("d MMMM yyyy 'at' HH:mm", Locale.UK).withZone(region.zone());
        this.trail = trail;
        this.access = access;
    }

    @GetMapping("/audit/access-report")
    public Report report(@RequestParam String patient) {
        access.check(patient, "access report");
        List<Entry> entries = trail.search(AuditTrail.Query.forPatient(patient, MAX_ENTRIES)).stream()
                .map(event -> entry(event, patient, when))
                .toList();
        return new Report(patient, entries.size(), entries);
    }

    private static Entry entry(AuditEvent event, String patient, DateTimeFormatter at) {
        AuditEntry e = AuditEntry.of(event);
        String when = at.format(e.recorded());
        boolean self = ("Patient/" + patient).equals(e.userReference());
        String who = self ? "You" : article(NhsRoles.name(e.userRole()));
        String organisation = e.organisation() == null ? (self ? "home" : "an unknown organisation") : e.organisation();
        String purpose =
                PurposeOfUse.parse(e.purpose()).map(PurposeOfUse::display).orElse("an unstated purpose");
        String what = switch (e.action() == null ? "E" : e.action()) {
            case "C" -> "added to";
            case "U" -> "updated";
            case "D" -> "removed from";
            default -> "looked at";
        };
        boolean refused = e.refused();
        if (GovernanceAudit.ACTIVITY_SYSTEM.equals(event.getType().getSystem())) {
            String reviewed =
                    GovernanceAudit.BREAK_GLASS_REVIEW.equals(event.getType().getCode())
                            ? "an emergency access to your record"
                            : "an alert about access to your record";
            return new Entry(
                    when,
                    NhsRoles.name(e.userRole()),
                    organisation,
                    purpose,
                    "reviewed",
                    false,
                    when + ": " + article(NhsRoles.name(e.userRole())) + " at " + organisation + " reviewed " + reviewed
                            + ".");
        }
        var reason = event.getExtensionByUrl(AuditVocabulary.BREAK_GLASS_REASON_EXTENSION);
        String text = self
                ? when + ": You " + what + " your own record."
                : when + ": " + who + " at " + organisation + (refused ? " tried to look at" : " " + what)
                        + " your record for " + purpose
                        + (reason == null
                                ? ""
                                : " (emergency access: " + reason.getValue().primitiveValue() + ")")
                        + (refused ? " and was refused" : "") + ".";
        return new Entry(when, self ? "you" : NhsRoles.name(e.userRole()), organisation, purpose, what, refused, text);
    }

    private static String article(String role) {
        return ("AEIOU".indexOf(role.charAt(0)) >= 0 ? "an " : "a ") + role;
    }
}
