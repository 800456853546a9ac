package org.carerecord.consent.audit;

import java.time.Duration;
import org.carerecord.security.client.ServiceClients;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.web.client.RestClient;

/** consent-service calls the record and audit-service as itself (client credentials, registration {@code care}). */
@Configuration(proxyBeanMethods = false)
public class ServiceClientsConfig {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Bean
    OAuth2AuthorizedClientManager serviceClientManager(
            ClientRegistrationRepository registrations, OAuth2AuthorizedClientService clients) {
        return ServiceClients.manager(registrations, clients);
    }

    @Bean
    RestClient recordServerClient(
            RestClient.Builder builder,
            OAuth2AuthorizedClientManager manager,
            @Value("${care.consent.fhir-url}") String url) {
        return ServiceClients.client(builder, manager, url, TIMEOUT);
    }

    @Bean
    RestClient auditServiceClient(
            RestClient.Builder builder,
            OAuth2AuthorizedClientManager manager,
            @Value("${care.consent.audit-url}") String url) {
        return ServiceClients.client(builder, manager, url, TIMEOUT);
    }
}
