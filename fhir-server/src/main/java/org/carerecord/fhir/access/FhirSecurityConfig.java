package org.carerecord.fhir.access;

import java.util.List;
import org.carerecord.security.token.ResourceServerDefaults;
import org.carerecord.security.web.BrowserOrigins;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;

/**
 * No FHIR data without a valid token. Finer checks (scopes, consent) happen per request in the HAPI
 * interceptors, where the resource types and patients are known.
 */
@Configuration(proxyBeanMethods = false)
public class FhirSecurityConfig {

    @Bean
    SecurityFilterChain fhirChain(
            HttpSecurity http,
            AuthenticationEntryPoint unauthenticated,
            @Value("${care.cors.allowed-origins:}") List<String> browserApps)
            throws Exception {
        ResourceServerDefaults.apply(http)
                // registered SMART apps call from their own page: preflights answered, other origins refused
                .cors(cors -> cors.configurationSource(BrowserOrigins.allowing(browserApps)))
                // every refusal for want of a token is audited too, then answered as usual (the audit package's
                // entry point, found by type: access does not depend on audit)
                .exceptionHandling(errors -> errors.authenticationEntryPoint(unauthenticated))
                .oauth2ResourceServer(rs -> rs.authenticationEntryPoint(unauthenticated))
                .authorizeHttpRequests(auth -> {
                    ResourceServerDefaults.permitPublicEndpoints(auth);
                    // metrics are on the management port only (ManagementPortAutoConfiguration), never here
                    auth.requestMatchers("/fhir/**", "/fhir")
                            .authenticated()
                            .anyRequest()
                            .denyAll();
                });
        return http.build();
    }
}
