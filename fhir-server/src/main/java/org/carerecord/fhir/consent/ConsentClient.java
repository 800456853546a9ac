package org.carerecord.fhir.consent;

import java.util.List;
import java.util.UUID;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.AccessRequest;
import org.carerecord.security.decision.Decision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Asks consent-service. Fails closed: unreachable, slow past the timeout, an error status or an answer
 * that is not a decision all become {@link #UNAVAILABLE}, which the caller turns into a refusal.
 */
@Component
class ConsentClient {

    public static final String UNAVAILABLE_POLICY = "fail-closed";
    private static final Logger log = LoggerFactory.getLogger(ConsentClient.class);

    private final RestClient consentService;
    private final DecisionCache cache;

    public ConsentClient(@Qualifier("consentServiceClient") RestClient consentServiceClient, DecisionCache cache) {
        this.consentService = consentServiceClient;
        this.cache = cache;
    }

    /** The decision for this request: reused from the cache when it may be, else asked of consent-service. */
    public AccessDecision decide(AccessRequest request) {
        return cache.decide(request, this::ask);
    }

    private AccessDecision ask(AccessRequest request) {
        try {
            AccessDecision decision = consentService
                    .post()
                    .uri("/decisions")
                    .body(request)
                    .retrieve()
                    .body(AccessDecision.class);
            if (decision == null
                    || decision.decision() == null
                    || decision.reason() == null
                    || decision.withheldCategories() == null
                    || decision.permittedResourceTypes() == null) {
                log.warn("consent-service answered without a decision; denying");
                return unavailable();
            }
            return decision;
        } catch (RuntimeException e) {
            log.warn("consent-service unavailable ({}); denying", e.toString());
            return unavailable();
        }
    }

    static AccessDecision unavailable() {
        return new AccessDecision(
                UUID.randomUUID().toString(),
                Decision.DENY,
                "Access could not be checked because the consent service is unavailable, so it is refused",
                UNAVAILABLE_POLICY,
                List.of(),
                List.of(),
                List.of(),
                false);
    }

    public static boolean isUnavailable(AccessDecision decision) {
        return UNAVAILABLE_POLICY.equals(decision.policy());
    }
}
