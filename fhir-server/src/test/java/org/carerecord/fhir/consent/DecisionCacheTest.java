package org.carerecord.fhir.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.AccessRequest;
import org.carerecord.security.decision.Decision;
import org.junit.jupiter.api.Test;

class DecisionCacheTest {

    private final DecisionCache cache = new DecisionCache(
            new ConsentProperties(URI.create("http://consent"), Duration.ofSeconds(2), Duration.ofSeconds(30)));
    private final AtomicInteger asked = new AtomicInteger();

    @Test
    void nothingIsCachedUnlessTheChangeFeedIsFollowed() {
        decideTwice(request("p1", "TREAT"), permit());
        assertThat(asked).hasValue(2);
    }

    @Test
    void aRepeatIsAnsweredFromTheCacheUntilAChangeForThatPatient() {
        cache.following(true);
        decideTwice(request("p1", "TREAT"), permit());
        decideTwice(request("p2", "TREAT"), permit());
        assertThat(asked).hasValue(2);

        cache.evict(List.of("p1"));
        decideTwice(request("p1", "TREAT"), permit());
        decideTwice(request("p2", "TREAT"), permit());
        assertThat(asked).hasValue(3);
    }

    @Test
    void aChangeForAPatientLeavesDecisionsAboutNoPatientCachedInsteadOfBreakingTheFeed() {
        // found in the e2e logs: a cached decision without a patient (a type-level search) made every eviction
        // throw (Set.copyOf(...).contains(null)), dropping the feed and the whole cache each time
        cache.following(true);
        decideTwice(request(null, "TREAT"), permit());
        decideTwice(request("p1", "TREAT"), permit());

        cache.evict(List.of("p1"));
        decideTwice(request(null, "TREAT"), permit());
        assertThat(asked).hasValue(2);
        assertThat(cache.isFollowing()).isTrue();
    }

    @Test
    void aDecisionFetchedAcrossAChangeIsNotKept() {
        cache.following(true);
        cache.decide(request("p1", "TREAT"), r -> {
            cache.evict(List.of("p9")); // a consent is written while the decision is being fetched
            asked.incrementAndGet();
            return permit();
        });
        cache.decide(request("p1", "TREAT"), this::ask);
        assertThat(asked).hasValue(2);
    }

    @Test
    void losingTheFeedEmptiesTheCache() {
        cache.following(true);
        cache.decide(request("p1", "TREAT"), this::ask);
        cache.following(false);
        cache.following(true);
        cache.decide(request("p1", "TREAT"), this::ask);
        assertThat(asked).hasValue(2);
    }

    @Test
    void breakGlassObligationsAndRefusalsForLackOfAnswerAreNeverKept() {
        cache.following(true);
        decideTwice(request("p1", "ETREAT"), permit());
        decideTwice(
                request("p2", "TREAT"),
                new AccessDecision(
                        "d",
                        Decision.PERMIT,
                        "ok",
                        "p",
                        List.of("Condition"),
                        List.of(AccessDecision.SELF_CLAIMED_RELATIONSHIP),
                        List.of(),
                        false));
        decideTwice(request("p3", "TREAT"), ConsentClient.unavailable());
        assertThat(asked).hasValue(6);
    }

    private void decideTwice(AccessRequest request, AccessDecision answer) {
        for (int i = 0; i < 2; i++) {
            cache.decide(request, r -> {
                asked.incrementAndGet();
                return answer;
            });
        }
    }

    private AccessDecision ask(AccessRequest request) {
        asked.incrementAndGet();
        return permit();
    }

    private static AccessRequest request(String patient, String purpose) {
        return new AccessRequest(
                "gp.clinician",
                "R8000",
                "A81001",
                "Practitioner/pr-1001",
                purpose,
                "ETREAT".equals(purpose) ? "emergency" : null,
                patient,
                List.of("Condition"),
                "read",
                List.of(),
                null);
    }

    private static AccessDecision permit() {
        return new AccessDecision(
                "d1", Decision.PERMIT, "ok", "roles.json#R8000", List.of("Condition"), List.of(), List.of(), false);
    }
}
