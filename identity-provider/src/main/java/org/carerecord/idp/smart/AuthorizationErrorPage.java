package org.carerecord.idp.smart;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Where an authorization request fails. With a redirect URI already checked against the app's registration,
 * the app hears it the OAuth way: a redirect with {@code error}, {@code error_description} and its
 * {@code state}. Without one (an unknown app, a redirect URI it never registered) nothing may be sent to the
 * URI it named, so the user gets a plain page saying what went wrong, status 400 — never a framework page.
 */
public final class AuthorizationErrorPage implements AuthenticationFailureHandler {

    @Override
    public void onAuthenticationFailure(
            HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        OAuth2Error error = exception instanceof OAuth2AuthenticationException oauth
                ? oauth.getError()
                : new OAuth2Error("invalid_request", exception.getMessage(), null);
        if (exception instanceof OAuth2AuthorizationCodeRequestAuthenticationException codeRequest
                && codeRequest.getAuthorizationCodeRequestAuthentication() != null
                && codeRequest.getAuthorizationCodeRequestAuthentication().getRedirectUri() != null) {
            var failed = codeRequest.getAuthorizationCodeRequestAuthentication();
            UriComponentsBuilder redirect = UriComponentsBuilder.fromUriString(failed.getRedirectUri())
                    .queryParam("error", error.getErrorCode());
            if (error.getDescription() != null) {
                redirect.queryParam("error_description", error.getDescription());
            }
            if (failed.getState() != null) {
                redirect.queryParam("state", failed.getState());
            }
            response.sendRedirect(redirect.encode().build().toUriString());
            return;
        }
        response.setStatus(400);
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        String description = error.getDescription() == null ? error.getErrorCode() : error.getDescription();
        response.getWriter()
                .write("""
                <!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Sign-in cannot continue</title><link rel="stylesheet" href="/idp.css"></head>
                <body><main class="idp-main"><h1>Sign-in cannot continue</h1>
                <p>The application that sent you here is not registered with the care record, or asked for
                something it may not have. Nothing has been shared with it.</p>
                <p class="idp-detail">%s: %s</p>
                <p>Go back to the application and try again, or contact your IT service desk.</p></main></body></html>
                """.formatted(HtmlUtils.htmlEscape(error.getErrorCode()), HtmlUtils.htmlEscape(description)));
    }
}
