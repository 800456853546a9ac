package org.carerecord.audit.console;

import org.carerecord.audit.alerts.AccessAlerts;
import org.carerecord.audit.ledger.GovernanceAudit;
import org.carerecord.audit.search.AuditTrail;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Unusual-access alerts: the open ones (or all), one with the records behind it, and closing it with a note. */
@Controller
public class AlertPages {

    private final AccessAlerts alerts;
    private final AuditTrail trail;
    private final GovernanceAudit governance;

    private final ConsoleTime time;

    public AlertPages(AccessAlerts alerts, AuditTrail trail, GovernanceAudit governance, ConsoleTime time) {
        this.time = time;
        this.alerts = alerts;
        this.trail = trail;
        this.governance = governance;
    }

    @GetMapping("/alerts")
    public String list(
            @RequestParam(defaultValue = "false") boolean all,
            @RequestParam(required = false) String rule,
            Model model) {
        model.addAttribute("all", all);
        model.addAttribute("rule", rule);
        model.addAttribute("alerts", alerts.list(!all, TrailFilter.blankToNull(rule), 200));
        return "alerts";
    }

    @GetMapping("/alerts/{id}")
    public String one(@PathVariable long id, Model model) {
        AccessAlerts.Stored alert =
                alerts.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No alert " + id));
        model.addAttribute("alert", alert);
        model.addAttribute(
                "rows", trail.findAll(alert.eventIds()).stream().map(time::row).toList());
        return "alert";
    }

    @PostMapping("/alerts/{id}/close")
    public String close(
            @PathVariable long id,
            @RequestParam(required = false) String note,
            @AuthenticationPrincipal OidcUser user,
            RedirectAttributes redirect) {
        if (note == null || note.isBlank()) {
            redirect.addFlashAttribute("error", "Say what you found, in the note, before closing the alert");
            return "redirect:/alerts/" + id;
        }
        AccessAlerts.Stored alert = alerts.find(id).orElse(null);
        if (alert == null || !alerts.close(id, user.getSubject(), note.strip())) {
            redirect.addFlashAttribute("error", "That alert was closed already");
            return "redirect:/alerts/" + id;
        }
        governance.record(
                ConsoleUser.of(user).asReviewer(),
                GovernanceAudit.ALERT_CLOSED,
                "alert/" + id,
                alert.patientId(),
                "Closed " + alert.rule() + " alert about " + alert.userId() + ": " + note.strip());
        redirect.addFlashAttribute("done", "Alert closed");
        return "redirect:/alerts";
    }
}
