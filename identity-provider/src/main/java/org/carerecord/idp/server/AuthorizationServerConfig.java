package org.carerecord.idp.server;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.UUID;
import org.carerecord.idp.persona.PersonaProperties;
import org.carerecord.idp.persona.PersonaTokenCustomizer;
import org.carerecord.idp.persona.Personas;
import org.carerecord.idp.smart.AuthorizationErrorPage;
import org.carerecord.idp.smart.LaunchContextResponse;
import org.carerecord.idp.smart.LoopbackConsent;
import org.carerecord.idp.smart.OnlineAccessSessions;
import org.carerecord.idp.smart.PublicClientRefresh;
import org.carerecord.idp.smart.RefreshTokens;
import org.carerecord.idp.smart.SmartAuthorizationValidator;
import org.carerecord.idp.smart.SmartProperties;
import org.carerecord.idp.smart.StandaloneLaunchRedirect;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.session.SessionRegistryImpl;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AccessTokenResponseAuthenticationSuccessHandler;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.preauth.AbstractPreAuthenticatedProcessingFilter;
import org.springframework.security.web.session.HttpSessionEventPublisher;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.web.cors.CorsConfigurationSource;

/**
 * Token, authorization, introspection, JWKS and OIDC discovery endpoints; the sign-in page users reach from
 * the governance console and SMART apps; the simulated clinical system. The signing key is made at start-up
 * and lives in memory: a restarted dev identity provider invalidates earlier tokens, which is what a dev wants.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SmartProperties.class)
public class AuthorizationServerConfig {

    @Bean
    @Order(1)
    SecurityFilterChain authorizationServerChain(
            HttpSecurity http,
            SmartAuthorizationValidator smartRequests,
            LaunchContextResponse launchContext,
            RegisteredClientRepository clients,
            SmartProperties smart,
            Personas personas,
            CorsConfigurationSource registeredOrigins,
            OAuth2AuthorizationService authorizations,
            SessionRegistry sessions,
            AuthorizationServerSettings settings)
            throws Exception {
        OAuth2AuthorizationServerConfigurer authorizationServer =
                OAuth2AuthorizationServerConfigurer.authorizationServer();
        OAuth2AccessTokenResponseAuthenticationSuccessHandler tokenResponse =
                new OAuth2AccessTokenResponseAuthenticationSuccessHandler();
        tokenResponse.setAccessTokenResponseCustomizer(launchContext);
        http.securityMatcher(authorizationServer.getEndpointsMatcher())
                .with(
                        authorizationServer,
                        server -> server.oidc(Customizer.withDefaults())
                                .authorizationEndpoint(endpoint -> endpoint.authenticationProviders(providers ->
                                                providers.forEach(provider -> {
                                                    if (provider
                                                            instanceof
                                                            OAuth2AuthorizationCodeRequestAuthenticationProvider
                                                                    codeRequests) {
                                                        codeRequests.setAuthenticationValidator(smartRequests);
                                                        codeRequests.setAuthorizationConsentRequired(
                                                                LoopbackConsent::required);
                                                    }
                                                }))
                                        .errorResponseHandler(new AuthorizationErrorPage()))
                                .tokenEndpoint(endpoint -> endpoint.accessTokenResponseHandler(tokenResponse))
                                .clientAuthentication(
                                        auth -> auth.authenticationConverter(PublicClientRefresh.converter())
                                                .authenticationProvider(PublicClientRefresh.provider(clients))))
                // browser apps call the token, JWKS and discovery endpoints from their own origin
                .cors(cors -> cors.configurationSource(registeredOrigins))
                // where Spring Authorization Server puts its authorization endpoint; added first, so it runs first
                .addFilterBefore(
                        new StandaloneLaunchRedirect(
                                smart,
                                user -> personas.find(user)
                                        .map(p -> p.patient() == null)
                                        .orElse(false)),
                        AbstractPreAuthenticatedProcessingFilter.class)
                .addFilterBefore(
                        new OnlineAccessSessions(authorizations, sessions, settings.getTokenEndpoint()),
                        AbstractPreAuthenticatedProcessingFilter.class)
                .authorizeHttpRequests(auth -> auth.anyRequest().authenticated())
                // a browser that is not signed in yet is sent to the sign-in page; API clients get a 401
                .exceptionHandling(errors -> errors.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/login"),
                        new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain signInChain(
            HttpSecurity http, CorsConfigurationSource registeredOrigins, SessionRegistry sessions) throws Exception {
        // preflights of the token endpoint (POST-only in the chain above) arrive here
        http.cors(cors -> cors.configurationSource(registeredOrigins))
                .authorizeHttpRequests(auth -> auth.requestMatchers(
                                "/actuator/health/**", "/actuator/health", "/error", "/login", "/idp.css")
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                // our own page (SignInPage) in the region's style; Spring Security still takes the POST
                .formLogin(form -> form.loginPage("/login").permitAll())
                // sign-ins are known by session, so online access ends with the session (OnlineAccessSessions)
                .sessionManagement(session -> session.maximumSessions(-1).sessionRegistry(sessions));
        return http.build();
    }

    /** Live sign-in sessions (also gives ID tokens a {@code sid} for Spring Authorization Server's OIDC logout). */
    @Bean
    SessionRegistry sessionRegistry() {
        return new SessionRegistryImpl();
    }

    /** Tells the session registry when a session ends (sign-out, time-out). */
    @Bean
    HttpSessionEventPublisher httpSessionEventPublisher() {
        return new HttpSessionEventPublisher();
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(PersonaProperties properties) {
        return AuthorizationServerSettings.builder().issuer(properties.issuer()).build();
    }

    /** Access and ID tokens as JWTs shaped by the personas; refresh tokens only when an app asks (SMART). */
    @Bean
    OAuth2TokenGenerator<?> tokenGenerator(JWKSource<SecurityContext> keys, PersonaTokenCustomizer personaClaims) {
        JwtGenerator jwts = new JwtGenerator(new NimbusJwtEncoder(keys));
        jwts.setJwtCustomizer(personaClaims);
        return new DelegatingOAuth2TokenGenerator(jwts, new RefreshTokens());
    }

    /** In memory like the rest of this dev provider, each forgotten once expired; shared by introspection and the token response. */
    @Bean
    OAuth2AuthorizationService authorizationService() {
        return new ExpiringAuthorizations(Clock.systemUTC());
    }

    @Bean
    JWKSource<SecurityContext> jwkSource() throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var keyPair = generator.generateKeyPair();
        RSAKey key = new RSAKey.Builder((RSAPublicKey) keyPair.getPublic())
                .privateKey((RSAPrivateKey) keyPair.getPrivate())
                .keyID(UUID.randomUUID().toString())
                .build();
        return new ImmutableJWKSet<>(new JWKSet(key));
    }
}
