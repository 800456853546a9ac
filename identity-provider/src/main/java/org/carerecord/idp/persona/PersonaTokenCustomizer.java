package org.carerecord.idp.persona;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.carerecord.idp.smart.LaunchContext;
import org.carerecord.idp.smart.LaunchContexts;
import org.carerecord.idp.smart.SmartScopes;
import org.carerecord.security.token.CareClaims;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
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
 * claims, limited to the scopes both the app asked for and the persona holds ({@code SmartScopes.grant}), and
 * a SMART app's launch context ({@code patient}, {@code encounter}). The ID token names the user and their
 * role, so the console can greet them and refuse the wrong role, and carries {@code fhirUser} when asked.
 */
@Component
public class PersonaTokenCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

    private final Personas personas;
    private final LaunchContexts launches;

    public PersonaTokenCustomizer(Personas personas, LaunchContexts launches) {
        this.personas = personas;
        this.launches = launches;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        boolean signedInUser = AuthorizationGrantType.AUTHORIZATION_CODE.equals(context.getAuthorizationGrantType())
                || AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType());
        Persona persona = personas.find(
                        signedInUser
                                ? context.getPrincipal().getName()
                                : context.getRegisteredClient().getClientId())
                .orElseThrow();
        if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
            context.getClaims().claims(claims -> {
                putIfPresent(claims, "name", persona.name());
                if (context.getAuthorizedScopes().contains(CareClaims.FHIR_USER)) {
                    putIfPresent(claims, CareClaims.FHIR_USER, persona.fhirUser());
                }
                putIfPresent(claims, CareClaims.NHS_ROLE, persona.nhsRole());
                putIfPresent(claims, CareClaims.ORG, persona.org());
            });
            return;
        }
        if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            return;
        }
        List<String> scopes = signedInUser
                ? SmartScopes.grant(context.getAuthorizedScopes(), persona.scopes())
                : context.getAuthorizedScopes().isEmpty()
                        ? persona.scopes()
                        : List.copyOf(context.getAuthorizedScopes());
        Optional<LaunchContext> launch = signedInUser ? launchOf(context, persona) : Optional.empty();
        context.getClaims().claims(claims -> {
            claims.put("aud", audience(context));
            claims.put(CareClaims.SCOPE, String.join(" ", scopes));
            claims.put(CareClaims.CLIENT_ID, context.getRegisteredClient().getClientId());
            putIfPresent(claims, CareClaims.FHIR_USER, persona.fhirUser());
            putIfPresent(claims, CareClaims.NHS_ROLE, persona.nhsRole());
            putIfPresent(claims, CareClaims.ORG, persona.org());
            putIfPresent(claims, CareClaims.PURPOSE_OF_USE, persona.purposeOfUse());
            putIfPresent(claims, CareClaims.PATIENT, persona.patient());
            launch.ifPresent(l -> {
                // a patient's own token keeps its own record as the context, whatever a launch said
                claims.putIfAbsent(CareClaims.PATIENT, l.patient());
                putIfPresent(claims, "encounter", l.encounter());
                claims.put("need_patient_banner", l.needPatientBanner());
            });
        });
    }

    /**
     * The launch the app's authorization request named, for the user who launched it; on a refresh, the
     * context of the token being refreshed (the launch id itself expires within minutes).
     */
    private Optional<LaunchContext> launchOf(JwtEncodingContext context, Persona persona) {
        OAuth2Authorization authorization = context.getAuthorization();
        if (authorization == null) {
            return Optional.empty();
        }
        if (AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType())
                && authorization.getAccessToken() != null
                && authorization.getAccessToken().getClaims() != null) {
            Map<String, Object> previous = authorization.getAccessToken().getClaims();
            return previous.get(CareClaims.PATIENT) instanceof String patient
                    ? Optional.of(new LaunchContext(
                            persona.id(),
                            context.getRegisteredClient().getClientId(),
                            patient,
                            (String) previous.get("encounter"),
                            !Boolean.FALSE.equals(previous.get("need_patient_banner")),
                            java.time.Instant.MAX))
                    : Optional.empty();
        }
        OAuth2AuthorizationRequest request = authorization.getAttribute(OAuth2AuthorizationRequest.class.getName());
        Object launch =
                request == null ? null : request.getAdditionalParameters().get("launch");
        if (launch == null || !OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            return Optional.empty();
        }
        // fail closed: a token without the context its app was launched with would reach past that patient
        return Optional.of(launches.redeem(
                        String.valueOf(launch),
                        persona.id(),
                        context.getRegisteredClient().getClientId())
                .orElseThrow(() -> new OAuth2AuthenticationException(new OAuth2Error(
                        OAuth2ErrorCodes.INVALID_GRANT,
                        "The launch has expired or was used already: launch the app again",
                        null))));
    }

    /** {@code care-record} for every service; a SMART app's token also names the FHIR server it asked for ({@code aud}). */
    private static List<String> audience(JwtEncodingContext context) {
        OAuth2Authorization authorization = context.getAuthorization();
        OAuth2AuthorizationRequest request =
                authorization == null ? null : authorization.getAttribute(OAuth2AuthorizationRequest.class.getName());
        Object aud = request == null ? null : request.getAdditionalParameters().get("aud");
        return aud == null ? List.of(CareClaims.AUDIENCE) : List.of(CareClaims.AUDIENCE, String.valueOf(aud));
    }

    private static void putIfPresent(Map<String, Object> claims, String name, String value) {
        if (value != null) {
            claims.put(name, value);
        }
    }
}
