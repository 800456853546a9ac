package org.carerecord.audit.console;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Every console page names the signed-in officer in its header. */
@ControllerAdvice(basePackageClasses = ConsoleModel.class)
public class ConsoleModel {

    @ModelAttribute("me")
    public ConsoleUser me(@AuthenticationPrincipal OidcUser user) {
        return user == null ? null : ConsoleUser.of(user);
    }
}
