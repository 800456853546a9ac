package org.carerecord.consent.security;

import org.carerecord.security.token.ResourceServerDefaults;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/** Decisions only for the fhir-server client; {@code /fhir/Consent} checks per patient in the provider. */
@Configuration(proxyBeanMethods = false)
public class ConsentSecurityConfig {

    @Bean
    SecurityFilterChain consentChain(HttpSecurity http) throws Exception {
        ResourceServerDefaults.apply(http).authorizeHttpRequests(auth -> {
            ResourceServerDefaults.permitPublicEndpoints(auth);
            auth.requestMatchers("/decisions").hasAuthority("SCOPE_system/AccessDecision.c")
                    .requestMatchers("/fhir/**").authenticated()
                    .anyRequest().denyAll();
        });
        return http.build();
    }
}
