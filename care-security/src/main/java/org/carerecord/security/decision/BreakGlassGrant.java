package org.carerecord.security.decision;

import java.time.Instant;
import java.util.UUID;

/**
 * One emergency override as consent-service grants it and the governance console reviews it: who broke
 * the glass, for which patient and why, the window it opened, and the review once there is one.
 *
 * @param reviewOutcome appropriate, inappropriate or needs-follow-up; null while awaiting review
 */
public record BreakGlassGrant(
        UUID id,
        String subject,
        String nhsRole,
        String organisation,
        String patientId,
        String purpose,
        String reason,
        String decisionId,
        Instant grantedAt,
        Instant expiresAt,
        String reviewOutcome,
        String reviewedBy,
        String reviewNote) {

    /** The review verdicts, as the API takes them. */
    public static final java.util.Set<String> OUTCOMES =
            java.util.Set.of("appropriate", "inappropriate", "needs-follow-up");

    public boolean reviewed() {
        return reviewOutcome != null;
    }
}
