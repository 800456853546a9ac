package org.carerecord.consent.changes;

/**
 * Something a consent-service replica holds in memory that a change written through another replica can make
 * stale: told by {@link DecisionChanges#catchUp()} before the next decision.
 */
public interface FeedListener {

    /** The feed moved on; {@code newEpoch}: the role policy was replaced (by any replica). */
    void changed(boolean newEpoch);
}
