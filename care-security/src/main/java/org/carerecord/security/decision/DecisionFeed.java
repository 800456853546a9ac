package org.carerecord.security.decision;

import java.time.Duration;

/**
 * The timings of consent-service's decision-change feed, which every fhir-server's decision cache follows.
 * They only work together, so they are written once, here:
 * <ul>
 *   <li>a follower's poll is held open for {@link #LONG_POLL} when nothing changes, and the follower reads it
 *       with a timeout of {@link #READ_TIMEOUT} (longer, or every quiet poll would fail);</li>
 *   <li>a break-glass grant waits up to {@link #EVICTION_WAIT} for every follower to evict before it answers. It
 *       is written inside the emergency request's own decision, which fhir-server gives up on after its decision
 *       timeout: so the wait must stay well under the shortest timeout allowed ({@link #MIN_DECISION_TIMEOUT}), or
 *       one slow follower would turn an emergency access into "consent service unavailable" (a follower that has
 *       not evicted yet still holds a refusal: it fails closed);</li>
 *   <li>a patient's Consent, which narrows access and is not inside a decision, waits longer
 *       ({@link #DIRECTIVE_EVICTION_WAIT}), so that the next request anywhere is decided with it.</li>
 * </ul>
 */
public final class DecisionFeed {

    public static final Duration LONG_POLL = Duration.ofSeconds(25);
    public static final Duration READ_TIMEOUT = LONG_POLL.plusSeconds(10);
    public static final Duration EVICTION_WAIT = Duration.ofSeconds(1);
    public static final Duration DIRECTIVE_EVICTION_WAIT = Duration.ofSeconds(5);
    public static final Duration MIN_DECISION_TIMEOUT = EVICTION_WAIT.plusSeconds(1);

    private DecisionFeed() {}
}
