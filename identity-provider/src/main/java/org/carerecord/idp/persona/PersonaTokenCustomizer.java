package org.carerecord.idp.persona;

import java.util.List;
import java.util.Map;
import org.carerecord.security.token.CareClaims;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.stereotype.Component;

/**
 * Shapes access tokens as the services expect (RFC 9068 style): audience {@code care-record}, scope
 * as one space-separated string, and the persona's role, organisation, FHIR identity and purpose.
 * A client that asks for no scope gets all of its persona's scopes.
 *
 * <p>With the client-credentials grant the persona is the client; when a user signs in to the governance
 * console (authorization code) the persona is the signed-in user, and the token carries the user's
 * claims, limited to the scopes both the console asked for and the persona holds. The ID token names
 * the user and their role, so the console can greet them and refuse the wrong role.
 */
@Component
public class PersonaTokenCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

    private final Personas personas;

    public PersonaTokenCustomizer(Personas personas) {
        this.personas = personas;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        boolean signedInUser = AuthorizationGrantType.AUTHORIZATION_CODE.equals(context.getAuthorizationGrantType())
                || AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType());
        Persona persona = personas.find(signedInUser
                ? context.getPrincipal().getName() : context.getRegisteredClient().getClientId()).orElseThrow();
        if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
            context.getClaims().claims(claims -> {
                putIfPresent(claims, "name", persona.name());
                putIfPresent(claims, CareClaims.NHS_ROLE, persona.nhsRole());
                putIfPresent(claims, CareClaims.ORG, persona.org());
            });
            return;
        }
        if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            return;
        }
        List<String> scopes = signedInUser
                ? context.getAuthorizedScopes().stream()
                        .filter(s -> !OidcScopes.OPENID.equals(s) && !OidcScopes.PROFILE.equals(s))
                        .filter(persona.scopes()::contains).toList()
                : context.getAuthorizedScopes().isEmpty() ? persona.scopes() : List.copyOf(context.getAuthorizedScopes());
        context.getClaims().claims(claims -> {
            claims.put("aud", List.of(CareClaims.AUDIENCE));
            claims.put(CareClaims.SCOPE, String.join(" ", scopes));
            claims.put(CareClaims.CLIENT_ID, context.getRegisteredClient().getClientId());
            putIfPresent(claims, CareClaims.FHIR_USER, persona.fhirUser());
            putIfPresent(claims, CareClaims.NHS_ROLE, persona.nhsRole());
            putIfPresent(claims, CareClaims.ORG, persona.org());
            putIfPresent(claims, CareClaims.PURPOSE_OF_USE, persona.purposeOfUse());
            putIfPresent(claims, CareClaims.PATIENT, persona.patient());
        });
    }

    private static void putIfPresent(Map<String, Object> claims, String name, String value) {
        if (value != null) {
            claims.put(name, value);
        }
    }
}
