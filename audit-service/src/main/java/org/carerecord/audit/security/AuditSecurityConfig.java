package org.carerecord.audit.security;

import org.carerecord.audit.ledger.GovernanceAudit;
import org.carerecord.security.token.GovernanceRoles;
import org.carerecord.security.token.ResourceServerDefaults;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.RegexRequestMatcher;

/**
 * The API (bearer tokens, no sessions): ingest only for the fhir-server client; verify for governance;
 * search decided per request. Everything else is the governance console, which signs users in by
 * OpenID Connect (see {@code ConsoleSecurityConfig}).
 */
@Configuration(proxyBeanMethods = false)
public class AuditSecurityConfig {

    @Bean
    @Order(1)
    SecurityFilterChain auditChain(HttpSecurity http, GovernanceAudit audit) throws Exception {
        // a regex on the raw path: /fhir is HAPI's servlet, not Spring MVC's, so MVC-aware matchers would miss it
        http.securityMatcher(new RegexRequestMatcher("^/(audit|fhir|actuator)(/.*)?$", null));
        // a refusal here (a delivery from a client that is no relay, verify without a governance role) is audited
        ResourceServerDefaults.apply(
                        http,
                        (claims, path) -> audit.refused(
                                claims.subject(),
                                claims.nhsRole(),
                                claims.organisation(),
                                path,
                                "the token does not allow this request"))
                .authorizeHttpRequests(auth -> {
                    ResourceServerDefaults.permitPublicEndpoints(auth);
                    auth.requestMatchers("/audit/events")
                            .hasAuthority("SCOPE_system/AuditEvent.c")
                            .requestMatchers("/audit/verify")
                            .access(GovernanceRoles.governanceSession())
                            .requestMatchers("/audit/export.csv", "/audit/access-report")
                            .authenticated()
                            .requestMatchers("/fhir/**")
                            .authenticated()
                            .anyRequest()
                            .denyAll();
                });
        return http.build();
    }
}
