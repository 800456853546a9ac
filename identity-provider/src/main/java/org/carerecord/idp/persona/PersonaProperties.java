package org.carerecord.idp.persona;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param masterSecret the install's generated master secret, from which every client's secret and every
 *                     user's password is derived ({@code DevCredentials}); never committed
 * @param personas     the fixed personas from DESIGN.md
 * @param patientScopes scopes of the {@code patient.<id>} personas, which are made on demand
 * @param console       the governance console, the one browser application users sign in to
 */
@ConfigurationProperties("care.idp")
public record PersonaProperties(
        String issuer, String masterSecret, List<Persona> personas, List<String> patientScopes, Console console) {

    /**
     * @param clientId    its OAuth2 client id (a confidential client with its own derived secret)
     * @param redirectUri where the identity provider sends the browser back with the authorization code
     * @param scopes      what a session may ask for; the console itself decides who may use it
     */
    public record Console(String clientId, String redirectUri, List<String> scopes) {}
}
