package org.carerecord.idp.persona;

import java.util.List;
import org.carerecord.security.token.CareClaims;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.stereotype.Component;

/**
 * Shapes access tokens as the services expect (RFC 9068 style): audience {@code care-record}, scope
 * as one space-separated string, and the persona's role, organisation, FHIR identity and purpose.
 * A client that asks for no scope gets all of its persona's scopes.
 */
@Component
public class PersonaTokenCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

    private final Personas personas;

    public PersonaTokenCustomizer(Personas personas) {
        this.personas = personas;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            return;
        }
        Persona persona = personas.find(context.getRegisteredClient().getClientId()).orElseThrow();
        List<String> scopes = context.getAuthorizedScopes().isEmpty()
                ? persona.scopes() : List.copyOf(context.getAuthorizedScopes());
        context.getClaims().claims(claims -> {
            claims.put("aud", List.of(CareClaims.AUDIENCE));
            claims.put(CareClaims.SCOPE, String.join(" ", scopes));
            claims.put(CareClaims.CLIENT_ID, persona.id());
            putIfPresent(claims, CareClaims.FHIR_USER, persona.fhirUser());
            putIfPresent(claims, CareClaims.NHS_ROLE, persona.nhsRole());
            putIfPresent(claims, CareClaims.ORG, persona.org());
            putIfPresent(claims, CareClaims.PURPOSE_OF_USE, persona.purposeOfUse());
            putIfPresent(claims, CareClaims.PATIENT, persona.patient());
        });
    }

    private static void putIfPresent(java.util.Map<String, Object> claims, String name, String value) {
        if (value != null) {
            claims.put(name, value);
        }
    }
}
