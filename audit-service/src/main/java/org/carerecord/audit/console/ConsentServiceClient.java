package org.carerecord.audit.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.carerecord.security.decision.BreakGlassGrant;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

/**
 * consent-service as the signed-in officer: their own access token goes with every call, so
 * consent-service applies its own rule (governance roles only) and its log names the real person.
 */
@Component
class ConsentServiceClient {

    private final RestClient consent;

    public ConsentServiceClient(RestClient.Builder builder, ConsoleProperties properties) {
        var requests = new SimpleClientHttpRequestFactory();
        requests.setConnectTimeout(Duration.ofSeconds(2));
        requests.setReadTimeout(Duration.ofSeconds(5));
        this.consent = builder.baseUrl(properties.consentUrl())
                .requestFactory(requests)
                .build();
    }

    public List<BreakGlassGrant> breakGlass(OAuth2AuthorizedClient officer, boolean unreviewedOnly) {
        return consent.get()
                .uri("/break-glass?unreviewed={u}&limit=200", unreviewedOnly)
                .headers(h -> h.setBearerAuth(token(officer)))
                .retrieve()
                .body(new ParameterizedTypeReference<List<BreakGlassGrant>>() {});
    }

    public Optional<BreakGlassGrant> breakGlass(OAuth2AuthorizedClient officer, UUID id) {
        try {
            return Optional.ofNullable(consent.get()
                    .uri("/break-glass/{id}", id)
                    .headers(h -> h.setBearerAuth(token(officer)))
                    .retrieve()
                    .body(BreakGlassGrant.class));
        } catch (HttpClientErrorException.NotFound e) {
            return Optional.empty();
        }
    }

    /** @return false when it was reviewed already (by someone else, a moment ago) */
    public boolean review(OAuth2AuthorizedClient officer, UUID id, String outcome, String note) {
        try {
            consent.post()
                    .uri("/break-glass/{id}/review", id)
                    .headers(h -> h.setBearerAuth(token(officer)))
                    .body(Map.of("outcome", outcome, "note", note == null ? "" : note))
                    .retrieve()
                    .toBodilessEntity();
            return true;
        } catch (HttpClientErrorException.Conflict e) {
            return false;
        }
    }

    /** The decision as consent-service logged it: request, answer and the steps that led to it. */
    public Optional<JsonNode> explain(OAuth2AuthorizedClient officer, String decisionId) {
        try {
            return Optional.ofNullable(consent.get()
                    .uri("/decisions/{id}", decisionId)
                    .headers(h -> h.setBearerAuth(token(officer)))
                    .retrieve()
                    .body(JsonNode.class));
        } catch (HttpClientErrorException.NotFound e) {
            return Optional.empty();
        }
    }

    /** The role policy in force, its versions, and the proposals (consent-service's {@code /policy} API). */
    public JsonNode policy(OAuth2AuthorizedClient officer, String path) {
        return consent.get()
                .uri("/policy" + path)
                .headers(h -> h.setBearerAuth(token(officer)))
                .retrieve()
                .body(JsonNode.class);
    }

    /**
     * A governance action on the role policy ({@code /proposals}, {@code /proposals/{id}/simulate?days=},
     * {@code /approve}, {@code /reject}, {@code /versions/{v}/restore}): consent-service's answer, or its refusal
     * (status and {@code error}) as a node with {@code status} and {@code error}.
     */
    public JsonNode policyAction(OAuth2AuthorizedClient officer, String path, Object body) {
        try {
            return consent.post()
                    .uri("/policy" + path)
                    .headers(h -> h.setBearerAuth(token(officer)))
                    .body(body)
                    .retrieve()
                    .body(JsonNode.class);
        } catch (org.springframework.web.client.HttpClientErrorException e) {
            var refusal = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            refusal.put("status", e.getStatusCode().value());
            JsonNode error = e.getResponseBodyAs(JsonNode.class);
            refusal.put(
                    "error",
                    error == null ? e.getStatusText() : error.path("error").asText(e.getStatusText()));
            return refusal;
        }
    }

    private static String token(OAuth2AuthorizedClient officer) {
        return officer.getAccessToken().getTokenValue();
    }
}
