package org.carerecord.security.decision;

import java.util.List;

/**
 * consent-service's answer. {@code permittedResourceTypes} is the obligation fhir-server enforces when
 * it filters a result: anything of another type is withheld. {@code reason} is written for a clinician
 * and {@code policy} names the role policy or Consent that decided it.
 */
public record AccessDecision(
        String decisionId,
        Decision decision,
        String reason,
        String policy,
        List<String> permittedResourceTypes,
        List<String> obligations) {

    public boolean permits() {
        return decision == Decision.PERMIT;
    }

    public boolean permitsType(String resourceType) {
        return permits() && permittedResourceTypes != null && permittedResourceTypes.contains(resourceType);
    }
}
