package org.carerecord.fhir.consent;

import java.util.Collection;
import java.util.Set;
import java.util.function.Function;
import org.carerecord.security.cache.InvalidatingCache;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.AccessRequest;
import org.springframework.stereotype.Component;

/**
 * Decisions reused for identical requests (same user, role, organisation, purpose, patient, types and
 * relationship evidence), so a repeat read costs no call to consent-service. Safe only while
 * {@link DecisionChangeFollower} follows consent-service's change feed: a directive written or a
 * break-glass granted evicts that patient's decisions at once, and whenever the feed cannot be followed
 * the cache is emptied and bypassed. Never kept: break-glass requests, stated relationships, decisions
 * with obligations (each must reach consent-service to be granted and logged) and fail-closed refusals.
 */
@Component
class DecisionCache {

    private final InvalidatingCache<AccessRequest, AccessDecision> decisions;
    private volatile boolean following;

    public DecisionCache(ConsentProperties properties) {
        this.decisions = new InvalidatingCache<>(properties.cacheTtl(), 100_000);
    }

    /** The decision for this request: cached if it may be, else asked (and kept if it may be). */
    public AccessDecision decide(AccessRequest request, Function<AccessRequest, AccessDecision> ask) {
        if (!following || request.asksBreakGlass() || request.claimedRelationship() != null) {
            return ask.apply(request);
        }
        return decisions.get(request, ask, DecisionCache::keepable);
    }

    /** consent-service says these patients' decisions may have changed. */
    void evict(Collection<String> patientIds) {
        Set<String> changed = Set.copyOf(patientIds);
        // a decision about no patient (a type-level search) is not one patient's to change
        decisions.invalidate(request -> request.patientId() != null && changed.contains(request.patientId()));
    }

    /** Following (again) from an empty cache, or no longer following: either way nothing cached survives. */
    void following(boolean now) {
        following = false;
        decisions.invalidateAll();
        following = now;
    }

    public boolean isFollowing() {
        return following;
    }

    private static boolean keepable(AccessDecision decision) {
        return (decision.obligations() == null || decision.obligations().isEmpty())
                && !ConsentClient.isUnavailable(decision);
    }
}
