package org.carerecord.idp.server;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The sign-in page, in the region's style rather than Spring Security's bare form: who this dev identity provider
 * is for, the two fields, and the reason a sign-in failed. Spring Security still handles {@code POST /login}.
 */
@Controller
class SignInPage {

    @GetMapping("/login")
    String signIn() {
        return "login";
    }
}
