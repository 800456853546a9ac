package org.carerecord.audit.console;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/** What a signed-in user without a governance role sees, and the page after signing out. */
@Controller
public class SignInPages {

    @RequestMapping("/refused")
    public String refused(HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        return "refused";
    }

    @GetMapping("/signed-out")
    public String signedOut() {
        return "signed-out";
    }
}
