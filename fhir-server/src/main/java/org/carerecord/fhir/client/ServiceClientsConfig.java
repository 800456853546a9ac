package org.carerecord.fhir.client;

import java.time.Duration;
import org.carerecord.fhir.audit.AuditRelayProperties;
import org.carerecord.fhir.consent.ConsentProperties;
import org.carerecord.security.client.ServiceClients;
import org.carerecord.security.decision.DecisionFeed;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.web.client.RestClient;

/**
 * fhir-server calls consent-service and audit-service as itself: a client-credentials token from the
 * identity provider (registration {@code care}), fetched and renewed by Spring Security.
 */
@Configuration(proxyBeanMethods = false)
public class ServiceClientsConfig {

    @Bean
    OAuth2AuthorizedClientManager serviceClientManager(
            ClientRegistrationRepository registrations, OAuth2AuthorizedClientService clients) {
        return ServiceClients.manager(registrations, clients);
    }

    @Bean
    RestClient consentServiceClient(
            RestClient.Builder builder, OAuth2AuthorizedClientManager manager, ConsentProperties properties) {
        return ServiceClients.client(builder, manager, properties.url().toString(), properties.timeout());
    }

    /** The decision-change feed is a long poll: its reads wait by design (DecisionFeed). */
    @Bean
    RestClient consentChangesClient(
            RestClient.Builder builder, OAuth2AuthorizedClientManager manager, ConsentProperties properties) {
        return ServiceClients.client(builder, manager, properties.url().toString(), DecisionFeed.READ_TIMEOUT);
    }

    @Bean
    RestClient auditServiceClient(
            RestClient.Builder builder, OAuth2AuthorizedClientManager manager, AuditRelayProperties properties) {
        return ServiceClients.client(builder, manager, properties.url().toString(), Duration.ofSeconds(30));
    }
}
