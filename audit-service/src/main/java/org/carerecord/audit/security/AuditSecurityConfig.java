package org.carerecord.audit.security;

import org.carerecord.security.token.ResourceServerDefaults;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/** Ingest only for the fhir-server client; verify for governance; search decided per request. */
@Configuration(proxyBeanMethods = false)
public class AuditSecurityConfig {

    @Bean
    SecurityFilterChain auditChain(HttpSecurity http) throws Exception {
        ResourceServerDefaults.apply(http).authorizeHttpRequests(auth -> {
            ResourceServerDefaults.permitPublicEndpoints(auth);
            auth.requestMatchers("/audit/events").hasAuthority("SCOPE_system/AuditEvent.c")
                    .requestMatchers("/audit/verify").hasAnyRole("R0001", "R5105")
                    .requestMatchers("/audit/export.csv", "/audit/access-report").authenticated()
                    .requestMatchers("/fhir/**").authenticated()
                    .anyRequest().denyAll();
        });
        return http.build();
    }
}
