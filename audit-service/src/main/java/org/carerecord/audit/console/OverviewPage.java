package org.carerecord.audit.console;

import org.carerecord.audit.alerts.AccessAlerts;
import org.carerecord.audit.integrity.IntegrityChecks;
import org.carerecord.audit.overview.TrailStatistics;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.annotation.RegisteredOAuth2AuthorizedClient;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.client.RestClientException;

/** The landing page: what needs attention (unreviewed break-glass, open alerts, integrity) and the charts. */
@Controller
public class OverviewPage {

    private final TrailStatistics statistics;
    private final AccessAlerts alerts;
    private final IntegrityChecks integrity;
    private final ConsentServiceClient consent;

    public OverviewPage(
            TrailStatistics statistics, AccessAlerts alerts, IntegrityChecks integrity, ConsentServiceClient consent) {
        this.statistics = statistics;
        this.alerts = alerts;
        this.integrity = integrity;
        this.consent = consent;
    }

    @GetMapping("/")
    public String overview(
            @RequestParam(defaultValue = "14") int days,
            Model model,
            @RegisteredOAuth2AuthorizedClient(ConsoleSecurityConfig.SIGN_IN) OAuth2AuthorizedClient officer) {
        model.addAttribute("overview", statistics.overview(Math.max(1, Math.min(days, 31))));
        model.addAttribute("openAlerts", alerts.countOpen());
        model.addAttribute("integrity", integrity.last().orElse(null));
        Integer unreviewed;
        try {
            unreviewed = consent.breakGlass(officer, true).size();
        } catch (RestClientException e) {
            unreviewed = null; // shown as "unavailable"
        }
        model.addAttribute("unreviewed", unreviewed);
        return "overview";
    }
}
