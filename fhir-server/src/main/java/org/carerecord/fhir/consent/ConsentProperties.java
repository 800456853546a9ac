package org.carerecord.fhir.consent;

import java.net.URI;
import java.time.Duration;
import org.carerecord.security.decision.DecisionFeed;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param url      consent-service base URL
 * @param timeout  past this, consent-service counts as unavailable and the request is refused; at least
 *                 {@link DecisionFeed#MIN_DECISION_TIMEOUT}, since a break-glass grant waits for every decision cache
 *                 to evict inside the emergency request's own decision
 * @param cacheTtl how long a decision may be reused while fhir-server follows consent-service's change feed
 *                 (a backstop for time-based rules; changes themselves evict at once); 0 turns caching off
 */
@ConfigurationProperties("care.consent")
public record ConsentProperties(
        URI url,
        @DefaultValue("2s") Duration timeout,
        @DefaultValue("30s") Duration cacheTtl) {

    public ConsentProperties {
        if (timeout.compareTo(DecisionFeed.MIN_DECISION_TIMEOUT) < 0) {
            throw new IllegalArgumentException(
                    "care.consent.timeout must be at least " + DecisionFeed.MIN_DECISION_TIMEOUT
                            + " (a break-glass grant waits up to " + DecisionFeed.EVICTION_WAIT
                            + " for decision caches to evict, inside the decision): " + timeout);
        }
    }
}
