package org.carerecord.fhir.consent;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.carerecord.security.decision.AccessDecision;

/**
 * The decisions taken for one request, kept with it: asked once per patient and resource type, and
 * read back by the audit record ("the decision and policy that allowed it").
 */
public final class RequestDecisions {

    private static final String KEY = RequestDecisions.class.getName();

    private final Map<String, AccessDecision> byKey = new LinkedHashMap<>();
    private final List<String> withheld = new ArrayList<>();

    public static RequestDecisions of(RequestDetails request) {
        return (RequestDecisions) request.getUserData().computeIfAbsent(KEY, k -> new RequestDecisions());
    }

    AccessDecision computeIfAbsent(String patientId, String resourceType, Supplier<AccessDecision> decide) {
        return byKey.computeIfAbsent(patientId + "|" + resourceType, k -> decide.get());
    }

    void withheld(String resourceType) {
        withheld.add(resourceType);
    }

    public int withheldCount() {
        return withheld.size();
    }

    /** The decision that explains the outcome: the first refusal, else the first permit. */
    public Optional<AccessDecision> deciding() {
        return byKey.values().stream().filter(d -> !d.permits()).findFirst()
                .or(() -> byKey.values().stream().findFirst());
    }
}
