package org.carerecord.audit.console;

import org.carerecord.audit.integrity.IntegrityChecks;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The trail's hash chain: the last verification and a button to run it again. */
@Controller
public class IntegrityPages {

    private final IntegrityChecks checks;

    private final ConsoleTime time;

    public IntegrityPages(IntegrityChecks checks, ConsoleTime time) {
        this.checks = checks;
        this.time = time;
    }

    @GetMapping("/integrity")
    public String show(Model model) {
        IntegrityChecks.Run last = checks.last().orElse(null);
        model.addAttribute("last", last);
        model.addAttribute("running", checks.running().orElse(null));
        model.addAttribute("when", last == null ? null : time.format(last.at()));
        return "integrity";
    }

    @PostMapping("/integrity/verify")
    public String verify(
            @AuthenticationPrincipal OidcUser user,
            @org.springframework.web.bind.annotation.RequestParam(defaultValue = "false") boolean wholeChain,
            RedirectAttributes redirect) {
        if (!checks.start(user.getSubject(), wholeChain)) {
            redirect.addFlashAttribute("error", "A verification is under way already; its progress is below");
        }
        return "redirect:/integrity";
    }
}
