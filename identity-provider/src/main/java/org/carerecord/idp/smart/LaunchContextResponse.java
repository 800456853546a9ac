package org.carerecord.idp.smart;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.carerecord.security.token.CareClaims;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.stereotype.Component;

/**
 * The token response a SMART app reads: {@code scope} as actually granted (the access token's, plus the
 * identity and context scopes), and the launch context — {@code patient}, {@code encounter},
 * {@code fhirContext}, {@code need_patient_banner} — taken from the access token just issued, so the response
 * and the token can never disagree.
 */
@Component
public class LaunchContextResponse implements Consumer<OAuth2AccessTokenAuthenticationContext> {

    static final String NEED_PATIENT_BANNER = "need_patient_banner";
    static final String ENCOUNTER = "encounter";

    private final OAuth2AuthorizationService authorizations;

    LaunchContextResponse(OAuth2AuthorizationService authorizations) {
        this.authorizations = authorizations;
    }

    @Override
    public void accept(OAuth2AccessTokenAuthenticationContext context) {
        OAuth2AccessTokenAuthenticationToken issued = context.getAuthentication();
        if (!issued.getRegisteredClient()
                .getAuthorizationGrantTypes()
                .contains(AuthorizationGrantType.AUTHORIZATION_CODE)) {
            return; // a system client (client credentials): no sign-in, no launch; skip the authorization lookup
        }
        OAuth2Authorization authorization =
                authorizations.findByToken(issued.getAccessToken().getTokenValue(), OAuth2TokenType.ACCESS_TOKEN);
        if (authorization == null
                || authorization.getAccessToken() == null
                || authorization.getAccessToken().getClaims() == null) {
            return;
        }
        Map<String, Object> claims = authorization.getAccessToken().getClaims();
        Set<String> scopes = new LinkedHashSet<>();
        issued.getAccessToken().getScopes().stream()
                .filter(SmartScopes.CONTEXT::contains)
                .forEach(scopes::add);
        Object granted = claims.get(CareClaims.SCOPE);
        if (granted instanceof String s && !s.isBlank()) {
            scopes.addAll(List.of(s.split(" ")));
        }
        context.getAccessTokenResponse().scopes(scopes);
        Map<String, Object> extra = new LinkedHashMap<>(issued.getAdditionalParameters());
        if (claims.get(CareClaims.PATIENT) instanceof String patient) {
            extra.put("patient", patient);
            extra.put(NEED_PATIENT_BANNER, !Boolean.FALSE.equals(claims.get(NEED_PATIENT_BANNER)));
        }
        if (claims.get(ENCOUNTER) instanceof String encounter) {
            extra.put("encounter", encounter);
            extra.put("fhirContext", List.of(Map.of("reference", "Encounter/" + encounter)));
        }
        context.getAccessTokenResponse().additionalParameters(extra);
    }
}
