package org.carerecord.security.decision;

import java.time.Instant;
import java.util.List;

/**
 * consent-service's answer. {@code permittedResourceTypes} and {@code withheldCategories} are the
 * obligations fhir-server enforces when it filters a result: anything of another type, or of a withheld
 * sensitive category, is left out. {@code reason} is written for a clinician and {@code policy} names the
 * role policy or Consent that decided it. {@code breakGlassAvailable} tells the clinician that an
 * emergency override would show what was withheld. {@code breakGlassUntil}: when the access rests on
 * break-glass, the end of its window (shown to the clinician, so they know how long the override lasts);
 * otherwise null.
 */
public record AccessDecision(
        String decisionId,
        Decision decision,
        String reason,
        String policy,
        List<String> permittedResourceTypes,
        List<String> obligations,
        List<SensitiveCategory> withheldCategories,
        boolean breakGlassAvailable,
        Instant breakGlassUntil) {

    /** A decision that does not rest on a break-glass window. */
    public AccessDecision(
            String decisionId,
            Decision decision,
            String reason,
            String policy,
            List<String> permittedResourceTypes,
            List<String> obligations,
            List<SensitiveCategory> withheldCategories,
            boolean breakGlassAvailable) {
        this(
                decisionId,
                decision,
                reason,
                policy,
                permittedResourceTypes,
                obligations,
                withheldCategories,
                breakGlassAvailable,
                null);
    }

    /** Obligation: the access rests on a break-glass override; alert the privacy officer and review it. */
    public static final String BREAK_GLASS = "break-glass";
    /** Obligation: the access rests on a relationship the user asserted; flag it for review. */
    public static final String SELF_CLAIMED_RELATIONSHIP = "self-claimed-relationship";

    public boolean permits() {
        return decision == Decision.PERMIT;
    }

    public boolean permitsType(String resourceType) {
        return permits() && permittedResourceTypes != null && permittedResourceTypes.contains(resourceType);
    }

    public boolean withholds(SensitiveCategory category) {
        return withheldCategories != null && withheldCategories.contains(category);
    }

    public boolean hasObligation(String obligation) {
        return obligations != null && obligations.contains(obligation);
    }
}
