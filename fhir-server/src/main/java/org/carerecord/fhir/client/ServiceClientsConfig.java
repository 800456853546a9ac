package org.carerecord.fhir.client;

import java.net.http.HttpClient;
import java.time.Duration;
import org.carerecord.fhir.audit.AuditRelayProperties;
import org.carerecord.fhir.consent.ConsentProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.web.client.RestClient;

/**
 * fhir-server calls consent-service and audit-service as itself: a client-credentials token from the
 * identity provider (registration {@code care}), fetched and renewed by Spring Security.
 */
@Configuration(proxyBeanMethods = false)
public class ServiceClientsConfig {

    static final String REGISTRATION = "care";

    @Bean
    OAuth2AuthorizedClientManager serviceClientManager(ClientRegistrationRepository registrations,
            OAuth2AuthorizedClientService clients) {
        var manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, clients);
        manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder().clientCredentials().build());
        return manager;
    }

    @Bean
    RestClient consentServiceClient(RestClient.Builder builder, OAuth2AuthorizedClientManager manager,
            ConsentProperties properties) {
        return client(builder, manager, properties.url().toString(), properties.timeout());
    }

    /** The decision-change feed is a long poll: its reads wait up to 25 s by design. */
    @Bean
    RestClient consentChangesClient(RestClient.Builder builder, OAuth2AuthorizedClientManager manager,
            ConsentProperties properties) {
        return client(builder, manager, properties.url().toString(), Duration.ofSeconds(35));
    }

    @Bean
    RestClient auditServiceClient(RestClient.Builder builder, OAuth2AuthorizedClientManager manager,
            AuditRelayProperties properties) {
        return client(builder, manager, properties.url().toString(), Duration.ofSeconds(30));
    }

    private static RestClient client(RestClient.Builder builder, OAuth2AuthorizedClientManager manager, String baseUrl,
            Duration timeout) {
        var oauth = new OAuth2ClientHttpRequestInterceptor(manager);
        oauth.setClientRegistrationIdResolver(request -> REGISTRATION);
        var requestFactory = new JdkClientHttpRequestFactory(HttpClient.newBuilder().connectTimeout(timeout).build());
        requestFactory.setReadTimeout(timeout);
        return builder.clone().baseUrl(baseUrl).requestFactory(requestFactory).requestInterceptor(oauth).build();
    }
}
