package org.carerecord.fhir.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.AccessRequest;
import org.carerecord.security.decision.Decision;
import org.junit.jupiter.api.Test;

class DecisionCacheTest {

    private final DecisionCache cache = new DecisionCache(
            new ConsentProperties(URI.create("http://consent"), Duration.ofSeconds(2), Duration.ofSeconds(30)));

    @Test
    void nothingIsCachedUnlessTheChangeFeedIsFollowed() {
        cache.put(cache.ticket(), request("p1", "TREAT"), permit());
        assertThat(cache.get(request("p1", "TREAT"))).isEmpty();
    }

    @Test
    void aChangeForThePatientEvictsItsDecisionsOnly() {
        cache.following(true);
        cache.put(cache.ticket(), request("p1", "TREAT"), permit());
        cache.put(cache.ticket(), request("p2", "TREAT"), permit());

        cache.evict(List.of("p1"));

        assertThat(cache.get(request("p1", "TREAT"))).isEmpty();
        assertThat(cache.get(request("p2", "TREAT"))).isPresent();
    }

    @Test
    void aDecisionFetchedAcrossAChangeIsNotStored() {
        cache.following(true);
        DecisionCache.Ticket before = cache.ticket();
        cache.evict(List.of("p9")); // a consent was written while the decision was being fetched
        cache.put(before, request("p1", "TREAT"), permit());
        assertThat(cache.get(request("p1", "TREAT"))).isEmpty();
    }

    @Test
    void losingTheFeedEmptiesTheCache() {
        cache.following(true);
        cache.put(cache.ticket(), request("p1", "TREAT"), permit());
        cache.following(false);
        cache.following(true);
        assertThat(cache.get(request("p1", "TREAT"))).isEmpty();
    }

    @Test
    void breakGlassObligationsAndRefusalsForLackOfAnswerAreNeverCached() {
        cache.following(true);
        cache.put(cache.ticket(), request("p1", "ETREAT"), permit());
        AccessDecision withObligation = new AccessDecision("d", Decision.PERMIT, "ok", "p", List.of("Condition"),
                List.of(AccessDecision.SELF_CLAIMED_RELATIONSHIP), List.of(), false);
        cache.put(cache.ticket(), request("p2", "TREAT"), withObligation);
        cache.put(cache.ticket(), request("p3", "TREAT"), ConsentClient.unavailable());

        assertThat(cache.get(request("p1", "ETREAT"))).isEmpty();
        assertThat(cache.get(request("p2", "TREAT"))).isEmpty();
        assertThat(cache.get(request("p3", "TREAT"))).isEmpty();
    }

    private static AccessRequest request(String patient, String purpose) {
        return new AccessRequest("gp.clinician", "R8000", "A81001", "Practitioner/pr-1001", purpose,
                "ETREAT".equals(purpose) ? "emergency" : null, patient, List.of("Condition"), "read", List.of(), null);
    }

    private static AccessDecision permit() {
        return new AccessDecision("d1", Decision.PERMIT, "ok", "roles.json#R8000", List.of("Condition"), List.of(),
                List.of(), false);
    }
}
