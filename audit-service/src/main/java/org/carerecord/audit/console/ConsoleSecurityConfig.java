package org.carerecord.audit.console;

import org.carerecord.security.token.GovernanceRoles;
import org.carerecord.security.token.IdentityClaimMapping;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;

/**
 * The governance console signs users in at the identity provider (OpenID Connect, authorization code
 * with PKCE) and keeps a session; only Privacy Officers (R0001) and Caldicott Guardians (R5105) get in,
 * everyone else signs in successfully and is then refused. The same identity provider gives
 * audit-service its own system token for reading patient demographics (the family-lookup rule).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsoleProperties.class)
public class ConsoleSecurityConfig {

    static final String SIGN_IN = "care-idp";
    /** What the console asks for on the user's behalf: reading the trail and patients' directives. */
    private static final String[] CONSOLE_SCOPES = {"openid", "profile", "user/AuditEvent.rs", "user/Consent.rs"};

    @Bean
    ClientRegistrationRepository clientRegistrations(ConsoleProperties console) {
        String issuer = console.issuer();
        // Endpoints are given, not discovered: the console starts whether or not the identity provider is up.
        ClientRegistration.Builder signInBuilder = ClientRegistration.withRegistrationId(SIGN_IN)
                .clientName("Care record sign-in")
                .clientId(console.clientId())
                .clientSecret(console.clientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                .scope(CONSOLE_SCOPES)
                .authorizationUri(console.signInAt() + "/oauth2/authorize")
                .tokenUri(issuer + "/oauth2/token")
                .jwkSetUri(issuer + "/oauth2/jwks")
                .issuerUri(issuer)
                .userNameAttributeName("sub");
        if (console.userInfoUri() != null && !console.userInfoUri().isBlank()) {
            signInBuilder.userInfoUri(console.userInfoUri());
        }
        ClientRegistration signIn = signInBuilder.build();
        ClientRegistration records = ClientRegistration.withRegistrationId("care-records")
                .clientId("audit-service")
                .clientSecret(console.serviceClientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scope("system/Patient.rs", "system/AccessPolicy.r")
                .tokenUri(issuer + "/oauth2/token")
                .build();
        return new InMemoryClientRegistrationRepository(signIn, records);
    }

    @Bean
    @Order(2)
    SecurityFilterChain consoleChain(
            HttpSecurity http, ClientRegistrationRepository registrations, IdentityClaimMapping claimMapping)
            throws Exception {
        var authorizationRequests =
                new DefaultOAuth2AuthorizationRequestResolver(registrations, "/oauth2/authorization");
        authorizationRequests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        var refused = new AccessDeniedHandlerImpl();
        refused.setErrorPage("/refused");
        http.authorizeHttpRequests(auth -> auth.requestMatchers(
                                "/nhsuk-frontend.min.css",
                                "/nhsuk-frontend.min.js",
                                "/console.css",
                                "/assets/**",
                                "/favicon.ico",
                                "/signed-out",
                                "/error")
                        .permitAll()
                        .requestMatchers("/refused")
                        .authenticated()
                        .anyRequest()
                        .hasAnyRole(GovernanceRoles.CODES.toArray(String[]::new)))
                .oauth2Login(
                        login -> login.authorizationEndpoint(a -> a.authorizationRequestResolver(authorizationRequests))
                                .userInfoEndpoint(u -> u.oidcUserService(new ConsoleUsers(claimMapping))))
                // to sign-in by a relative redirect: Spring's default builds an absolute one from the Host header,
                // so "Host: evil.example" sent the browser there
                .exceptionHandling(errors -> errors.accessDeniedHandler(refused)
                        .authenticationEntryPoint((request, response, e) ->
                                response.sendRedirect(request.getContextPath() + "/oauth2/authorization/" + SIGN_IN)))
                .logout(logout -> logout.logoutSuccessUrl("/signed-out"));
        return http.build();
    }
}
