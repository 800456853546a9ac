package org.carerecord.fhir.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.carerecord.security.decision.DecisionFeed;
import org.junit.jupiter.api.Test;

/** A decision timeout shorter than a break-glass grant's eviction wait would fail emergencies: refused at start-up. */
class ConsentPropertiesTest {

    private static final URI CONSENT = URI.create("http://consent");

    @Test
    void aDecisionTimeoutShorterThanTheEvictionWaitAllowsIsRefused() {
        assertThatThrownBy(() -> new ConsentProperties(CONSENT, DecisionFeed.EVICTION_WAIT, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("care.consent.timeout");
        assertThatThrownBy(() -> new ConsentProperties(CONSENT, Duration.ofMillis(500), Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultLeavesRoomForTheEvictionWait() {
        ConsentProperties defaults = new ConsentProperties(CONSENT, Duration.ofSeconds(2), Duration.ofSeconds(30));
        assertThat(defaults.timeout()).isGreaterThan(DecisionFeed.EVICTION_WAIT);
        assertThat(DecisionFeed.READ_TIMEOUT)
                .as("a quiet poll ends before the follower's read gives up")
                .isGreaterThan(DecisionFeed.LONG_POLL);
    }
}
