package org.carerecord.idp.smart;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.stereotype.Component;

/**
 * Checks an authorization request as SMART App Launch requires, before anyone signs in and again after:
 * the redirect URI (exactly as registered, or a loopback one on any port); every scope askable by an app
 * (identity, launch context, user- and patient-level data) and, for the governance console, registered;
 * {@code aud} naming a FHIR server this provider issues tokens for; a {@code launch} that exists and
 * belongs to the signed-in user. Every refusal after the redirect URI is checked goes back to the app as an
 * OAuth error redirect ({@code error}, {@code error_description}, {@code state}).
 */
@Component
public class SmartAuthorizationValidator implements Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> {

    private final SmartProperties apps;
    /** Signed in: not anonymous (the request is checked before sign-in too, with an anonymous principal). */
    private static final AuthenticationTrustResolver SIGNED_IN = new AuthenticationTrustResolverImpl();

    private final Set<String> fhirBaseUrls;
    private final LaunchContexts launches;

    SmartAuthorizationValidator(SmartProperties properties, LaunchContexts launches) {
        this.apps = properties;
        this.fhirBaseUrls = Set.copyOf(properties.fhirBaseUrls().stream()
                .map(SmartAuthorizationValidator::trim)
                .toList());
        this.launches = launches;
    }

    @Override
    public void accept(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        RegisteredClient client = context.getRegisteredClient();
        if (!client.getRedirectUris().contains(request.getRedirectUri())) {
            OAuth2AuthorizationCodeRequestAuthenticationValidator.DEFAULT_REDIRECT_URI_VALIDATOR.accept(context);
        }
        if (!apps.isApp(client.getClientId())) {
            OAuth2AuthorizationCodeRequestAuthenticationValidator.DEFAULT_SCOPE_VALIDATOR.accept(context);
            return;
        }
        for (String scope : request.getScopes()) {
            if (!SmartScopes.askable(scope)) {
                throw refuse(
                        request, client, OAuth2ErrorCodes.INVALID_SCOPE, "This app may not ask for the scope " + scope);
            }
        }
        Map<String, Object> parameters = request.getAdditionalParameters();
        Object aud = parameters.get("aud");
        if (aud == null || !fhirBaseUrls.contains(trim(String.valueOf(aud)))) {
            throw refuse(
                    request,
                    client,
                    OAuth2ErrorCodes.INVALID_REQUEST,
                    aud == null
                            ? "aud is required: the base URL of the FHIR server the app will call"
                            : "aud does not name a FHIR server this identity provider issues tokens for");
        }
        Object launch = parameters.get("launch");
        Authentication user = (Authentication) request.getPrincipal();
        if (launch != null
                && SIGNED_IN.isAuthenticated(user)
                && launches.find(String.valueOf(launch), user.getName(), client.getClientId())
                        .isEmpty()) {
            throw refuse(
                    request,
                    client,
                    OAuth2ErrorCodes.INVALID_REQUEST,
                    "The launch is unknown, has expired, or was started by another user or for another app: launch the app again");
        }
        if (request.getScopes().contains("launch") && launch == null) {
            throw refuse(
                    request,
                    client,
                    OAuth2ErrorCodes.INVALID_REQUEST,
                    "The launch scope needs the launch parameter the EHR gave");
        }
    }

    private static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** An OAuth error sent back to the (already checked) redirect URI with the app's state. */
    private static OAuth2AuthorizationCodeRequestAuthenticationException refuse(
            OAuth2AuthorizationCodeRequestAuthenticationToken request,
            RegisteredClient client,
            String code,
            String description) {
        String redirect = request.getRedirectUri() != null
                ? request.getRedirectUri()
                : client.getRedirectUris().iterator().next();
        OAuth2AuthorizationCodeRequestAuthenticationToken result =
                new OAuth2AuthorizationCodeRequestAuthenticationToken(
                        request.getAuthorizationUri(),
                        request.getClientId(),
                        (Authentication) request.getPrincipal(),
                        redirect,
                        request.getState(),
                        request.getScopes(),
                        request.getAdditionalParameters());
        return new OAuth2AuthorizationCodeRequestAuthenticationException(
                new OAuth2Error(code, description, null), result);
    }
}
