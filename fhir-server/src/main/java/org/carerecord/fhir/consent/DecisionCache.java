package org.carerecord.fhir.consent;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.AccessRequest;
import org.springframework.stereotype.Component;

/**
 * Decisions reused for identical requests (same user, role, organisation, purpose, patient, types and
 * relationship evidence), so a repeat read costs no call to consent-service. Safe only while
 * {@link DecisionChangeFollower} follows consent-service's change feed: a directive written or a
 * break-glass granted evicts that patient's decisions at once, and whenever the feed cannot be followed
 * the cache is emptied and bypassed. Never cached: break-glass requests, stated relationships, decisions
 * with obligations (each must reach consent-service to be granted and logged) and fail-closed refusals.
 */
@Component
public class DecisionCache {

    private static final int MAX_ENTRIES = 100_000;

    private record Entry(AccessDecision decision, long expiresAt) {
    }

    /** A lookup's ticket: a decision fetched under it is stored only if nothing changed meanwhile. */
    public record Ticket(long generation) {
    }

    private final Map<AccessRequest, Entry> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final Object lock = new Object();
    private long generation;
    private volatile boolean following;

    public DecisionCache(ConsentProperties properties) {
        this.ttlNanos = properties.cacheTtl().toNanos();
    }

    public Optional<AccessDecision> get(AccessRequest request) {
        if (!following || ttlNanos <= 0) {
            return Optional.empty();
        }
        Entry entry = entries.get(request);
        return entry == null || entry.expiresAt() < System.nanoTime() ? Optional.empty() : Optional.of(entry.decision());
    }

    public Ticket ticket() {
        synchronized (lock) {
            return new Ticket(generation);
        }
    }

    public void put(Ticket ticket, AccessRequest request, AccessDecision decision) {
        if (!cacheable(request, decision)) {
            return;
        }
        synchronized (lock) {
            if (!following || ticket.generation() != generation) {
                return;
            }
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
            entries.put(request, new Entry(decision, System.nanoTime() + ttlNanos));
        }
    }

    /** consent-service says these patients' decisions may have changed. */
    void evict(Collection<String> patientIds) {
        Set<String> changed = Set.copyOf(patientIds);
        synchronized (lock) {
            generation++;
            entries.keySet().removeIf(request -> changed.contains(request.patientId()));
        }
    }

    /** Following (again) from an empty cache, or no longer following: either way nothing cached survives. */
    void following(boolean now) {
        synchronized (lock) {
            generation++;
            entries.clear();
            following = now;
        }
    }

    public boolean isFollowing() {
        return following;
    }

    private boolean cacheable(AccessRequest request, AccessDecision decision) {
        boolean breakGlass = org.carerecord.security.token.PurposeOfUse.parse(request.purposeOfUse())
                .map(org.carerecord.security.token.PurposeOfUse::isBreakGlass).orElse(false);
        return ttlNanos > 0 && !breakGlass && request.claimedRelationship() == null
                && (decision.obligations() == null || decision.obligations().isEmpty())
                && !ConsentClient.isUnavailable(decision);
    }
}
