package org.carerecord.security.management;

import org.carerecord.security.token.ResourceServerDefaults;
import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.HealthEndpointGroups;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A service whose actuator listens on a management port of its own ({@code management.server.port}, which
 * Kubernetes and Prometheus reach and the load balancer and Ingress do not): there, health and probes are open (a
 * kubelet has no token) and metrics need a token carrying {@link #METRICS_SCOPE} (Prometheus's own client, by
 * client credentials); everything else is refused. The public port keeps {@code /actuator/health} (status only).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(
        name = {
            "org.springframework.boot.actuate.health.HealthEndpoint",
            "org.springframework.security.web.SecurityFilterChain"
        })
@ConditionalOnManagementPort(ManagementPortType.DIFFERENT)
public class ManagementPortAutoConfiguration {

    /** The scope a metrics scraper's token carries; no user or care provider's client is given it. */
    public static final String METRICS_SCOPE = "metrics.read";

    @Bean
    ManagementPort managementPort() {
        return new ManagementPort();
    }

    @Bean
    PublicHealth publicHealth(HealthEndpoint health, HealthEndpointGroups groups) {
        return new PublicHealth(health, groups);
    }

    /** First of every chain, for requests on the management port only (the same filter serves both ports). */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain managementPortChain(HttpSecurity http, ManagementPort port) throws Exception {
        ResourceServerDefaults.apply(http)
                .securityMatcher(port)
                .authorizeHttpRequests(auth -> auth.requestMatchers("/actuator/health", "/actuator/health/**")
                        .permitAll()
                        .requestMatchers("/actuator/prometheus", "/actuator/metrics", "/actuator/metrics/**")
                        .hasAuthority("SCOPE_" + METRICS_SCOPE)
                        .anyRequest()
                        .denyAll());
        return http.build();
    }
}
