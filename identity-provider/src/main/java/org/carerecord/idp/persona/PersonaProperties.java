package org.carerecord.idp.persona;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param clientSecret the shared development secret of every persona client; never committed, the
 *                     launcher generates one per run
 * @param personas     the fixed personas from DESIGN.md
 * @param patientScopes scopes of the {@code patient.<id>} personas, which are made on demand
 * @param console       the governance console, the one browser application users sign in to
 */
@ConfigurationProperties("care.idp")
public record PersonaProperties(
        String issuer, String clientSecret, List<Persona> personas, List<String> patientScopes, Console console) {

    /**
     * @param clientId    its OAuth2 client id (a confidential client: it holds the install's secret)
     * @param redirectUri where the identity provider sends the browser back with the authorization code
     * @param scopes      what a session may ask for; the console itself decides who may use it
     */
    public record Console(String clientId, String redirectUri, List<String> scopes) {
    }
}
