package org.carerecord.security.token;

import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;

/**
 * What every service's API chain shares: bearer JWT only (issuer, JWKS and audience from Spring Boot's
 * resource-server properties), no sessions or CSRF, health and FHIR capability statements public.
 * Each service then adds its own rules and ends with deny-all.
 */
public final class ResourceServerDefaults {

    private ResourceServerDefaults() {}

    public static HttpSecurity apply(HttpSecurity http) throws Exception {
        return apply(http, (claims, path) -> {});
    }

    /** As {@link #apply(HttpSecurity)}, with each 403 for a valid token told to the recorder (to be audited). */
    public static HttpSecurity apply(HttpSecurity http, OperationOutcomeErrors.RefusalRecorder refusals)
            throws Exception {
        var denied = OperationOutcomeErrors.accessDenied(refusals);
        return http.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .exceptionHandling(errors -> errors.accessDeniedHandler(denied))
                .oauth2ResourceServer(rs -> rs.jwt(jwt -> {})
                        .authenticationEntryPoint(OperationOutcomeErrors.entryPoint())
                        .accessDeniedHandler(denied));
    }

    public static void permitPublicEndpoints(
            AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry auth) {
        auth.requestMatchers(
                        "/actuator/health",
                        "/actuator/health/**",
                        "/fhir/metadata",
                        "/fhir/.well-known/smart-configuration",
                        "/error")
                .permitAll();
    }
}
