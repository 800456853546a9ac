package org.carerecord.security.client;

import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.web.client.RestClient;

/**
 * A service calling another as itself: a client-credentials token from the identity provider (registration
 * {@code care}), fetched (within 5 s) and renewed by Spring Security, on every request of a RestClient with
 * bounded connect and read times. fhir-server (consent decisions, audit delivery), consent-service (the record,
 * audit delivery) and audit-service (the record's patients) build their clients here.
 */
public final class ServiceClients {

    public static final String REGISTRATION = "care";

    private ServiceClients() {}

    /** How long a token request to the identity provider may take: a hung one must not hold a decision for ever. */
    private static final Duration TOKEN_TIMEOUT = Duration.ofSeconds(5);

    public static OAuth2AuthorizedClientManager manager(
            ClientRegistrationRepository registrations, OAuth2AuthorizedClientService clients) {
        var tokens = new RestClientClientCredentialsTokenResponseClient();
        tokens.setRestClient(RestClient.builder()
                .messageConverters(converters -> {
                    converters.clear();
                    converters.add(new FormHttpMessageConverter());
                    converters.add(new OAuth2AccessTokenResponseHttpMessageConverter());
                })
                .defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
                .requestFactory(requestFactory(TOKEN_TIMEOUT))
                .build());
        var manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, clients);
        manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
                .clientCredentials(credentials -> credentials.accessTokenResponseClient(tokens))
                .build());
        return manager;
    }

    public static RestClient client(
            RestClient.Builder builder, OAuth2AuthorizedClientManager manager, String baseUrl, Duration timeout) {
        return client(builder, manager, REGISTRATION, baseUrl, timeout);
    }

    /** As {@link #client(RestClient.Builder, OAuth2AuthorizedClientManager, String, Duration)}, as another registration. */
    public static RestClient client(
            RestClient.Builder builder,
            OAuth2AuthorizedClientManager manager,
            String registration,
            String baseUrl,
            Duration timeout) {
        var oauth = new OAuth2ClientHttpRequestInterceptor(manager);
        oauth.setClientRegistrationIdResolver(request -> registration);
        return builder.clone()
                .baseUrl(baseUrl)
                .requestFactory(requestFactory(timeout))
                .requestInterceptor(oauth)
                .build();
    }

    private static JdkClientHttpRequestFactory requestFactory(Duration timeout) {
        var requestFactory = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(timeout).build());
        requestFactory.setReadTimeout(timeout);
        return requestFactory;
    }
}
