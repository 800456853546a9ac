package org.carerecord.idp.persona;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param clientSecret the shared development secret of every persona client; never committed, the
 *                     launcher generates one per run
 * @param personas     the fixed personas from DESIGN.md
 * @param patientScopes scopes of the {@code patient.<id>} personas, which are made on demand
 */
@ConfigurationProperties("care.idp")
public record PersonaProperties(
        String issuer, String clientSecret, List<Persona> personas, List<String> patientScopes) {
}
