package org.carerecord.consent.security;

import org.carerecord.consent.audit.ConsentServiceAudit;
import org.carerecord.security.token.GovernanceRoles;
import org.carerecord.security.token.ResourceServerDefaults;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Decisions only for the fhir-server client; their explanations and the break-glass queue only for
 * governance roles; {@code /fhir/Consent} checks per patient in the provider.
 */
@Configuration(proxyBeanMethods = false)
public class ConsentSecurityConfig {

    @Bean
    SecurityFilterChain consentChain(HttpSecurity http, ConsentServiceAudit audit) throws Exception {
        // a refusal here (a decision asked by a client that is not fhir-server, the break-glass queue by a
        // clinician) is written into the audit trail
        ResourceServerDefaults.apply(
                        http,
                        (claims, path) -> audit.refused(claims, null, path, "the token does not allow this request"))
                .authorizeHttpRequests(auth -> {
                    ResourceServerDefaults.permitPublicEndpoints(auth);
                    auth.requestMatchers(HttpMethod.POST, "/decisions")
                            .hasAuthority("SCOPE_system/AccessDecision.c")
                            .requestMatchers(HttpMethod.GET, "/decisions/changes")
                            .hasAuthority("SCOPE_system/AccessDecision.c")
                            // governance: explain a decision, review break-glass; never clinical data
                            .requestMatchers(HttpMethod.GET, "/decisions/*")
                            .access(GovernanceRoles.governanceSession())
                            .requestMatchers("/break-glass", "/break-glass/**")
                            .access(GovernanceRoles.governanceSession())
                            // the alert thresholds in force: audit-service's detector (and no one else: a user who
                            // knew them could stay under them)
                            .requestMatchers(HttpMethod.GET, "/policy/alerts")
                            .hasAuthority("SCOPE_system/AccessPolicy.r")
                            // the role policy, its proposed changes and their what-if replays
                            .requestMatchers("/policy", "/policy/**")
                            .access(GovernanceRoles.governanceSession())
                            .requestMatchers("/fhir/**")
                            .authenticated()
                            .anyRequest()
                            .denyAll();
                });
        return http.build();
    }
}
