package org.carerecord.idp.persona;

import java.time.Duration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.stereotype.Component;

/** Every persona is a client-credentials client named after it. Read-only: registration is not offered. */
@Component
public class PersonaClientRepository implements RegisteredClientRepository {

    private final Personas personas;
    private final String secret;

    public PersonaClientRepository(Personas personas, PersonaProperties properties) {
        if (properties.clientSecret() == null || properties.clientSecret().length() < 16) {
            throw new IllegalStateException(
                    "care.idp.client-secret (CARE_IDP_CLIENT_SECRET) must be set to at least 16 characters");
        }
        this.personas = personas;
        this.secret = "{noop}" + properties.clientSecret();
    }

    @Override
    public void save(RegisteredClient registeredClient) {
        // Called to upgrade the secret's encoding after a successful login; personas are configuration,
        // so there is nothing to store.
    }

    @Override
    public RegisteredClient findById(String id) {
        return findByClientId(id);
    }

    @Override
    public RegisteredClient findByClientId(String clientId) {
        return personas.find(clientId).map(this::toClient).orElse(null);
    }

    private RegisteredClient toClient(Persona persona) {
        return RegisteredClient.withId(persona.id())
                .clientId(persona.id())
                .clientSecret(secret)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scopes(s -> s.addAll(persona.scopes()))
                .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(Duration.ofHours(1)).build())
                .build();
    }

}
