package org.carerecord.idp.persona;

import java.time.Duration;
import java.util.Optional;
import org.carerecord.idp.smart.SmartProperties;
import org.carerecord.idp.smart.SmartScopes;
import org.carerecord.security.dev.DevCredentials;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.stereotype.Component;

/**
 * Every persona is a client-credentials client named after it, with its own secret; the governance console and
 * the registered SMART apps are the authorization-code clients, through which user personas sign in by name
 * and their own password.
 * Read-only: registration is not offered.
 */
@Component
class PersonaClientRepository implements RegisteredClientRepository {

    private final Personas personas;
    private final PersonaProperties.Console console;
    private final DevCredentials credentials;
    private final SmartProperties smart;

    public PersonaClientRepository(Personas personas, PersonaProperties properties, SmartProperties smart) {
        this.personas = personas;
        this.smart = smart;
        this.console = properties.console();
        this.credentials = new DevCredentials(properties.masterSecret());
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
        if (console != null && console.clientId().equals(clientId)) {
            return consoleClient();
        }
        Optional<SmartProperties.App> app = smart.app(clientId);
        if (app.isPresent()) {
            return smartApp(app.get());
        }
        return personas.find(clientId).map(this::toClient).orElse(null);
    }

    /** Each client its own secret: one leaked (a service's environment) mints no other client's tokens. */
    private String secretOf(String clientId) {
        return "{noop}" + credentials.clientSecret(clientId);
    }

    private RegisteredClient consoleClient() {
        return RegisteredClient.withId(console.clientId())
                .clientId(console.clientId())
                .clientSecret(secretOf(console.clientId()))
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(console.redirectUri())
                .scope(OidcScopes.OPENID)
                .scope(OidcScopes.PROFILE)
                .scopes(s -> s.addAll(console.scopes()))
                // PKCE as well as the secret: a code intercepted on the way back is useless on its own
                .clientSettings(ClientSettings.builder()
                        .requireProofKey(true)
                        .requireAuthorizationConsent(false)
                        .build())
                // a governance session is short; signing in again costs a click while the IdP session lasts
                .tokenSettings(TokenSettings.builder()
                        .accessTokenTimeToLive(Duration.ofMinutes(30))
                        .build())
                .build();
    }

    /**
     * A SMART app: authorization code with PKCE (S256) always, a secret only if confidential, refresh tokens
     * when it asks for offline or online access. Its data scopes are whatever SMART allows an app to ask;
     * what a sign-in grants is the signed-in user's ({@code SmartScopes.grant}).
     */
    private RegisteredClient smartApp(SmartProperties.App app) {
        RegisteredClient.Builder client = RegisteredClient.withId(app.clientId())
                .clientId(app.clientId())
                .clientName(app.name())
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUris(uris -> uris.addAll(app.redirectUris()))
                .scopes(s -> s.addAll(SmartScopes.CONTEXT))
                .clientSettings(ClientSettings.builder()
                        .requireProofKey(true)
                        .requireAuthorizationConsent(false)
                        .build())
                .tokenSettings(TokenSettings.builder()
                        .accessTokenTimeToLive(Duration.ofMinutes(60))
                        .refreshTokenTimeToLive(Duration.ofHours(8))
                        .reuseRefreshTokens(false)
                        .build());
        if (app.confidential()) {
            client.clientSecret(secretOf(app.clientId()))
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST);
        } else {
            client.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
        }
        return client.build();
    }

    private RegisteredClient toClient(Persona persona) {
        return RegisteredClient.withId(persona.id())
                .clientId(persona.id())
                .clientSecret(secretOf(persona.id()))
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scopes(s -> s.addAll(persona.scopes()))
                .tokenSettings(TokenSettings.builder()
                        .accessTokenTimeToLive(Duration.ofHours(1))
                        .build())
                .build();
    }
}
