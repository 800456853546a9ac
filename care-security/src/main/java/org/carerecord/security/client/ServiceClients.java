package org.carerecord.security.client;

import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.web.client.RestClient;

/**
 * A service calling another as itself: a client-credentials token from the identity provider (registration
 * {@code care}), fetched and renewed by Spring Security, on every request of a RestClient with bounded
 * connect and read times. fhir-server (consent decisions, audit delivery) and consent-service (the record,
 * audit delivery) build their clients here.
 */
public final class ServiceClients {

    public static final String REGISTRATION = "care";

    private ServiceClients() {
    }

    public static OAuth2AuthorizedClientManager manager(ClientRegistrationRepository registrations,
            OAuth2AuthorizedClientService clients) {
        var manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, clients);
        manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder().clientCredentials().build());
        return manager;
    }

    public static RestClient client(RestClient.Builder builder, OAuth2AuthorizedClientManager manager, String baseUrl,
            Duration timeout) {
        var oauth = new OAuth2ClientHttpRequestInterceptor(manager);
        oauth.setClientRegistrationIdResolver(request -> REGISTRATION);
        var requestFactory = new JdkClientHttpRequestFactory(HttpClient.newBuilder().connectTimeout(timeout).build());
        requestFactory.setReadTimeout(timeout);
        return builder.clone().baseUrl(baseUrl).requestFactory(requestFactory).requestInterceptor(oauth).build();
    }
}
