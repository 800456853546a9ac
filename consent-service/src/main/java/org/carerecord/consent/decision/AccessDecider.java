package org.carerecord.consent.decision;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.carerecord.consent.breakglass.BreakGlassGrants;
import org.carerecord.consent.changes.DecisionChanges;
import org.carerecord.consent.directive.ConsentDirectives;
import org.carerecord.consent.directive.PatientWishes;
import org.carerecord.consent.policy.RolePolicies;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.AccessRequest;
import org.carerecord.security.decision.BreakGlassGrant;
import org.springframework.stereotype.Service;

/**
 * Decides one request by the {@link AccessPolicy} (deny unless something permits), reading what the policy
 * weighs only when it gets that far — the patient's directives, a break-glass window already open — and opening
 * a new break-glass window when the decision rests on one just asked for (recorded, broadcast so every
 * fhir-server sees it, and the privacy officer alerted). Every step taken is written down, so the decision can
 * be explained later.
 */
@Service
class AccessDecider {

    /** A decision and the steps that led to it. */
    public record Decided(AccessDecision decision, List<String> steps) {}

    private final AccessPolicy policy;
    private final ConsentDirectives directives;
    private final BreakGlassGrants breakGlass;
    private final Clock clock;
    private final DecisionChanges changes;

    public AccessDecider(
            RolePolicies policies,
            ConsentDirectives directives,
            BreakGlassGrants breakGlass,
            DecisionChanges changes,
            Optional<Clock> clock) {
        this.policy = new AccessPolicy(policies);
        this.changes = changes;
        this.directives = directives;
        this.breakGlass = breakGlass;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    public Decided decide(AccessRequest request) {
        changes.catchUp(); // a directive, break-glass or policy written through another replica binds here too
        String decisionId = UUID.randomUUID().toString();
        Instant now = clock.instant();
        AccessPolicy.Outcome outcome = policy.evaluate(
                decisionId,
                request,
                new AccessPolicy.Circumstances(
                        () -> PatientWishes.of(directives.forPatient(request.patientId()), Date.from(now)),
                        () -> breakGlass.active(request.subject(), request.patientId(), now),
                        now));
        AccessDecision decision = outcome.decision();
        if (outcome.opensBreakGlass()) {
            BreakGlassGrant grant = breakGlass.grant(request, decisionId, policy.breakGlassWindow(), now);
            decision = new AccessDecision(
                    decision.decisionId(),
                    decision.decision(),
                    decision.reason(),
                    decision.policy(),
                    decision.permittedResourceTypes(),
                    decision.obligations(),
                    decision.withheldCategories(),
                    decision.breakGlassAvailable(),
                    grant.expiresAt());
        }
        return new Decided(decision, outcome.steps());
    }
}
