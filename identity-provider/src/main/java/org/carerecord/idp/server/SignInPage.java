package org.carerecord.idp.server;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The sign-in and sign-out pages, in the region's style rather than Spring Security's bare forms (which it stops
 * generating once a page of our own is named): who this dev identity provider is for, the two fields, and the reason
 * a sign-in failed; a sign-out confirmation. Spring Security still handles {@code POST /login} and {@code /logout}.
 */
@Controller
class SignInPage {

    @GetMapping("/login")
    String signIn() {
        return "login";
    }

    @GetMapping("/logout")
    String signOut() {
        return "logout";
    }
}
