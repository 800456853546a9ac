package org.carerecord.audit.console;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.carerecord.audit.ledger.GovernanceAudit;
import org.carerecord.audit.search.AuditTrail;
import org.carerecord.security.decision.BreakGlassGrant;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.annotation.RegisteredOAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.client.RestClientException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The break-glass review queue: each emergency access with its reason, its window and the records the
 * user opened inside it (from the trail); the officer marks it justified or escalates it, with a note.
 * The grant and its review live in consent-service; the review is also written into the trail here.
 */
@Controller
public class BreakGlassPages {

    /** The reviewer's three answers, as the form offers them, and consent-service's words for them. */
    static final Map<String, String> VERDICTS = Map.of(
            "appropriate", "Justified", "needs-follow-up", "Escalated for follow-up", "inappropriate", "Not justified");

    /** A grant with the records it covered. */
    public record Entry(
            BreakGlassGrant grant, String granted, String expires, List<TrailRow> records, String verdict) {}

    private static final int MAX_RECORDS_SHOWN = 50;

    private final ConsentServiceClient consent;
    private final AuditTrail trail;
    private final GovernanceAudit governance;

    private final ConsoleTime time;

    public BreakGlassPages(
            ConsentServiceClient consent, AuditTrail trail, GovernanceAudit governance, ConsoleTime time) {
        this.time = time;
        this.consent = consent;
        this.trail = trail;
        this.governance = governance;
    }

    @GetMapping("/break-glass")
    public String queue(
            @RequestParam(defaultValue = "false") boolean all,
            Model model,
            @RegisteredOAuth2AuthorizedClient(ConsoleSecurityConfig.SIGN_IN) OAuth2AuthorizedClient officer) {
        model.addAttribute("all", all);
        try {
            model.addAttribute(
                    "entries",
                    consent.breakGlass(officer, !all).stream().map(this::entry).toList());
        } catch (RestClientException e) {
            model.addAttribute("entries", List.of());
            model.addAttribute(
                    "problem",
                    "consent-service, which holds the break-glass grants, could not be reached. Try again shortly.");
        }
        return "break-glass";
    }

    @PostMapping("/break-glass/{id}/review")
    public String review(
            @PathVariable UUID id,
            @RequestParam(required = false) String verdict,
            @RequestParam(required = false) String note,
            @AuthenticationPrincipal OidcUser user,
            @RegisteredOAuth2AuthorizedClient(ConsoleSecurityConfig.SIGN_IN) OAuth2AuthorizedClient officer,
            RedirectAttributes redirect) {
        if (verdict == null || !VERDICTS.containsKey(verdict)) {
            redirect.addFlashAttribute("error", "Choose whether the emergency access was justified");
            redirect.addFlashAttribute("errorFor", id.toString());
            return "redirect:/break-glass";
        }
        if (!"appropriate".equals(verdict) && (note == null || note.isBlank())) {
            redirect.addFlashAttribute("error", "Say why, in the note, when access is escalated or not justified");
            redirect.addFlashAttribute("errorFor", id.toString());
            return "redirect:/break-glass";
        }
        BreakGlassGrant grant = consent.breakGlass(officer, id).orElse(null);
        if (grant == null || !consent.review(officer, id, verdict, note)) {
            redirect.addFlashAttribute("error", "That emergency access was already reviewed, or no longer exists");
            return "redirect:/break-glass";
        }
        governance.record(
                ConsoleUser.of(user).asReviewer(),
                GovernanceAudit.BREAK_GLASS_REVIEW,
                "break-glass/" + id,
                grant.patientId(),
                VERDICTS.get(verdict) + ": break-glass by " + grant.subject()
                        + (note == null || note.isBlank() ? "" : " — " + note.strip()));
        redirect.addFlashAttribute(
                "done",
                "Review recorded: " + VERDICTS.get(verdict) + " (break-glass by " + grant.subject() + " for patient "
                        + grant.patientId() + ")");
        return "redirect:/break-glass";
    }

    private Entry entry(BreakGlassGrant grant) {
        List<TrailRow> records = trail
                .search(new AuditTrail.Query(
                        grant.patientId(),
                        grant.subject(),
                        null,
                        null,
                        null,
                        null,
                        grant.grantedAt().minusSeconds(5),
                        grant.expiresAt(),
                        MAX_RECORDS_SHOWN,
                        0,
                        true))
                .stream()
                .map(time::row)
                .toList();
        return new Entry(
                grant,
                time.format(grant.grantedAt()),
                time.format(grant.expiresAt()),
                records,
                grant.reviewOutcome() == null ? null : VERDICTS.get(grant.reviewOutcome()));
    }
}
